#!/usr/bin/python3
"""Golden logits of the seed-000 CovidXRayDetection network (PyTorch, eval mode).

Run from the repo root:  /usr/bin/python3 packages/models/scripts/golden_covid_cnn.py
Writes packages/models/test/fixtures/covid_cnn_forward.json.

Weights are not stored: parameter k (in state_dict order) gets, at flat index i of its
PyTorch layout, a·sin(0.1·i + k) (float32) with a = 1.5/√fanIn for weights, 0.1 for biases — the test rebuilds them in JS, moves them to
the tfjs layout and must reproduce these logits. That checks the architecture, the exact
adaptive pooling, and the documented NCHW → NHWC flatten-order permutation in one go.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn


class CovidXRayDetection(nn.Module):  # verbatim from the article
    def __init__(self, n_classes=2):
        super(CovidXRayDetection, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels=3, out_channels=32, kernel_size=3, stride=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(in_channels=32, out_channels=64, kernel_size=3),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
            nn.Dropout(.25),
            nn.Conv2d(in_channels=64, out_channels=128, kernel_size=3),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
            nn.Dropout(.25),
        )
        self.avg_pool = nn.AdaptiveAvgPool2d(2)
        self.classifier = nn.Sequential(
            nn.Linear(128 * 2 * 2, 64),
            nn.ReLU(inplace=True),
            nn.Dropout(.5),
            nn.Linear(64, 1),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avg_pool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


def main() -> None:
    torch.manual_seed(0)
    model = CovidXRayDetection().eval()
    params = []
    with torch.no_grad():
        for k, (name, p) in enumerate(model.state_dict().items()):
            i = np.arange(p.numel(), dtype=np.float64)
            a = 1.5 / math.sqrt(p.numel() // p.shape[0]) if p.dim() > 1 else 0.1
            p.copy_(torch.from_numpy((a * np.sin(0.1 * i + k)).astype(np.float32)).reshape(p.shape))
            params.append({"name": name, "shape": list(p.shape)})
    cases = []
    for h, w in [(20, 20), (27, 25), (36, 30)]:
        n = 2
        # Inputs: a deterministic pattern, also rebuilt in JS (NHWC index j → value).
        j = np.arange(n * h * w * 3, dtype=np.float64)
        x_nhwc = (0.5 + 0.5 * np.sin(0.37 * j + np.cos(0.0021 * j))).astype(np.float32).reshape(n, h, w, 3)
        x = torch.from_numpy(x_nhwc).permute(0, 3, 1, 2).contiguous()
        with torch.no_grad():
            logits = model(x).reshape(-1).double().tolist()
        cases.append({"inputShape": [n, h, w, 3], "logits": logits})
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "covid_cnn_forward.json")
    with open(out, "w") as f:
        json.dump({
            "generator": f"torch {torch.__version__}",
            "paramCount": sum(p.numel() for p in model.parameters()),
            "params": params,
            "cases": cases,
        }, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
