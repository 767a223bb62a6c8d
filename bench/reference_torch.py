#!/usr/bin/env python3
"""PyTorch CPU reference for `pnpm bench`: the same two models, the same batches, the same method.

  python3 bench/reference_torch.py --rows '[{"model":"A","phase":"train","batch":32}]' [--steps 5] [--warmup 2] [--threads 2]

Prints one JSON array: [{model, phase, batch, imagesPerSec, stepsTimed, params}]. Models:
  A = seed 000 CovidXRayDetection, 224x224x3, 126,145 parameters, BCE-with-logits, Adam;
  B = seed 004 LungClassifier, 512x512x1, 82,923 parameters, softmax cross-entropy, Adam.
Warm-up steps are excluded; images/s = batch / median step time. Debian: apt-get install python3-torch.
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn


def model_a() -> nn.Module:
    class CovidXRayDetection(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            )
            self.avg_pool = nn.AdaptiveAvgPool2d(2)
            self.classifier = nn.Sequential(nn.Linear(512, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1))

        def forward(self, x):
            return self.classifier(torch.flatten(self.avg_pool(self.features(x)), 1))

    return CovidXRayDetection()


def model_b() -> nn.Module:
    # Keras Conv2D(4,5)/MaxPool(3,3)/Conv2D(4,3)/MaxPool(2,2)/Flatten/Dense(3, softmax); the softmax
    # lives in CrossEntropyLoss for training and is applied explicitly for inference.
    return nn.Sequential(
        nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(3, 3), nn.Conv2d(4, 4, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(83 * 83 * 4, 3),
    )


MODELS = {
    'A': dict(make=model_a, shape=(3, 224, 224), params=126_145, classes=1),
    'B': dict(make=model_b, shape=(1, 512, 512), params=82_923, classes=3),
}


# Backbones (cxr's Keras applications) against torchvision's model of the same name, one logit.
TORCHVISION = {
    'mobilenetv2': 'mobilenet_v2', 'resnet50': 'resnet50', 'vgg16': 'vgg16', 'densenet121': 'densenet121',
    'densenet201': 'densenet201', 'efficientnetb0': 'efficientnet_b0', 'efficientnetb7': 'efficientnet_b7',
}


class Unavailable(Exception):
    """This row has no PyTorch counterpart here; it is skipped, the others still run."""


def backbone_spec(name: str) -> dict:
    if name not in TORCHVISION:
        raise Unavailable(f'no torchvision counterpart for {name}')
    try:
        import torchvision  # Debian: apt-get install python3-torchvision
    except ImportError as error:
        raise Unavailable('torchvision is not installed (apt-get install python3-torchvision)') from error
    make = getattr(torchvision.models, TORCHVISION[name])
    return dict(make=lambda: make(num_classes=1), shape=(3, 224, 224), params=None, classes=1)


def bench_row(name: str, phase: str, batch: int, steps: int, warmup: int) -> dict:
    spec = MODELS[name] if name in MODELS else backbone_spec(name)
    torch.manual_seed(0)
    model = spec['make']()
    params = sum(p.numel() for p in model.parameters())
    if spec['params'] is not None and params != spec['params']:
        raise SystemExit(f'model {name} has {params} parameters, expected {spec["params"]}')
    x = torch.rand(batch, *spec['shape'])
    if spec['classes'] == 1:
        y = (torch.arange(batch) % 2).float().unsqueeze(1)
        loss_fn = nn.BCEWithLogitsLoss()
    else:
        y = torch.arange(batch) % spec['classes']
        loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        if phase == 'train':
            model.train()
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            loss.item()
        else:
            model.eval()
            with torch.no_grad():
                out = model(x)
                (torch.sigmoid(out) if spec['classes'] == 1 else torch.softmax(out, 1)).sum().item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return dict(model=name, phase=phase, batch=batch, imagesPerSec=batch / statistics.median(times), stepsTimed=steps, params=params)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--rows', required=True, help='JSON list of {model, phase, batch}')
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for r in json.loads(args.rows):
        try:
            rows.append(bench_row(r['model'], r['phase'], int(r['batch']), args.steps, args.warmup))
        except Unavailable as why:
            print(f'reference_torch.py: skipped {r["model"]} {r["phase"]}: {why}', file=sys.stderr)
    print(json.dumps(dict(engine=f'pytorch {torch.__version__} cpu, {torch.get_num_threads()} threads', rows=rows)))


if __name__ == '__main__':
    main()
