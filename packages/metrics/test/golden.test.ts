import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  confusionMatrix,
  f1Score,
  precisionScore,
  recallScore,
  uniqueLabels,
  type ConfusionNormalize,
} from '@cxr/metrics';

// Produced by scripts/golden.py with scikit-learn; regenerate there, never edit by hand.
interface GoldenCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  k: number;
  labels: number[];
  accuracy: number;
  accuracy_count: number;
  confusion: number[][];
  confusion_true: number[][];
  confusion_pred: number[][];
  confusion_all: number[][];
  confusion_num_classes: number[][];
  confusion_num_classes_true: number[][];
  confusion_subset_labels: number[];
  confusion_subset: number[][] | null;
  binary?: Record<string, { precision: number; recall: number; f1: number }>;
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/golden-sklearn.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: GoldenCase[];
};

const TOL = 1e-12;

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i]!.length);
    row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThanOrEqual(TOL));
  });
}

describe(`golden values from scikit-learn ${golden.sklearn}`, () => {
  it('has binary and 3-class cases', () => {
    expect(golden.cases.filter((c) => c.k === 2).length).toBeGreaterThanOrEqual(5);
    expect(golden.cases.filter((c) => c.k === 3).length).toBeGreaterThanOrEqual(5);
  });

  describe.each(golden.cases)('$name', (c) => {
    it('accuracyScore', () => {
      expect(Math.abs(accuracyScore(c.y_true, c.y_pred) - c.accuracy)).toBeLessThanOrEqual(TOL);
      expect(accuracyScore(c.y_true, c.y_pred, { normalize: false })).toBe(c.accuracy_count);
    });

    it('uniqueLabels', () => {
      expect(uniqueLabels(c.y_true, c.y_pred)).toEqual(c.labels);
    });

    it('confusionMatrix counts (exact)', () => {
      expect(confusionMatrix(c.y_true, c.y_pred)).toEqual(c.confusion);
      expect(confusionMatrix(c.y_true, c.y_pred, { numClasses: c.k })).toEqual(c.confusion_num_classes);
      if (c.confusion_subset !== null) {
        expect(confusionMatrix(c.y_true, c.y_pred, { labels: c.confusion_subset_labels })).toEqual(c.confusion_subset);
      }
    });

    it('confusionMatrix also takes typed arrays', () => {
      expect(confusionMatrix(Int32Array.from(c.y_true), Float32Array.from(c.y_pred))).toEqual(c.confusion);
    });

    it.each(['true', 'pred', 'all'] as ConfusionNormalize[])('confusionMatrix normalize=%s', (normalize) => {
      expectClose(confusionMatrix(c.y_true, c.y_pred, { normalize }), c[`confusion_${normalize}`]);
    });

    it('confusionMatrix numClasses + normalize=true', () => {
      expectClose(confusionMatrix(c.y_true, c.y_pred, { numClasses: c.k, normalize: 'true' }), c.confusion_num_classes_true);
    });

    it.runIf(c.binary !== undefined)('precision, recall, f1 (binary)', () => {
      for (const [key, expected] of Object.entries(c.binary!)) {
        const [, pos, zd] = /^pos(\d)_zd(\d)$/.exec(key)!;
        const options = { posLabel: Number(pos) as 0 | 1, zeroDivision: Number(zd) };
        expect(Math.abs(precisionScore(c.y_true, c.y_pred, options) - expected.precision), `${key} precision`).toBeLessThanOrEqual(TOL);
        expect(Math.abs(recallScore(c.y_true, c.y_pred, options) - expected.recall), `${key} recall`).toBeLessThanOrEqual(TOL);
        expect(Math.abs(f1Score(c.y_true, c.y_pred, options) - expected.f1), `${key} f1`).toBeLessThanOrEqual(TOL);
      }
      // Defaults are pos_label=1, zero_division=0 (sklearn's 'warn' without the warning).
      expect(precisionScore(c.y_true, c.y_pred)).toBe(precisionScore(c.y_true, c.y_pred, { posLabel: 1, zeroDivision: 0 }));
      expect(f1Score(c.y_true, c.y_pred)).toBe(f1Score(c.y_true, c.y_pred, { posLabel: 1, zeroDivision: 0 }));
    });
  });
});
