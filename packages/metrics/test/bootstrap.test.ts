import { describe, expect, it } from 'vitest';
import { accuracyScore, bootstrapCi, rocAucScore } from '@cxr/metrics';

const mean = (t: number[], s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;

describe('bootstrapCi', () => {
  // 200 samples, 70% correct: accuracy's bootstrap standard error must approach sqrt(p (1 - p) / n).
  const yTrue = Array.from({ length: 200 }, (_, i) => i % 2);
  const yPred = yTrue.map((t, i) => (i % 10 < 7 ? t : 1 - t));

  it('is deterministic for a seed, differs across seeds, and matches the binomial standard error', () => {
    const metric = (t: number[], p: number[]) => accuracyScore(t, p);
    const a = bootstrapCi(metric, yTrue, yPred, { n: 2000, seed: 7 });
    const b = bootstrapCi(metric, yTrue, yPred, { n: 2000, seed: 7 });
    const c = bootstrapCi(metric, yTrue, yPred, { n: 2000, seed: 8 });
    expect(a).toEqual(b);
    expect(c.lower === a.lower && c.upper === a.upper && c.standardError === a.standardError).toBe(false);
    expect(a.estimate).toBeCloseTo(0.7, 12);
    expect(a.standardError).toBeCloseTo(Math.sqrt((0.7 * 0.3) / 200), 2);
    // Normal approximation of the 95% interval: 0.7 ± 1.96 * 0.0324.
    expect(a.lower).toBeGreaterThan(0.62);
    expect(a.lower).toBeLessThan(0.66);
    expect(a.upper).toBeGreaterThan(0.74);
    expect(a.upper).toBeLessThan(0.78);
    expect(a).toMatchObject({ confidence: 0.95, n: 2000, valid: 2000, skipped: 0 });
  });

  it('takes the percentiles with numpy linear interpolation', () => {
    // A metric that returns a fresh value per call: 0, 1, ..., 99 in the resamples' order.
    let calls = -1;
    const counter = () => calls++;
    const ci = bootstrapCi(counter, [0, 1], [0, 0], { n: 100, confidence: 0.9 });
    expect(ci.estimate).toBe(-1);
    expect(ci.lower).toBeCloseTo(0.05 * 99, 12);
    expect(ci.upper).toBeCloseTo(0.95 * 99, 12);
  });

  it('stratified resamples keep the class counts', () => {
    const t = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    const counts = new Set<string>();
    bootstrapCi((tt) => (counts.add(`${tt.filter((v) => v === 1).length}/${tt.length}`), 0), t, t, { n: 50, stratified: true });
    expect([...counts]).toEqual(['3/10']);
    const free = new Set<string>();
    bootstrapCi((tt) => (free.add(`${tt.filter((v) => v === 1).length}`), 0), t, t, { n: 50 });
    expect(free.size).toBeGreaterThan(1);
  });

  it('grouped resampling draws whole patients', () => {
    // Patient p has k images, all scored k: a resample is a union of whole patients iff every score value
    // occurs a multiple of its own value times.
    const groups = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'd', 'd', 'd'];
    const size = { a: 1, b: 2, c: 3, d: 4 } as Record<string, number>;
    const scores = groups.map((g) => size[g]!);
    const t = groups.map((g) => (g === 'a' || g === 'c' ? 1 : 0));
    const lengths = new Set<number>();
    bootstrapCi(
      (_tt, s) => {
        const count = new Map<number, number>();
        for (const v of s) count.set(v, (count.get(v) ?? 0) + 1);
        for (const [v, k] of count) expect(k % v).toBe(0);
        lengths.add(s.length);
        return 0;
      },
      t,
      scores,
      { n: 100, groups, seed: 3 },
    );
    // Resample sizes vary (4 patients of different sizes drawn with replacement), unlike sample resampling.
    expect(lengths.size).toBeGreaterThan(3);
  });

  it('grouped + stratified keeps the number of positive patients', () => {
    const groups = ['a', 'a', 'b', 'c', 'c', 'd'];
    const t = [0, 1, 0, 1, 1, 0]; // patients a, c positive; b, d negative
    const seen = new Set<number>();
    bootstrapCi((_tt, s) => (seen.add(new Set(s.filter((g) => g === 'a' || g === 'c')).size > 0 ? 1 : 0), 0), t, groups, {
      n: 50,
      groups,
      stratified: true,
    });
    expect([...seen]).toEqual([1]);
  });

  it('skips and counts resamples where the metric is undefined (one class only for ROC AUC)', () => {
    const t = [0, 1, 0, 0, 0, 0];
    const s = [0.1, 0.9, 0.3, 0.2, 0.4, 0.5];
    const ci = bootstrapCi(rocAucScore, t, s, { n: 200, seed: 1 });
    expect(ci.skipped).toBeGreaterThan(0);
    expect(ci.valid + ci.skipped).toBe(200);
    expect(ci.estimate).toBe(1);
    expect(ci.upper).toBe(1);
    // Undefined on all the data too: the estimate is NaN rather than an exception.
    const oneClass = bootstrapCi(rocAucScore, [0, 0, 0, 1], [0.1, 0.2, 0.3, 0.4], { n: 50, seed: 2, stratified: true });
    expect(oneClass).toMatchObject({ estimate: 1, skipped: 0, valid: 50 });
    expect(bootstrapCi((tt, ss) => (tt.length === 6 && ss[0] === 0.1 && tt[1] === 1 && ss[1] === 0.9 ? Number.NaN : 0.5), t, s, { n: 20 }).estimate).toBeNaN();
    expect(() => bootstrapCi(() => Number.NaN, t, s, { n: 5 })).toThrowError(
      expect.objectContaining({ code: 'E_UNDEFINED_METRIC', message: expect.stringMatching(/all 5 resamples/) }),
    );
  });

  it('rethrows other errors and rejects bad options', () => {
    expect(() => bootstrapCi(() => { throw new Error('boom'); }, [0, 1], [0, 1], { n: 3 })).toThrowError('boom');
    expect(() => bootstrapCi(mean, [0, 1], [0, 1], { n: 0 })).toThrowError(/n must be/);
    expect(() => bootstrapCi(mean, [0, 1], [0, 1], { confidence: 95 })).toThrowError(/confidence/);
    expect(() => bootstrapCi(mean, [0, 1], [0, 1], { groups: ['a'] })).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => bootstrapCi(mean, [0, 1], [0])).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
  });
});
