/**
 * The two networks `pnpm mnist` can train (`--model mlp | cnn`), and the input shape each expects.
 */
import type { Tensor } from "@backprop/core";
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "@backprop/nn";
import { CLASSES, IMAGE_SIZE } from "./data.js";

export const MODELS = ["mlp", "cnn"] as const;
export type ModelKind = (typeof MODELS)[number];

/** Linear(784, hidden) → ReLU → Linear(hidden, 10): every pixel to every hidden unit. */
export function makeMlp(hidden: number): Sequential {
  return new Sequential(new Linear(IMAGE_SIZE, hidden), new ReLU(), new Linear(hidden, CLASSES));
}

/**
 * A LeNet-style network (LeCun et al., 1998: convolution, pooling, convolution, pooling, three dense
 * layers, with LeNet-5's widths), with ReLU and max pooling. Each convolution slides small filters
 * over the image, so a stroke is detected wherever it lies, with 156 weights in the first layer
 * where the MLP has 100,480; each pooling halves the maps' size. The shapes, for one image:
 *
 *   1×28×28 → Conv2d(1, 6, 5, padding 2) → BatchNorm2d → ReLU →  6×28×28 → MaxPool2d(2) →  6×14×14
 *           → Conv2d(6, 16, 5)           → BatchNorm2d → ReLU → 16×10×10 → MaxPool2d(2) → 16×5×5
 *           → Flatten → 400 → Linear → 120 → ReLU → Linear → 84 → ReLU → Linear → 10
 *
 * BatchNorm2d (not in the 1998 network) rescales each channel to mean 0 and variance 1 over the
 * batch, so the network learns in fewer epochs (the calibration in examples/README.md).
 */
export function makeCnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 5 * 5, 120), new ReLU(),
    new Linear(120, 84), new ReLU(),
    new Linear(84, CLASSES),
  );
}

export function makeModel(kind: ModelKind, hidden: number): Sequential {
  return kind === "cnn" ? makeCnn() : makeMlp(hidden);
}

/**
 * The images as the model reads them: rows of 784 pixels for the MLP, [n, 1, 28, 28] for the CNN
 * (one grey channel; the convolutions need to know which pixels are neighbours).
 */
export function modelInput(kind: ModelKind, images: Tensor): Tensor {
  return kind === "cnn" ? images.reshape([-1, 1, 28, 28]) : images;
}
