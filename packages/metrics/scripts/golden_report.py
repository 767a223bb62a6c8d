#!/usr/bin/python3
"""Golden values for @cxr/metrics' classification report and ROC functions, computed with scikit-learn.

Run from the repository root:  /usr/bin/python3 packages/metrics/scripts/golden_report.py
(Debian: apt-get install -y python3-sklearn). Writes packages/metrics/test/fixtures/golden-report.json,
which test/golden-report.test.ts compares against: classification_report (text and numbers),
precision_recall_fscore_support, roc_curve, roc_auc_score and auc. Every case is seeded, so re-running
gives the same file for the same scikit-learn version. Errors sklearn raises are recorded as their
message. NaN (e.g. roc_curve's fpr with no negatives) is written as null.
"""
import json
import math
import os

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    auc,
    classification_report,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "golden-report.json")


def random_case(name, seed, n, k, *, true_classes=None, pred_classes=None, p_correct=0.7, p_true=None,
                grid=20, signal=1.5, **extra):
    """n samples of k classes. y_pred is right with probability p_correct, else a random class from
    pred_classes. y_score rows are multinomial counts over `grid` draws / grid (so rows sum to 1 and a
    small grid gives many tied scores), leaning towards the true class by `signal`."""
    rng = np.random.default_rng(seed)
    true_classes = list(range(k)) if true_classes is None else true_classes
    pred_classes = list(range(k)) if pred_classes is None else pred_classes
    y_true = rng.choice(true_classes, size=n, p=p_true)
    noise = rng.choice(pred_classes, size=n)
    right = rng.random(n) < p_correct
    y_pred = np.where(right & np.isin(y_true, pred_classes), y_true, noise)
    logits = rng.normal(size=(n, k)) + signal * np.eye(k)[y_true]
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    counts = np.array([rng.multinomial(grid, row) for row in probs])
    y_score = counts / grid
    return dict(name=name, y_true=y_true.tolist(), y_pred=y_pred.tolist(), k=k, y_score=y_score.tolist(), **extra)


def fixed_case(name, y_true, y_pred, k, **extra):
    return dict(name=name, y_true=y_true, y_pred=y_pred, k=k, **extra)


NAMES3 = ["COVID19", "NORMAL", "Viral Pneumonia"]
CASES = [
    random_case("binary n=50 seed=0", 0, 50, 2, target_names=["COVID19", "NORMAL"]),
    random_case("binary n=200 seed=1 fine scores", 1, 200, 2, p_correct=0.9, grid=1000, digits=4),
    random_case("binary n=9 seed=2 heavy ties", 2, 9, 2, p_correct=0.4, grid=4),
    random_case("binary imbalanced 9:1", 3, 120, 2, p_true=[0.9, 0.1], target_names=["negative", "positive"], digits=3),
    random_case("binary yPred all 0", 4, 40, 2, pred_classes=[0], zero_division=1),
    random_case("binary yPred all 1", 5, 40, 2, pred_classes=[1]),
    random_case("binary long target names", 6, 60, 2, target_names=["a", "a much longer class name here"], digits=4),
    random_case("binary yTrue all 0 (degenerate)", 7, 25, 2, true_classes=[0]),
    random_case("binary yTrue all 1 (degenerate)", 8, 12, 2, true_classes=[1], zero_division=1),
    random_case("3-class n=60 seed=10", 10, 60, 3, target_names=NAMES3),
    random_case("3-class n=300 seed=11 fine scores", 11, 300, 3, p_correct=0.85, grid=500, target_names=NAMES3, digits=4),
    random_case("3-class n=15 seed=12 heavy ties", 12, 15, 3, p_correct=0.3, grid=3, signal=0.5),
    random_case("3-class class 2 never predicted", 13, 80, 3, pred_classes=[0, 1], target_names=NAMES3),
    random_case("3-class only class 0 predicted", 14, 45, 3, pred_classes=[0], zero_division=1),
    random_case("3-class class 1 never true (AUC undefined)", 15, 50, 3, true_classes=[0, 2]),
    random_case("3-class imbalanced", 16, 150, 3, p_true=[0.7, 0.25, 0.05], target_names=["x", "yy", "zzz"], digits=4),
    random_case("3-class labels subset [2, 0] (micro avg row)", 17, 70, 3, labels=[2, 0], target_names=["Viral Pneumonia", "COVID19"]),
    random_case("3-class labels [0, 1] subset, digits 13", 18, 40, 3, labels=[0, 1], digits=13),
    random_case("4-class n=100 seed=20", 20, 100, 4, target_names=["COVID19", "NORMAL", "Viral Pneumonia", "Lung_Opacity"]),
    random_case("4-class n=400 seed=21", 21, 400, 4, p_correct=0.6, grid=50, digits=4),
    random_case("4-class class 3 never predicted, ties", 22, 64, 4, pred_classes=[0, 1, 2], grid=5),
    random_case("4-class labels all 4 reordered", 23, 50, 4, labels=[3, 2, 1, 0], target_names=["d", "c", "b", "a"]),
    random_case("4-class imbalanced", 24, 200, 4, p_true=[0.55, 0.3, 0.1, 0.05], zero_division=1, digits=3),
    # Exact binary ties for the report's rounding: Python rounds half to even on the exact double.
    fixed_case("rounding 0.125", [0, 1, 1, 1, 1, 1, 1, 1], [0] * 8, 2),
    fixed_case("rounding 0.375 zero_division 1", [0, 0, 0, 1, 1, 1, 1, 1], [0] * 8, 2, zero_division=1),
    fixed_case("rounding 0.625 and 0.875", [0, 0, 0, 0, 0, 1, 1, 1] + [1] * 8, [0] * 8 + [1] * 7 + [0], 2,
               target_names=["neg", "pos"]),
    fixed_case("single sample", [1], [0], 2),
    # No correct prediction at all: sklearn's counts turn float and print as "2.0".
    fixed_case("no correct prediction", [0, 1, 2, 0, 1, 2], [1, 2, 0, 2, 0, 1], 3, target_names=["A", "B", "C"]),
]


def nan_to_none(values):
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def as_floats(values):
    return nan_to_none([float(v) for v in values])


def error_of(fn):
    try:
        fn()
    except ValueError as e:
        return str(e)
    return None


def compute(case):
    t, p, k = case["y_true"], case["y_pred"], case["k"]
    labels = case.get("labels")
    digits = case.get("digits", 2)
    zd = case.get("zero_division", 0)
    names = case.get("target_names")
    out = dict(case)

    out["report_text"] = classification_report(t, p, labels=labels, target_names=names, digits=digits, zero_division=zd)
    d = classification_report(t, p, labels=labels, target_names=names, output_dict=True, zero_division=zd)
    out["report_dict"] = d
    out["accuracy_all"] = float(accuracy_score(t, p))

    prfs = {}
    for average in (None, "micro", "macro", "weighted"):
        for beta in (1.0, 0.5, 2.0):
            for z in (0, 1):
                pr, rc, f, s = precision_recall_fscore_support(t, p, labels=labels, average=average, beta=beta, zero_division=z)
                key = f"{average}_b{beta}_zd{z}"
                if average is None:
                    prfs[key] = dict(precision=as_floats(pr), recall=as_floats(rc), f=as_floats(f), support=[int(v) for v in s])
                else:
                    prfs[key] = dict(precision=float(pr), recall=float(rc), f=float(f))
    if k == 2:
        for pos in (0, 1):
            for beta in (1.0, 2.0):
                for z in (0, 1):
                    try:
                        pr, rc, f, _ = precision_recall_fscore_support(t, p, average="binary", pos_label=pos, beta=beta, zero_division=z)
                        prfs[f"binary_pos{pos}_b{beta}_zd{z}"] = dict(precision=float(pr), recall=float(rc), f=float(f))
                    except ValueError as e:
                        prfs[f"binary_pos{pos}_b{beta}_zd{z}"] = dict(error=str(e))
    else:
        prfs["binary_error"] = error_of(lambda: precision_recall_fscore_support(t, p, average="binary"))
    out["prfs"] = prfs

    if "y_score" in case:
        s = np.array(case["y_score"])
        y = np.array(t)
        curves = {}
        for c in range(k):
            for drop in (True, False):
                fpr, tpr, thr = roc_curve(y, s[:, c], pos_label=c, drop_intermediate=drop)
                curves[f"pos{c}_drop{drop}"] = dict(fpr=as_floats(fpr), tpr=as_floats(tpr), thresholds=as_floats(thr))
                curves[f"pos{c}_drop{drop}"]["auc"] = None if np.isnan(fpr).any() or np.isnan(tpr).any() else float(auc(fpr, tpr))
        out["roc_curves"] = curves
        aucs = {}
        if k == 2:
            # binary: yScore = the positive class' column
            try:
                aucs["binary"] = float(roc_auc_score(y, s[:, 1]))
            except ValueError as e:
                aucs["binary_error"] = str(e)
        for average in ("macro", "weighted", "micro", None):
            key = str(average)
            try:
                if k == 2:
                    # n × 2 scores: sklearn's one-vs-rest path is label_binarize + the multilabel path;
                    # label_binarize gives one column for 2 classes, so binarize by hand.
                    v = roc_auc_score(np.eye(k)[y], s, average=average)
                else:
                    v = roc_auc_score(y, s, multi_class="ovr", average=average, labels=list(range(k)))
                aucs[key] = as_floats(v) if average is None else float(v)
            except ValueError as e:
                aucs[key + "_error"] = str(e)
        out["roc_auc"] = aucs
    return out


def dump(cases):
    lines = ["{", '  "generator": "packages/metrics/scripts/golden_report.py",']
    lines.append(f'  "sklearn": {json.dumps(sklearn.__version__)},')
    lines.append(f'  "numpy": {json.dumps(np.__version__)},')
    lines.append('  "cases": [')
    for ci, case in enumerate(cases):
        fields = [f"      {json.dumps(key)}: {json.dumps(value, separators=(',', ':'), allow_nan=False)}" for key, value in case.items()]
        lines.append("    {\n" + ",\n".join(fields) + "\n    }" + ("," if ci < len(cases) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    text = dump([compute(c) for c in CASES])
    json.loads(text)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")
