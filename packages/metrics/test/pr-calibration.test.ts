import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  precisionRecallCurve,
  rocAucScore,
} from '@cxr/metrics';
import golden from './fixtures/golden-pr-calibration.json';

const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
};

describe(`precision-recall, AP, Brier and calibration match scikit-learn ${golden.sklearn}`, () => {
  describe.each(golden.binary)('binary $name', (c) => {
    it('precisionRecallCurve', () => {
      const curve = precisionRecallCurve(c.yTrue, c.yProb);
      close(curve.precision, c.pr.precision);
      close(curve.recall, c.pr.recall);
      close(curve.thresholds, c.pr.thresholds);
    });
    it('averagePrecision (also with posLabel 0)', () => {
      expect(averagePrecision(c.yTrue, c.yProb)).toBeCloseTo(c.ap, 12);
      expect(averagePrecision(c.yTrue, c.yProb.map((p) => 1 - p), { posLabel: 0 })).toBeCloseTo(c.apPos0, 12);
    });
    it('brierScore', () => {
      expect(brierScore(c.yTrue, c.yProb)).toBeCloseTo(c.brier, 14);
    });
    it.each(c.calibration)('calibrationCurve and ECE, $strategy with $nBins bins', (k) => {
      const options = { nBins: k.nBins, strategy: k.strategy as 'uniform' | 'quantile' };
      const curve = calibrationCurve(c.yTrue, c.yProb, options);
      close(curve.probTrue, k.probTrue);
      close(curve.probPred, k.probPred);
      expect(curve.counts.reduce((a, b) => a + b, 0)).toBe(c.yTrue.length);
      expect(expectedCalibrationError(c.yTrue, c.yProb, options)).toBeCloseTo(k.ece, 12);
    });
  });

  describe.each(golden.multiclass)('multi-class $name', (c) => {
    it('averagePrecision one-vs-rest: per class, macro, weighted, micro', () => {
      close(averagePrecision(c.yTrue, c.yScore, { average: null }), c.apPerClass);
      expect(averagePrecision(c.yTrue, c.yScore)).toBeCloseTo(c.apMacro, 12);
      expect(averagePrecision(c.yTrue, c.yScore, { average: 'weighted' })).toBeCloseTo(c.apWeighted, 12);
      expect(averagePrecision(c.yTrue, c.yScore, { average: 'micro' })).toBeCloseTo(c.apMicro, 12);
    });
    it('top-label expected calibration error', () => {
      expect(expectedCalibrationError(c.yTrue, c.yScore)).toBeCloseTo(c.topLabelEce10, 12);
    });
  });
});

describe('edge cases', () => {
  it("sklearn's documented examples", () => {
    // precision_recall_curve / average_precision_score docstring examples.
    const curve = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    close(curve.precision, [0.5, 2 / 3, 0.5, 1, 1]);
    close(curve.recall, [1, 1, 0.5, 0.5, 0]);
    close(curve.thresholds, [0.1, 0.35, 0.4, 0.8]);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333, 9);
    // calibration_curve docstring example.
    const cal = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { nBins: 3 });
    close(cal.probTrue, [0, 0.5, 1]);
    close(cal.probPred, [0.2, 0.525, 0.85]);
    expect(cal.counts).toEqual([3, 2, 4]);
  });

  it('no positives: recall is 1 everywhere and AP is 0, as sklearn', () => {
    const curve = precisionRecallCurve([0, 0, 0], [0.2, 0.5, 0.9]);
    expect(curve.recall).toEqual([1, 1, 1, 0]);
    expect(Object.is(averagePrecision([0, 0, 0], [0.2, 0.5, 0.9]), 0)).toBe(true);
  });

  it('a perfectly calibrated, perfectly confident model has ECE 0 and Brier 0', () => {
    expect(expectedCalibrationError([0, 1, 1, 0], [0, 1, 1, 0])).toBe(0);
    expect(brierScore([0, 1, 1, 0], [0, 1, 1, 0])).toBe(0);
    expect(brierScore([0, 1], [0.5, 0.5])).toBe(0.25);
  });

  it('rejects probabilities outside [0, 1], multi-class labels and bad options with coded errors', () => {
    expect(() => brierScore([0, 1], [0.2, 1.2])).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/yProb\[1\] is 1.2/) }));
    expect(() => calibrationCurve([0, 1, 2], [0.2, 0.5, 0.4])).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => calibrationCurve([0, 1], [0.2, 0.5], { nBins: 0 })).toThrowError(/nBins/);
    expect(() => calibrationCurve([0, 1], [0.2, 0.5], { strategy: 'kmeans' as 'uniform' })).toThrowError(/strategy/);
    expect(() => averagePrecision([0, 2], [0.2, 0.5])).toThrowError(/posLabel/);
    expect(() => averagePrecision([0, 1], [[0.2, 0.8], [0.5]])).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => averagePrecision([0, 1], [0.2, 0.8], { average: 'samples' as 'macro' })).toThrowError(/average/);
    // Sanity: AP and ROC AUC agree on a perfect ranking.
    expect(averagePrecision([0, 1, 1], [0.1, 0.7, 0.9])).toBe(1);
    expect(rocAucScore([0, 1, 1], [0.1, 0.7, 0.9])).toBe(1);
  });
});
