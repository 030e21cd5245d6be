"""Check ONNX files with the onnx package's checker (full check: with shape inference).

Usage: python3 check_onnx.py FILE.onnx ...

Run by packages/nn/test/onnx-export.test.ts over every model exportOnnx wrote there (when Python
has `onnx`: pip install onnx). Prints "checked N models: all valid", or each failure and exits 1.
"""
import sys

import onnx

failures = []
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:  # the checker raises ValidationError, shape inference InferenceError
        failures.append(f"{path}: {e}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"checked {len(sys.argv) - 1} models: all valid")
