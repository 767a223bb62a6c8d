import { describe, expect, it } from 'vitest';
import { fromSources, trainTestSplit, validationSplit, type RawImage } from '../src/index.js';

function dataset(counts: number[]) {
  const items = counts.flatMap((n, label) => Array.from({ length: n }, (_, i) => ({ source: 0, label, file: `c${label}/${String(i).padStart(3, '0')}.png` })));
  return fromSources<number>({
    classes: counts.map((_, i) => `c${i}`),
    items,
    decode: (): RawImage => ({ data: new Uint8Array(1), width: 1, height: 1, channels: 1 }),
  });
}

describe('trainTestSplit', () => {
  it('80:20 stratified by default, seeded, disjoint and complete (scikit-learn counts)', () => {
    const ds = dataset([111, 70, 70]);
    const { train, test, warnings } = trainTestSplit(ds, { seed: 42 });
    expect(test.size).toBe(Math.ceil(0.2 * 251)); // 51, as sklearn's train_test_split
    expect(train.size).toBe(200);
    // sklearn's _approximate_mode for [111, 70, 70] and 51 draws: 22.56, 14.22, 14.22 → 23, 14, 14.
    expect(test.report().counts).toEqual({ c0: 23, c1: 14, c2: 14 });
    expect(warnings).toEqual([]);
    const testFiles = new Set(test.files());
    expect(train.files().filter((f) => testFiles.has(f))).toEqual([]);
    expect([...train.files(), ...test.files()].sort()).toEqual([...ds.files()].sort());
    expect(trainTestSplit(ds.shuffle(5), { seed: 42 }).test.files().sort()).toEqual([...testFiles].sort());
    expect(trainTestSplit(ds, { seed: 43 }).test.files()).not.toEqual(test.files());
    expect(test.files()).toEqual(validationSplit(ds, 0.2, { mode: 'random', seed: 42 }).validation.files());
  });

  it('testSize and stratify: false; bad arguments are E_BAD_ARGUMENT', () => {
    const ds = dataset([10, 10]);
    expect(trainTestSplit(ds, { testSize: 0.25, stratify: false }).test.size).toBe(5);
    expect(() => trainTestSplit(ds, { testSize: 1 })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => trainTestSplit(ds, { testSize: 5 })).toThrow(/absolute counts/);
    expect(() => trainTestSplit(dataset([5, 1]))).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
