#!/usr/bin/python3
"""Golden values for AdaptiveAveragePooling2D: torch.nn.AdaptiveAvgPool2d on seeded random input.

Run from the repo root:  /usr/bin/python3 packages/models/scripts/golden_adaptive_pool.py
Writes packages/models/test/fixtures/adaptive_avg_pool.json. Tensors are stored channels-last
(NHWC), flattened row-major, so the TypeScript test can feed them to tfjs as they are.
"""
import json
import os

import torch

CASES = [
    # (n, c, h, w, out_h, out_w)
    (1, 2, 5, 7, 2, 2),
    (1, 2, 54, 54, 2, 2),  # covidCnn at 224 px: 54×54×128 → 2×2
    (1, 4, 9, 4, 3, 2),
    (2, 1, 6, 6, 3, 3),
    (1, 3, 7, 5, 4, 6),  # output larger than input along w: overlapping bins
    (1, 2, 1, 3, 2, 2),
    (1, 5, 13, 11, 5, 3),
]


def main() -> None:
    torch.manual_seed(0)
    cases = []
    for n, c, h, w, oh, ow in CASES:
        # float32-representable inputs, float64 reference: the only error left is tfjs float32 math.
        x = torch.randn(n, c, h, w, dtype=torch.float32).double()
        y = torch.nn.AdaptiveAvgPool2d((oh, ow))(x)
        cases.append({
            "inputShape": [n, h, w, c],
            "outputSize": [oh, ow],
            "outputShape": [n, oh, ow, c],
            "input": x.permute(0, 2, 3, 1).reshape(-1).tolist(),
            "output": y.permute(0, 2, 3, 1).reshape(-1).tolist(),
        })
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "adaptive_avg_pool.json")
    with open(out, "w") as f:
        json.dump({"generator": f"torch {torch.__version__} AdaptiveAvgPool2d (float64)", "cases": cases}, f)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
