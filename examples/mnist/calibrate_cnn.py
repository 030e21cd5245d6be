"""
PyTorch calibration of `pnpm mnist --model cnn`: the same LeNet-style network, optimizer, learning-rate
schedule and batch size, on the same 8,000 / 2,000 digits, to choose how many epochs the example
needs for 98% test accuracy. Not run by `pnpm test`. From the repository root:

    npx tsx examples/mnist/dump-split.ts           # writes out/mnist/split/ (seed 0)
    pip install torch numpy                        # CPU wheels are enough
    python3 examples/mnist/calibrate_cnn.py --seeds 0 1 2 3 4 5 6

The defaults are the example's settings (LeNet-5's 6 and 16 channels, BatchNorm2d, random shifts
of up to 2 pixels, 8 epochs); the flags try others (`--no-bn --shift 0` is the plain network,
`--channels 16 32` a wider one). It prints the test accuracy after every epoch for each seed (the seed sets the
initial weights, the batch order and the shifts; the split stays the one dumped), then the final
accuracies' mean and range. The numbers that chose the settings are in examples/README.md (MNIST).
"""
import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)  # a fair comparison with the single-threaded TypeScript kernels


def lenet(args: argparse.Namespace) -> nn.Sequential:
    """The model of examples/mnist/models.ts makeCnn, layer for layer (PyTorch's default initialisation)."""
    c1, c2 = args.channels
    norm = (lambda c: [nn.BatchNorm2d(c)]) if args.bn else (lambda c: [])
    drop = [nn.Dropout(args.dropout)] if args.dropout > 0 else []
    return nn.Sequential(
        nn.Conv2d(1, c1, 5, padding=2), *norm(c1), nn.ReLU(), nn.MaxPool2d(2),   # c1×28×28 → c1×14×14
        nn.Conv2d(c1, c2, 5), *norm(c2), nn.ReLU(), nn.MaxPool2d(2),             # c2×10×10 → c2×5×5
        nn.Flatten(),
        nn.Linear(c2 * 25, 120), nn.ReLU(), *drop,
        nn.Linear(120, 84), nn.ReLU(), *drop,
        nn.Linear(84, 10),
    )


def shift(x: torch.Tensor, s: int) -> torch.Tensor:
    """Each image moved by a random whole number of pixels in [-s, s] along each axis, zeros let in."""
    if s == 0:
        return x
    n = x.shape[0]
    padded = nn.functional.pad(x, (s, s, s, s))
    dx, dy = torch.randint(0, 2 * s + 1, (n,)), torch.randint(0, 2 * s + 1, (n,))
    return torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(n)])


def load(split: Path, part: str) -> tuple[torch.Tensor, torch.Tensor]:
    x = np.fromfile(split / f"{part}-images.f32", dtype="<f4").reshape(-1, 1, 28, 28)
    y = np.fromfile(split / f"{part}-labels.i32", dtype="<i4").astype(np.int64)
    return torch.from_numpy(x.copy()), torch.from_numpy(y)


def cosine(lr: float, epoch: int, epochs: int) -> float:
    """examples/mnist/train.ts cosineSchedule: epoch e (0-based) uses lr·(1 + cos(π·e/epochs))/2."""
    return lr * (1 + math.cos(math.pi * epoch / epochs)) / 2


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    right = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(y), 1000))
    model.train()
    return right / len(y)


def run(args: argparse.Namespace, seed: int, data) -> list[float]:
    (x_train, y_train), (x_test, y_test) = data
    torch.manual_seed(seed)
    model = lenet(args)
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    accs = []
    for epoch in range(args.epochs):
        for g in opt.param_groups:
            g["lr"] = cosine(args.lr, epoch, args.epochs)
        start = time.perf_counter()
        order = torch.randperm(len(y_train))
        total = 0.0
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            opt.zero_grad()
            loss = loss_fn(model(shift(x_train[idx], args.shift)), y_train[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        secs = time.perf_counter() - start
        acc = accuracy(model, x_test, y_test)
        accs.append(acc)
        print(f"seed {seed} epoch {epoch + 1}: lr {cosine(args.lr, epoch, args.epochs):.4f}  loss {total / len(order):.4f}"
              f"  test {100 * acc:.2f}%  ({secs:.1f} s)", flush=True)
    return accs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--split", type=Path, default=Path("out/mnist/split"))
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--bn", action=argparse.BooleanOptionalAction, default=True, help="BatchNorm2d after each convolution (before its ReLU)")
    p.add_argument("--channels", type=int, nargs=2, default=[6, 16])
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--shift", type=int, default=2, help="random translation of each training image by up to this many pixels")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = p.parse_args()

    data = load(args.split, "train"), load(args.split, "test")
    print(f"{args.optimizer} lr {args.lr} (cosine to 0 per epoch)"
          f"{f' momentum {args.momentum}' if args.optimizer == 'sgd' else ''}, batches of {args.batch_size},"
          f" weight decay {args.weight_decay}{', BatchNorm2d' if args.bn else ''}, channels {args.channels}, dropout {args.dropout}, shift {args.shift}, {args.epochs} epochs, {len(data[0][1])} train / {len(data[1][1])} test digits")
    finals = [run(args, seed, data)[-1] for seed in args.seeds]
    print(f"final test accuracy over seeds {args.seeds}: mean {100 * np.mean(finals):.2f}%,"
          f" min {100 * min(finals):.2f}%, max {100 * max(finals):.2f}%")


if __name__ == "__main__":
    main()
