"""Golden micro/macro-average ROC curves, as scikit-learn's multiclass ROC example computes them.

Run with the system interpreter (Debian python3-sklearn): /usr/bin/python3 scripts/golden_roc_ovr.py
Writes test/fixtures/golden-roc-ovr.json.
"""
import json
import os

import numpy as np
from sklearn.metrics import auc, roc_curve
from sklearn.preprocessing import label_binarize

cases = []
for seed, (n, k, ties) in enumerate([(30, 3, False), (60, 3, True), (25, 4, False), (40, 4, True), (12, 3, True)]):
    rng = np.random.default_rng(100 + seed)
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)  # every class present
    raw = rng.random((n, k)) + 0.8 * np.eye(k)[y] * rng.random(n)[:, None]
    if ties:
        raw = np.round(raw * 4) / 4
    scores = raw / raw.sum(axis=1, keepdims=True)
    if ties:
        scores = np.round(scores, 2)
    onehot = label_binarize(y, classes=list(range(k)))
    fpr, tpr, aucs = {}, {}, {}
    for c in range(k):
        fpr[c], tpr[c], _ = roc_curve(onehot[:, c], scores[:, c])
        aucs[c] = auc(fpr[c], tpr[c])
    mfpr, mtpr, _ = roc_curve(onehot.ravel(), scores.ravel())
    all_fpr = np.unique(np.concatenate([fpr[c] for c in range(k)]))
    mean_tpr = np.zeros_like(all_fpr)
    for c in range(k):
        mean_tpr += np.interp(all_fpr, fpr[c], tpr[c])
    mean_tpr /= k
    cases.append({
        "name": f"n={n} k={k} ties={ties}",
        "yTrue": y.tolist(),
        "yScore": scores.tolist(),
        "perClassAuc": [aucs[c] for c in range(k)],
        "micro": {"fpr": mfpr.tolist(), "tpr": mtpr.tolist(), "auc": auc(mfpr, mtpr)},
        "macro": {"fpr": all_fpr.tolist(), "tpr": mean_tpr.tolist(), "auc": auc(all_fpr, mean_tpr)},
    })

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "golden-roc-ovr.json")
with open(out, "w") as f:
    json.dump({"sklearn": __import__("sklearn").__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {out}")
