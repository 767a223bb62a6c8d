import { describe, expect, it } from 'vitest';
import { fromSources, groupSplit } from '@cxr/data';
import { dHash, hammingDistance, hashToHex } from '@cxr/data/node';
import { isCxrError } from '@cxr/core';
import { join } from 'node:path';
import { tempDir, writeImage } from './fixtures.js';

/** 40 patients: patient k has 1 + (k % 3) images; class 1 for every 4th patient. */
function patientsDataset() {
  const items: { source: number; label: number; file: string }[] = [];
  const groups: string[] = [];
  for (let k = 0; k < 40; k++) {
    for (let j = 0; j <= k % 3; j++) {
      items.push({ source: items.length, label: k % 4 === 0 ? 1 : 0, file: `p${k}/img${j}.png` });
      groups.push(`p${k}`);
    }
  }
  const ds = fromSources({ classes: ['a', 'b'], items, decode: () => ({ data: new Uint8Array(1), width: 1, height: 1, channels: 1 }) });
  return { ds, groups };
}

describe('groupSplit', () => {
  it('never puts a group in both parts, stratifies approximately, is seeded and order-independent', () => {
    const { ds, groups } = patientsDataset();
    const n = ds.size;
    const { train, test, trainGroups, testGroups, warnings, summary } = groupSplit(ds, { groups, testSize: 0.25, seed: 7 });
    expect(warnings).toEqual([]);
    expect(summary).toMatch(/^test holds \d+ of 79 samples/);
    expect(train.size + test.size).toBe(n);
    const g = (f: string) => f.split('/')[0];
    const trainG = new Set(train.files().map(g));
    expect(test.files().map(g).filter((x) => trainG.has(x))).toEqual([]);
    expect(new Set(test.files().map(g))).toEqual(new Set(testGroups));
    expect(testGroups.length + trainGroups.length).toBe(40);
    const counts = test.report().counts;
    const all = ds.report().counts;
    expect(Math.abs((counts['a'] as number) - 0.25 * (all['a'] as number))).toBeLessThanOrEqual(1.5);
    expect(Math.abs((counts['b'] as number) - 0.25 * (all['b'] as number))).toBeLessThanOrEqual(1.5);
    // same seed → same members, also from a shuffled view with a function of the file
    const again = groupSplit(ds.shuffle(3), { groups: g, testSize: 0.25, seed: 7 });
    expect(again.test.files().sort()).toEqual(test.files().sort());
    expect(groupSplit(ds, { groups, testSize: 0.25, seed: 8 }).test.files().sort()).not.toEqual(test.files().sort());
  });

  it('samples without a group are their own group (said in warnings); bad input is E_BAD_ARGUMENT', () => {
    const { ds, groups } = patientsDataset();
    const holes = groups.map((x, i) => (i % 10 === 0 ? null : x));
    const { train, test, warnings } = groupSplit(ds, { groups: holes, testSize: 0.3, seed: 1 });
    expect(warnings[0]).toMatch(/^8 sample\(s\) have no group id; each is treated as its own group/);
    expect(train.size + test.size).toBe(ds.size);
    const bad = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return isCxrError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(bad(() => groupSplit(ds, { groups: groups.slice(1) }))).toBe('E_BAD_ARGUMENT');
    expect(bad(() => groupSplit(ds, { groups, testSize: 1 }))).toBe('E_BAD_ARGUMENT');
    expect(bad(() => groupSplit(ds, { groups: groups.map(() => 'same') }))).toBe('E_BAD_ARGUMENT');
    expect(bad(() => groupSplit(ds))).toBe('E_BAD_ARGUMENT'); // no patients() on a plain dataset
  });
});

describe('dHash', () => {
  it('is stable under re-encoding and far for a different image', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const a = await writeImage(join(dir, 'a.png'), { width: 64, height: 48 });
      const b = await writeImage(join(dir, 'b.jpg'), { width: 64, height: 48 });
      const c = await writeImage(join(dir, 'c.png'), { width: 48, height: 64, channels: 3 });
      const [ha, hb, hc] = await Promise.all([dHash(a, { size: 16 }), dHash(b, { size: 16 }), dHash(c, { size: 16 })]);
      expect(hammingDistance(ha, hb)).toBeLessThanOrEqual(20);
      expect(hammingDistance(ha, ha)).toBe(0);
      expect(hammingDistance(0b1011n, 0b0110n)).toBe(3);
      expect(hashToHex(await dHash(a), 64)).toHaveLength(16);
      expect(typeof hc).toBe('bigint');
      await expect(dHash(join(dir, 'nope.png'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    } finally {
      await cleanup();
    }
  });
});
