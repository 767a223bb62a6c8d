import { describe, expect, it } from 'vitest';
import { formatTopLosses, mostConfused, topLosses } from '@cxr/metrics';

const probs = [
  [0.9, 0.1], // true 0: right, loss -ln 0.9
  [0.2, 0.8], // true 0: wrong, loss -ln 0.2
  [0.7, 0.3], // true 1: wrong, loss -ln 0.3
  [0.4, 0.6], // true 1: right, loss -ln 0.6
];
const yTrue = [0, 0, 1, 1];

describe('topLosses', () => {
  it('sorts by cross-entropy −ln p[actual], largest first, with p[predicted]', () => {
    const rows = topLosses({ probabilities: probs, yTrue, k: 3, classes: ['COVID-19', 'other'], files: ['a.png', 'b.png', 'c.png', 'd.png'] });
    expect(rows.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(rows[0]).toEqual({
      index: 1,
      file: 'b.png',
      actual: 0,
      predicted: 1,
      actualName: 'COVID-19',
      predictedName: 'other',
      loss: -Math.log(0.2),
      probability: 0.8,
      actualProbability: 0.2,
    });
    expect(rows[1]!.loss).toBeCloseTo(1.2039728043259361, 14); // -ln 0.3
    expect(rows[1]!).toMatchObject({ actual: 1, predicted: 0, probability: 0.7, actualProbability: 0.3 });
    expect(rows[2]!.loss).toBeCloseTo(0.5108256237659907, 14); // -ln 0.6
    expect(rows[2]!.file).toBe('d.png');
  });

  it('uses given losses, binary scores, largest=false, k defaults and clamps, ties by index', () => {
    const rows = topLosses({ probabilities: [0.1, 0.8, 0.3, 0.6], yTrue, losses: [5, 1, 5, 2] });
    expect(rows.map((r) => [r.index, r.loss])).toEqual([[0, 5], [2, 5], [3, 2], [1, 1]]);
    expect(rows[0]).toMatchObject({ file: null, actual: 0, predicted: 0, probability: 0.9, actualName: '0' });
    expect(rows[0]!.actualProbability).toBeCloseTo(0.9, 15);
    expect(topLosses({ probabilities: probs, yTrue, k: 10 })).toHaveLength(4);
    expect(topLosses({ probabilities: probs, yTrue, k: 0 })).toEqual([]);
    expect(topLosses({ probabilities: probs, yTrue, k: 1, largest: false })[0]!.index).toBe(0);
    // p = 0 gives a finite loss, −ln(Number.EPSILON)
    expect(topLosses({ probabilities: [[1, 0]], yTrue: [1] })[0]!.loss).toBeCloseTo(36.04365338911715, 10);
    // argmax ties: first class
    expect(topLosses({ probabilities: [[0.5, 0.5]], yTrue: [1] })[0]!.predicted).toBe(0);
  });

  it('rejects bad input with coded errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as { code: string }).code;
      }
      return 'no error';
    };
    expect(code(() => topLosses({ probabilities: [[0.5, NaN], [0.5, 0.5]], yTrue: [0, 1] }))).toBe('E_NOT_FINITE');
    expect(code(() => topLosses({ probabilities: [NaN], yTrue: [0] }))).toBe('E_NOT_FINITE');
    expect(code(() => topLosses({ probabilities: probs, yTrue: [0, 1] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: [0.1], yTrue: [0, 1] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: [[0.5, 0.5], [1]], yTrue: [0, 1] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: probs, yTrue, losses: [1, 2] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: probs, yTrue, losses: [1, 2, Infinity, 0] }))).toBe('E_NOT_FINITE');
    expect(code(() => topLosses({ probabilities: probs, yTrue, files: ['a'] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: probs, yTrue, classes: ['a', 'b', 'c'] }))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => topLosses({ probabilities: [[2.5, -1]], yTrue: [0] }))).toBe('E_BAD_ARGUMENT'); // logits
    expect(code(() => topLosses({ probabilities: probs, yTrue: [0, 0, 1, 2] }))).toBe('E_BAD_ARGUMENT');
    expect(code(() => topLosses({ probabilities: probs, yTrue: [0, 0, 1, 0.5] }))).toBe('E_BAD_ARGUMENT');
    expect(code(() => topLosses({ probabilities: probs, yTrue, k: -1 }))).toBe('E_BAD_ARGUMENT');
    expect(code(() => topLosses({ probabilities: [], yTrue: [] }))).toBe('E_BAD_ARGUMENT');
  });
});

describe('formatTopLosses', () => {
  it('writes an aligned text table', () => {
    const rows = topLosses({ probabilities: probs, yTrue, k: 2, classes: ['COVID-19', 'other'], files: ['a.png', 'b.png', 'c.png', 'dd.png'] });
    expect(formatTopLosses(rows)).toBe(
      [
        '#  file   actual    predicted  loss  probability',
        '1  b.png  COVID-19  other      1.61         0.80',
        '2  c.png  other     COVID-19   1.20         0.70',
        '',
      ].join('\n'),
    );
    const plain = formatTopLosses(topLosses({ probabilities: probs, yTrue, k: 1 }), { digits: 3, actualProbability: true });
    expect(plain).toBe('#  actual  predicted   loss  probability  p(actual)\n1  0       1          1.609        0.800      0.200\n');
  });
});

describe('mostConfused', () => {
  it('lists off-diagonal counts, largest first, row-major on ties, as fastai', () => {
    // true → pred: 0→1 ×2, 1→0 ×1, 2→0 ×2, 2→1 ×1, 1→1 ×1, 0→0 ×1
    const t = [0, 0, 0, 1, 1, 2, 2, 2];
    const p = [1, 1, 0, 0, 1, 0, 0, 1];
    expect(mostConfused(t, p, { classes: ['COVID-19', 'other', 'viral'] })).toEqual([
      ['COVID-19', 'other', 2],
      ['viral', 'COVID-19', 2],
      ['other', 'COVID-19', 1],
      ['viral', 'other', 1],
    ]);
    expect(mostConfused(t, p, { minVal: 2 })).toEqual([
      ['0', '1', 2],
      ['2', '0', 2],
    ]);
    expect(mostConfused([0, 1], [0, 1])).toEqual([]);
    // minVal 0 keeps never-confused pairs too, as fastai's cm >= 0
    expect(mostConfused([0, 1], [0, 1], { minVal: 0 })).toEqual([
      ['0', '1', 0],
      ['1', '0', 0],
    ]);
  });

  it('rejects bad input', () => {
    expect(() => mostConfused([0, 1], [0])).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => mostConfused([0, NaN], [0, 1])).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE' }));
    expect(() => mostConfused([0, 2], [0, 1], { classes: ['a', 'b'] })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => mostConfused([0, 1], [0, 1], { minVal: NaN })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
