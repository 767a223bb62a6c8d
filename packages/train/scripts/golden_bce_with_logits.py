#!/usr/bin/python3
"""Golden values for bceWithLogits: torch.nn.BCEWithLogitsLoss(pos_weight, reduction='mean').

Run from the repo root:  /usr/bin/python3 packages/train/scripts/golden_bce_with_logits.py
Writes packages/train/test/fixtures/bce_with_logits.json. Logits include large magnitudes
(±30, ±100) where a naive log(sigmoid(x)) overflows; labels include soft targets.
"""
import json
import os

import torch

POS_WEIGHTS = [1.0, 0.25, 3.0]


def main() -> None:
    g = torch.Generator().manual_seed(0)
    cases = []
    shapes = [(8, 1), (32, 1), (5, 3)]
    for shape in shapes:
        for soft in (False, True):
            logits = (torch.randn(shape, generator=g, dtype=torch.float64) * 4).float().double()
            flat = logits.view(-1)
            flat[0], flat[-1] = 30.0, -100.0
            if soft:
                labels = torch.rand(shape, generator=g, dtype=torch.float64).float().double()
            else:
                labels = torch.randint(0, 2, shape, generator=g).double()
            for pw in POS_WEIGHTS:
                f = torch.nn.BCEWithLogitsLoss(reduction="mean", pos_weight=torch.tensor([pw], dtype=torch.float64))
                none = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor([pw], dtype=torch.float64))
                cases.append({
                    "shape": list(shape),
                    "posWeight": pw,
                    "logits": logits.view(-1).tolist(),
                    "labels": labels.view(-1).tolist(),
                    "mean": f(logits, labels).item(),
                    "none": none(logits, labels).view(-1).tolist(),
                })
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "bce_with_logits.json")
    with open(out, "w") as f:
        json.dump({"generator": f"torch {torch.__version__} BCEWithLogitsLoss (float64)", "cases": cases}, f)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
