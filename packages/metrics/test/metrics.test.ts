import { describe, expect, it } from 'vitest';
import {
  MetricsError,
  accuracyScore,
  argmaxPredictions,
  confusionMatrix,
  f1Score,
  normalizeMatrix,
  precisionScore,
  recallScore,
  thresholdPredictions,
  uniqueLabels,
} from '@cxr/metrics';

/** Run `fn`, expect a MetricsError with `code`, and return it for more checks. */
function thrown(fn: () => unknown, code: string): MetricsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MetricsError);
    expect((error as MetricsError).name).toBe('CxrError');
    expect((error as MetricsError).code).toBe(code);
    return error as MetricsError;
  }
  throw new Error(`expected a MetricsError ${code}`);
}

describe('thresholdPredictions', () => {
  it('is score > threshold, like sigmoid(x) > .5', () => {
    expect(thresholdPredictions([0.1, 0.5, 0.5000001, 0.9, 1, 0])).toEqual([0, 0, 1, 1, 1, 0]);
    expect(thresholdPredictions(Float32Array.from([-2, 0, 3]), 0)).toEqual([0, 0, 1]);
    expect(thresholdPredictions([0.2, 0.3], 0.25)).toEqual([0, 1]);
  });

  it('rejects NaN scores and bad thresholds', () => {
    expect(thrown(() => thresholdPredictions([0.2, Number.NaN]), 'E_NOT_FINITE').message).toContain('scores[1]');
    thrown(() => thresholdPredictions([0.2], Number.NaN), 'E_BAD_ARGUMENT');
    thrown(() => thresholdPredictions([]), 'E_BAD_ARGUMENT');
  });
});

describe('argmaxPredictions', () => {
  it('takes the first largest score per row, as numpy.argmax', () => {
    expect(argmaxPredictions([[0.1, 0.7, 0.2], [0.5, 0.5, 0], [0, 0, 1], Float32Array.from([3, 2, 1])])).toEqual([1, 0, 2, 0]);
  });

  it('rejects ragged rows and NaN', () => {
    thrown(() => argmaxPredictions([[0.1, 0.9], [1]]), 'E_SHAPE_MISMATCH');
    thrown(() => argmaxPredictions([[0.1, Number.NaN]]), 'E_NOT_FINITE');
    thrown(() => argmaxPredictions([]), 'E_BAD_ARGUMENT');
  });
});

describe('accuracyScore', () => {
  it('matches the article: threshold then accuracy', () => {
    const yTrue = [0, 0, 1, 1, 1];
    expect(accuracyScore(yTrue, thresholdPredictions([0.2, 0.7, 0.9, 0.6, 0.4]))).toBeCloseTo(0.6, 15);
    expect(accuracyScore(yTrue, [0, 0, 1, 1, 1], { normalize: false })).toBe(5);
  });
});

describe('confusionMatrix', () => {
  it('puts true classes on rows and predictions on columns', () => {
    // Two class-0 samples predicted 1, one class-1 sample predicted 0.
    expect(confusionMatrix([0, 0, 0, 1, 1], [1, 1, 0, 0, 1])).toEqual([
      [1, 2],
      [1, 1],
    ]);
  });

  it('keeps a class nobody predicted when numClasses says so', () => {
    expect(confusionMatrix([0, 1, 1], [0, 0, 0])).toEqual([[1, 0], [2, 0]]);
    expect(confusionMatrix([0, 0], [0, 0])).toEqual([[2]]);
    expect(confusionMatrix([0, 0], [0, 0], { numClasses: 2 })).toEqual([[2, 0], [0, 0]]);
    expect(confusionMatrix([0, 0], [0, 0], { numClasses: 2, normalize: 'true' })).toEqual([[1, 0], [0, 0]]);
  });

  it('throws on a class beyond numClasses, naming the sample', () => {
    const error = thrown(() => confusionMatrix([0, 1, 2], [0, 1, 1], { numClasses: 2 }), 'E_BAD_ARGUMENT');
    expect(error.message).toContain('yTrue[2]');
    expect(error.message).toContain('numClasses is 2');
    thrown(() => confusionMatrix([0], [0], { numClasses: 0 }), 'E_BAD_ARGUMENT');
    thrown(() => confusionMatrix([0], [0], { numClasses: 1.5 }), 'E_BAD_ARGUMENT');
  });

  it('follows sklearn for an explicit labels list', () => {
    // Samples with a class outside labels are dropped.
    expect(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], { labels: [2, 0] })).toEqual([[1, 0], [0, 1]]);
    thrown(() => confusionMatrix([0, 1], [0, 1], { labels: [5] }), 'E_BAD_ARGUMENT');
    thrown(() => confusionMatrix([0, 1], [0, 1], { labels: [] }), 'E_BAD_ARGUMENT');
    thrown(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 0] }), 'E_BAD_ARGUMENT');
    thrown(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 1], numClasses: 2 }), 'E_BAD_ARGUMENT');
  });

  it('rejects an unknown normalize', () => {
    thrown(() => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as 'true' }), 'E_BAD_ARGUMENT');
    thrown(() => normalizeMatrix([[1]], 'x' as 'all'), 'E_BAD_ARGUMENT');
  });
});

describe('binary scores', () => {
  it('are 0 when undefined, or zeroDivision', () => {
    // No positive predictions: precision is 0/0.
    expect(precisionScore([1, 0], [0, 0])).toBe(0);
    expect(precisionScore([1, 0], [0, 0], { zeroDivision: 1 })).toBe(1);
    expect(precisionScore([1, 0], [0, 0], { zeroDivision: Number.NaN })).toBeNaN();
    expect(recallScore([0, 0], [1, 0], { zeroDivision: 1 })).toBe(1);
    // F1 is undefined only with no positives at all.
    expect(f1Score([0, 0], [0, 0], { zeroDivision: 1 })).toBe(1);
    expect(f1Score([1, 0], [0, 0], { zeroDivision: 1 })).toBe(0);
  });

  it('reject more than two classes and bad options', () => {
    expect(thrown(() => precisionScore([0, 1, 2], [0, 1, 1]), 'E_BAD_ARGUMENT').message).toContain('confusionMatrix');
    thrown(() => recallScore([0, 1], [0, 1], { posLabel: 2 as 1 }), 'E_BAD_ARGUMENT');
    thrown(() => f1Score([0, 1], [0, 1], { zeroDivision: 0.5 }), 'E_BAD_ARGUMENT');
  });
});

describe('bad input', () => {
  const fns = {
    accuracyScore: (t: unknown, p: unknown) => accuracyScore(t as number[], p as number[]),
    confusionMatrix: (t: unknown, p: unknown) => confusionMatrix(t as number[], p as number[]),
    precisionScore: (t: unknown, p: unknown) => precisionScore(t as number[], p as number[]),
    recallScore: (t: unknown, p: unknown) => recallScore(t as number[], p as number[]),
    f1Score: (t: unknown, p: unknown) => f1Score(t as number[], p as number[]),
  };

  describe.each(Object.entries(fns))('%s', (_, fn) => {
    it('mismatched lengths → E_SHAPE_MISMATCH saying both', () => {
      const error = thrown(() => fn([0, 1, 1], [0, 1]), 'E_SHAPE_MISMATCH');
      expect(error.message).toMatch(/yTrue has 3 .* yPred has 2/);
    });
    it('empty arrays → E_BAD_ARGUMENT', () => {
      expect(thrown(() => fn([], []), 'E_BAD_ARGUMENT').message).toContain('empty');
    });
    it('NaN / Infinity → E_NOT_FINITE naming the index', () => {
      expect(thrown(() => fn([0, Number.NaN], [0, 1]), 'E_NOT_FINITE').message).toContain('yTrue[1]');
      expect(thrown(() => fn([0, 1], [Number.POSITIVE_INFINITY, 1]), 'E_NOT_FINITE').message).toContain('yPred[0]');
    });
    it('non-integer and negative labels → E_BAD_ARGUMENT pointing at thresholding', () => {
      expect(thrown(() => fn([0, 1], [0.7, 1]), 'E_BAD_ARGUMENT').message).toContain('thresholdPredictions');
      thrown(() => fn([0, -1], [0, 1]), 'E_BAD_ARGUMENT');
    });
    it('not arrays → E_BAD_ARGUMENT', () => {
      thrown(() => fn(null, [0]), 'E_BAD_ARGUMENT');
      thrown(() => fn('01', '01'), 'E_BAD_ARGUMENT');
      thrown(() => fn([0, '1'], [0, 1]), 'E_BAD_ARGUMENT');
    });
  });

  it('uniqueLabels validates too', () => {
    expect(uniqueLabels([2, 0], Uint8Array.from([1, 2]))).toEqual([0, 1, 2]);
    thrown(() => uniqueLabels([0.5]), 'E_BAD_ARGUMENT');
  });
});
