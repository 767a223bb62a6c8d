"""Golden precision-recall curves, average precision, Brier scores and calibration curves from scikit-learn.

Run with the system interpreter (Debian python3-sklearn): /usr/bin/python3 scripts/golden_pr_calibration.py
Writes test/fixtures/golden-pr-calibration.json. The expected calibration error has no sklearn
function: it is computed here from calibration_curve's bins with numpy, as the docs define it.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve
from sklearn.preprocessing import label_binarize


def ece(y, p, n_bins, strategy):
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    if strategy == "quantile":
        bins = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(bins[1:-1], p), minlength=len(bins))
    counts = counts[counts != 0]
    return float(np.sum(counts / len(p) * np.abs(prob_true - prob_pred)))


binary = []
for seed, (n, ties) in enumerate([(20, False), (50, True), (8, True), (100, False), (33, True)]):
    rng = np.random.default_rng(200 + seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    p = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    if ties:
        p = np.round(p * 10) / 10
    precision, recall, thresholds = precision_recall_curve(y, p)
    case = {
        "name": f"n={n} ties={ties}",
        "yTrue": y.tolist(),
        "yProb": p.tolist(),
        "pr": {"precision": precision.tolist(), "recall": recall.tolist(), "thresholds": thresholds.tolist()},
        "ap": average_precision_score(y, p),
        "apPos0": average_precision_score(y, 1 - p, pos_label=0),
        "brier": brier_score_loss(y, p),
        "calibration": [],
    }
    for strategy in ["uniform", "quantile"]:
        for n_bins in [3, 5, 10]:
            prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
            case["calibration"].append({
                "strategy": strategy, "nBins": n_bins,
                "probTrue": prob_true.tolist(), "probPred": prob_pred.tolist(),
                "ece": ece(y, p, n_bins, strategy),
            })
    binary.append(case)

multiclass = []
for seed, (n, k, ties) in enumerate([(30, 3, False), (60, 4, True), (15, 3, True)]):
    rng = np.random.default_rng(300 + seed)
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    raw = rng.random((n, k)) + 0.8 * np.eye(k)[y] * rng.random(n)[:, None]
    if ties:
        raw = np.round(raw * 4) / 4
    scores = raw / raw.sum(axis=1, keepdims=True)
    onehot = label_binarize(y, classes=list(range(k)))
    # Top-label ECE (Guo et al.): confidence = max probability, outcome = argmax is right.
    conf = scores.max(axis=1)
    correct = (scores.argmax(axis=1) == y).astype(int)
    multiclass.append({
        "name": f"n={n} k={k} ties={ties}",
        "yTrue": y.tolist(),
        "yScore": scores.tolist(),
        "apPerClass": average_precision_score(onehot, scores, average=None).tolist(),
        "apMacro": average_precision_score(onehot, scores, average="macro"),
        "apWeighted": average_precision_score(onehot, scores, average="weighted"),
        "apMicro": average_precision_score(onehot, scores, average="micro"),
        "topLabelEce10": ece(correct, conf, 10, "uniform"),
    })

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "golden-pr-calibration.json")
with open(out, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "binary": binary, "multiclass": multiclass}, f)
    f.write("\n")
print(f"wrote {len(binary)} binary and {len(multiclass)} multi-class cases to {out}")
