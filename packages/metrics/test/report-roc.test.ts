import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc, classificationReport, precisionRecallFscoreSupport, rocAucScore, rocCurve, type MetricsErrorCode } from '@cxr/metrics';
import { formatFixed } from '../src/format';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('CxrError');
    return (e as { code: string }).code;
  }
  return undefined;
}

describe('formatFixed (Python format(x, ".Nf"))', () => {
  it('rounds exact ties half to even and everything else to nearest', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.0625, 2)).toBe('0.06');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.015, 2)).toBe('0.01'); // 0.015 is 0.01499999... in binary
    expect(formatFixed(0.045, 2)).toBe('0.04'); // 0.04499999...
    expect(formatFixed(1 / 3, 4)).toBe('0.3333');
    expect(formatFixed(1, 2)).toBe('1.00');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
  });
});

describe('classificationReport', () => {
  it('matches the article-style 3-class report layout', () => {
    const r = classificationReport([0, 1, 2, 2], [0, 1, 2, 1], { targetNames: ['COVID19', 'NORMAL', 'Viral Pneumonia'] });
    expect(r.text.split('\n')[0]).toBe('                 precision    recall  f1-score   support');
    expect(r.text).toContain('       accuracy                           0.75         4\n');
    expect(r.perClass[2]).toEqual({ label: 2, name: 'Viral Pneumonia', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(r.accuracy).toBe(0.75);
    expect(r.microAvg).toBeUndefined();
  });

  it('rejects bad options and inputs with coded errors', () => {
    expect(codeOf(() => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }))).toBe('E_SHAPE_MISMATCH');
    expect(codeOf(() => classificationReport([0, 1], [0, 1, 1]))).toBe('E_SHAPE_MISMATCH');
    expect(codeOf(() => classificationReport([0, 1], [0, Number.NaN]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => classificationReport([0, 1], [0, 1], { digits: -1 }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => classificationReport([0, 1], [0, 1], { labels: [1, 1] }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => classificationReport([0, 1], [0, 1], { zeroDivision: 2 }))).toBe('E_BAD_ARGUMENT');
  });
});

describe('precisionRecallFscoreSupport', () => {
  it('defaults to per-class scores; averages on request', () => {
    const per = precisionRecallFscoreSupport([0, 1, 1, 2], [0, 1, 2, 2]);
    expect(per).toEqual({ labels: [0, 1, 2], precision: [1, 1, 0.5], recall: [1, 0.5, 1], fScore: [1, 2 / 3, 2 / 3], support: [1, 2, 1] });
    expect(precisionRecallFscoreSupport([0, 1, 1, 2], [0, 1, 2, 2], { average: 'micro' }).precision).toBe(0.75);
  });

  it("'binary' refuses more than two classes or a posLabel that doesn't occur", () => {
    expect(codeOf(() => precisionRecallFscoreSupport([0, 1, 2], [0, 1, 2], { average: 'binary' }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => precisionRecallFscoreSupport([0, 2], [0, 2], { average: 'binary' }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => precisionRecallFscoreSupport([0, 1], [0, 1], { beta: -1 }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => precisionRecallFscoreSupport([0, 1], [0, 1], { average: 'samples' as 'micro' }))).toBe('E_BAD_ARGUMENT');
  });
});

describe('rocCurve / auc', () => {
  it("is sklearn 1.2's: thresholds[0] = max + 1, ties collapse to one point", () => {
    const r = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(r).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [1.8, 0.8, 0.4, 0.35, 0.1] });
    expect(rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toEqual({ fpr: [0, 1], tpr: [0, 1], thresholds: [1.5, 0.5] });
    expect(auc([0, 0.5, 1], [0, 1, 1])).toBe(0.75);
    expect(auc([1, 0.5, 0], [1, 1, 0])).toBe(0.75);
  });

  it('rejects bad inputs with coded errors', () => {
    expect(codeOf(() => rocCurve([0, 1, 2], [0.1, 0.2, 0.3]))).toBe('E_BAD_ARGUMENT'); // posLabel needed
    expect(rocCurve([0, 1, 2], [0.1, 0.2, 0.3], { posLabel: 2 }).tpr).toEqual([0, 1, 1]);
    expect(codeOf(() => rocCurve([0, 1], [0.1, Number.POSITIVE_INFINITY]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => rocCurve([0, 1], [0.1]))).toBe('E_SHAPE_MISMATCH');
    expect(codeOf(() => auc([0, 1, 0.5], [0, 1, 1]))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => auc([0], [0]))).toBe('E_BAD_ARGUMENT');
  });
});

describe('rocAucScore', () => {
  it('binary and one-vs-rest', () => {
    expect(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAucScore([0, 1, 0, 1], Float32Array.from([0.5, 0.5, 0.5, 0.5]))).toBe(0.5);
    const scores = [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
      [0.15, 0.4, 0.45],
    ];
    expect(rocAucScore([0, 1, 2, 0], scores, { average: null })).toEqual([0.75, 1, 1]);
    expect(rocAucScore([0, 1, 2, 0], scores)).toBeCloseTo(11 / 12, 12);
  });

  it("one class only → E_UNDEFINED_METRIC with sklearn's message", () => {
    expect(() => rocAucScore([1, 1, 1], [0.2, 0.5, 0.9])).toThrow(
      'Only one class present in y_true. ROC AUC score is not defined in that case.',
    );
    expect(codeOf(() => rocAucScore([0, 0], [0.2, 0.5]))).toBe('E_UNDEFINED_METRIC');
    expect(codeOf(() => rocAucScore([0, 1, 0], [[0.5, 0.5, 0], [0.1, 0.8, 0.1], [0.9, 0, 0.1]]))).toBe('E_UNDEFINED_METRIC');
  });

  it('rejects NaN, length mismatch, unknown classes and ragged rows with coded errors', () => {
    expect(codeOf(() => rocAucScore([0, 1], [0.1, Number.NaN]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => rocAucScore([0, 1], [[0.1, 0.9], [Number.NaN, 0.5]]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => rocAucScore([0, 1, 1], [0.1, 0.9]))).toBe('E_SHAPE_MISMATCH');
    expect(codeOf(() => rocAucScore([0, 1], [[0.1, 0.9], [0.5]]))).toBe('E_SHAPE_MISMATCH');
    expect(codeOf(() => rocAucScore([0, 2], [0.1, 0.9]))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => rocAucScore([0, 3], [[0.1, 0.9], [0.5, 0.5]]))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => rocAucScore([0, 3], [[0.1, 0.9], [0.5, 0.5]], { labels: [0, 1] }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => rocAucScore([0, 1], [[0.1, 0.9], [0.5, 0.5]], { labels: [1, 0] }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => rocAucScore([0, 1], [[0.1, 0.9], [0.5, 0.5]], { multiClass: 'ovo' as 'ovr' }))).toBe('E_BAD_ARGUMENT');
    expect(rocAucScore([3, 7, 3], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], { labels: [3, 7] })).toBe(1);
  });

  it("throws only codes @cxr/core's CXR_ERROR_CODES lists", () => {
    const core = readFileSync(new URL('../../core/src/errors.ts', import.meta.url), 'utf8');
    const codes: MetricsErrorCode[] = ['E_BAD_ARGUMENT', 'E_SHAPE_MISMATCH', 'E_NOT_FINITE', 'E_IO', 'E_UNDEFINED_METRIC'];
    for (const code of codes) expect(core).toContain(`'${code}'`);
  });
});
