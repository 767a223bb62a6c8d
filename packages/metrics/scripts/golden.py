#!/usr/bin/python3
"""Golden values for @cxr/metrics, computed with scikit-learn.

Run from the repository root:  /usr/bin/python3 packages/metrics/scripts/golden.py
(Debian: apt-get install -y python3-sklearn). Writes packages/metrics/test/fixtures/golden-sklearn.json,
which test/golden.test.ts compares against. Every case is seeded, so re-running gives the same file
for the same scikit-learn version.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)
from sklearn.utils.multiclass import unique_labels

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "golden-sklearn.json")


def random_case(name, seed, n, k, *, true_classes=None, pred_classes=None, p_correct=0.7):
    """n samples of k classes; predictions right with probability p_correct, else a random class.
    true_classes / pred_classes restrict which classes may occur (to make classes go missing)."""
    rng = np.random.default_rng(seed)
    true_classes = list(range(k)) if true_classes is None else true_classes
    pred_classes = list(range(k)) if pred_classes is None else pred_classes
    y_true = rng.choice(true_classes, size=n)
    noise = rng.choice(pred_classes, size=n)
    right = rng.random(n) < p_correct
    y_pred = np.where(right & np.isin(y_true, pred_classes), y_true, noise)
    return dict(name=name, y_true=y_true.tolist(), y_pred=y_pred.tolist(), k=k)


CASES = [
    random_case("binary n=50 seed=0", 0, 50, 2),
    random_case("binary n=200 seed=1", 1, 200, 2, p_correct=0.9),
    random_case("binary n=7 seed=2", 2, 7, 2, p_correct=0.3),
    random_case("binary n=31 seed=3 imbalanced", 3, 31, 2, p_correct=0.95),
    random_case("binary yPred all 0", 4, 40, 2, pred_classes=[0]),
    random_case("binary yPred all 1", 5, 40, 2, pred_classes=[1]),
    random_case("binary yTrue all 0", 6, 25, 2, true_classes=[0]),
    random_case("binary yTrue and yPred all 0", 7, 12, 2, true_classes=[0], pred_classes=[0]),
    random_case("binary yTrue and yPred all 1", 8, 12, 2, true_classes=[1], pred_classes=[1]),
    dict(name="binary single sample", y_true=[1], y_pred=[0], k=2),
    random_case("3-class n=60 seed=10", 10, 60, 3),
    random_case("3-class n=300 seed=11", 11, 300, 3, p_correct=0.85),
    random_case("3-class n=9 seed=12", 12, 9, 3, p_correct=0.2),
    random_case("3-class class 2 never predicted", 13, 80, 3, pred_classes=[0, 1]),
    random_case("3-class only class 0 predicted", 14, 45, 3, pred_classes=[0]),
    random_case("3-class class 1 never true", 15, 50, 3, true_classes=[0, 2]),
    random_case("3-class classes 0 and 2 only", 16, 40, 3, true_classes=[0, 2], pred_classes=[0, 2]),
]


def floats(matrix):
    return [[float(v) for v in row] for row in matrix]


def compute(case):
    t, p, k = case["y_true"], case["y_pred"], case["k"]
    out = dict(case)
    out["labels"] = unique_labels(t, p).tolist()
    out["accuracy"] = float(accuracy_score(t, p))
    out["accuracy_count"] = int(accuracy_score(t, p, normalize=False))
    out["confusion"] = confusion_matrix(t, p).tolist()
    for norm in ("true", "pred", "all"):
        out[f"confusion_{norm}"] = floats(confusion_matrix(t, p, normalize=norm))
    full = list(range(k))
    out["confusion_num_classes"] = confusion_matrix(t, p, labels=full).tolist()
    out["confusion_num_classes_true"] = floats(confusion_matrix(t, p, labels=full, normalize="true"))
    # sklearn's `labels`: a reordered subset, samples outside it are dropped.
    subset = [full[-1], full[0]]
    out["confusion_subset_labels"] = subset
    out["confusion_subset"] = confusion_matrix(t, p, labels=subset).tolist() if set(subset) & set(t) else None
    if k == 2:
        binary = {}
        for pos in (1, 0):
            for zd in (0, 1):
                kw = dict(pos_label=pos, zero_division=zd)
                binary[f"pos{pos}_zd{zd}"] = dict(
                    precision=float(precision_score(t, p, **kw)),
                    recall=float(recall_score(t, p, **kw)),
                    f1=float(f1_score(t, p, **kw)),
                )
        out["binary"] = binary
    return out


def dump(cases):
    # One case per block, one field per line: small diffs when a value changes.
    lines = ["{", f'  "generator": "packages/metrics/scripts/golden.py",']
    lines.append(f'  "sklearn": {json.dumps(sklearn.__version__)},')
    lines.append(f'  "numpy": {json.dumps(np.__version__)},')
    lines.append('  "cases": [')
    for ci, case in enumerate(cases):
        fields = [f"      {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}" for key, value in case.items()]
        lines.append("    {\n" + ",\n".join(fields) + "\n    }" + ("," if ci < len(cases) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = dump([compute(c) for c in CASES])
    json.loads(text)  # refuse to write something that doesn't parse
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")
