import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  auc,
  classificationReport,
  precisionRecallFscoreSupport,
  rocAucScore,
  rocCurve,
  type PrfsAverage,
} from '@cxr/metrics';

// Produced by scripts/golden_report.py with scikit-learn; regenerate there, never edit by hand.
// NaN is stored as null.
type Num = number | null;
interface Averaged {
  precision: number;
  recall: number;
  f: number;
}
interface GoldenCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  k: number;
  y_score?: number[][];
  labels?: number[];
  target_names?: string[];
  digits?: number;
  zero_division?: number;
  report_text: string;
  report_dict: Record<string, number | { precision: number; recall: number; 'f1-score': number; support: number }>;
  accuracy_all: number;
  prfs: Record<string, (Averaged | { precision: Num[]; recall: Num[]; f: Num[]; support: number[] } | { error: string }) | string | null>;
  roc_curves?: Record<string, { fpr: Num[]; tpr: Num[]; thresholds: number[]; auc: number | null }>;
  roc_auc?: Record<string, number | number[] | string>;
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/golden-report.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: GoldenCase[];
};

const TOL = 1e-12;
const ONE_CLASS = 'Only one class present in y_true. ROC AUC score is not defined in that case.';

function close(actual: number, expected: Num, what: string): void {
  if (expected === null) expect(actual, what).toBeNaN();
  else expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOL);
}

function allClose(actual: readonly number[], expected: readonly Num[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  actual.forEach((v, i) => close(v, expected[i]!, `${what}[${i}]`));
}

function caught(fn: () => unknown): { code?: string; name?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; name: string; message: string };
  }
  throw new Error('expected a throw');
}

describe(`classification report and ROC vs scikit-learn ${golden.sklearn}`, () => {
  it('covers >= 20 cases: 2, 3 and 4 classes, ties, digits 2 and 4, label subsets, the one-class case', () => {
    const cs = golden.cases;
    expect(cs.length).toBeGreaterThanOrEqual(20);
    for (const k of [2, 3, 4]) expect(cs.filter((c) => c.k === k).length).toBeGreaterThanOrEqual(4);
    expect(cs.some((c) => c.digits === 4)).toBe(true);
    expect(cs.some((c) => c.labels !== undefined && c.report_text.includes('micro avg'))).toBe(true);
    expect(cs.some((c) => c.roc_auc?.['binary_error'] === ONE_CLASS)).toBe(true);
  });

  describe.each(golden.cases)('$name', (c) => {
    const reportOptions = {
      ...(c.labels ? { labels: c.labels } : {}),
      ...(c.target_names ? { targetNames: c.target_names } : {}),
      ...(c.digits !== undefined ? { digits: c.digits } : {}),
      ...(c.zero_division !== undefined ? { zeroDivision: c.zero_division } : {}),
    };

    it('classificationReport: text character for character, numbers within 1e-12', () => {
      const r = classificationReport(c.y_true, c.y_pred, reportOptions);
      expect(r.text).toBe(c.report_text);
      for (const row of r.perClass) {
        const d = c.report_dict[row.name] as { precision: number; recall: number; 'f1-score': number; support: number };
        close(row.precision, d.precision, `${row.name} precision`);
        close(row.recall, d.recall, `${row.name} recall`);
        close(row.f1, d['f1-score'], `${row.name} f1`);
        expect(row.support).toBe(d.support);
      }
      expect(r.perClass.map((p) => p.label)).toEqual(c.labels ?? [...new Set([...c.y_true, ...c.y_pred])].sort((a, b) => a - b));
      close(r.accuracy, c.accuracy_all, 'accuracy');
      if (typeof c.report_dict['accuracy'] === 'number') {
        close(r.accuracy, c.report_dict['accuracy'], 'report accuracy');
        expect(r.microAvg).toBeUndefined();
      } else {
        expect(r.microAvg).toBeDefined();
      }
      const rows: [string, typeof r.macroAvg | undefined][] = [
        ['micro avg', r.microAvg],
        ['macro avg', r.macroAvg],
        ['weighted avg', r.weightedAvg],
      ];
      for (const [key, mine] of rows) {
        const d = c.report_dict[key] as { precision: number; recall: number; 'f1-score': number; support: number } | undefined;
        if (d === undefined) continue;
        close(mine!.precision, d.precision, `${key} precision`);
        close(mine!.recall, d.recall, `${key} recall`);
        close(mine!.f1, d['f1-score'], `${key} f1`);
        expect(mine!.support).toBe(d.support);
      }
    });

    it('precisionRecallFscoreSupport: every average, beta and zeroDivision', () => {
      for (const [key, expected] of Object.entries(c.prfs)) {
        if (key === 'binary_error') {
          if (expected !== null) {
            expect(caught(() => precisionRecallFscoreSupport(c.y_true, c.y_pred, { average: 'binary' }))).toMatchObject({
              code: 'E_BAD_ARGUMENT',
              message: expect.stringContaining('Target is multiclass'),
            });
          }
          continue;
        }
        const m = /^(?:(None|micro|macro|weighted)|binary_pos(\d))_b([\d.]+)_zd(\d)$/.exec(key)!;
        const beta = Number(m[3]);
        const zeroDivision = Number(m[4]);
        if (m[2] !== undefined) {
          const options = { average: 'binary' as const, posLabel: Number(m[2]), beta, zeroDivision };
          if ('error' in (expected as object)) {
            expect(caught(() => precisionRecallFscoreSupport(c.y_true, c.y_pred, options)).code).toBe('E_BAD_ARGUMENT');
            continue;
          }
          const e = expected as Averaged;
          const r = precisionRecallFscoreSupport(c.y_true, c.y_pred, options);
          close(r.precision, e.precision, `${key} precision`);
          close(r.recall, e.recall, `${key} recall`);
          close(r.fScore, e.f, `${key} f`);
          continue;
        }
        const base = { beta, zeroDivision, ...(c.labels ? { labels: c.labels } : {}) };
        if (m[1] === 'None') {
          const e = expected as { precision: Num[]; recall: Num[]; f: Num[]; support: number[] };
          const r = precisionRecallFscoreSupport(c.y_true, c.y_pred, base);
          allClose(r.precision, e.precision, `${key} precision`);
          allClose(r.recall, e.recall, `${key} recall`);
          allClose(r.fScore, e.f, `${key} f`);
          expect(r.support).toEqual(e.support);
        } else {
          const e = expected as Averaged;
          const r = precisionRecallFscoreSupport(c.y_true, c.y_pred, { ...base, average: m[1] as PrfsAverage });
          close(r.precision, e.precision, `${key} precision`);
          close(r.recall, e.recall, `${key} recall`);
          close(r.fScore, e.f, `${key} f`);
          expect(r.support).toBeNull();
        }
      }
    });

    it.runIf(c.roc_curves !== undefined)('rocCurve per class (posLabel), with and without dropIntermediate; auc', () => {
      const scores = c.y_score!;
      for (const [key, e] of Object.entries(c.roc_curves!)) {
        const [, pos, drop] = /^pos(\d+)_drop(True|False)$/.exec(key)!;
        const column = scores.map((row) => row[Number(pos)]!);
        const r = rocCurve(c.y_true, column, { posLabel: Number(pos), dropIntermediate: drop === 'True' });
        allClose(r.fpr, e.fpr, `${key} fpr`);
        allClose(r.tpr, e.tpr, `${key} tpr`);
        allClose(r.thresholds, e.thresholds, `${key} thresholds`);
        if (e.auc !== null) close(auc(r.fpr, r.tpr), e.auc, `${key} auc`);
      }
      if (c.k === 2 && c.y_true.every((v) => v <= 1)) {
        // The default posLabel is 1.
        expect(rocCurve(c.y_true, scores.map((row) => row[1]!))).toEqual(rocCurve(c.y_true, scores.map((row) => row[1]!), { posLabel: 1 }));
      }
    });

    it.runIf(c.roc_auc !== undefined)('rocAucScore: binary and one-vs-rest macro, weighted, micro, per class', () => {
      const scores = c.y_score!;
      const expected = c.roc_auc!;
      if (c.k === 2) {
        const positive = scores.map((row) => row[1]!);
        if ('binary' in expected) close(rocAucScore(c.y_true, positive), expected['binary'] as number, 'binary');
        else {
          expect(expected['binary_error']).toBe(ONE_CLASS);
          expect(caught(() => rocAucScore(c.y_true, positive))).toMatchObject({ name: 'CxrError', code: 'E_UNDEFINED_METRIC', message: ONE_CLASS });
        }
      }
      for (const average of ['macro', 'weighted', 'micro', null] as const) {
        const key = String(average === null ? 'None' : average);
        if (`${key}_error` in expected) {
          expect(expected[`${key}_error`]).toBe(ONE_CLASS);
          const e = caught(() => rocAucScore(c.y_true, scores, { average }));
          expect(e).toMatchObject({ name: 'CxrError', code: 'E_UNDEFINED_METRIC' });
          expect(e.message.startsWith(ONE_CLASS)).toBe(true);
        } else if (average === null) {
          allClose(rocAucScore(c.y_true, scores, { average: null }), expected[key] as number[], 'per class');
        } else {
          close(rocAucScore(c.y_true, scores, { average, multiClass: 'ovr' }), expected[key] as number, key);
        }
      }
    });
  });
});
