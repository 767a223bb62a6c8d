import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { whiteBalance } from '@cxr/preprocess';
import { agreement, fromBase64, readFixture } from './golden.js';

interface WbGolden {
  cases: { name: string; percentile: number; height: number; width: number; channels: number; data: string; expected: string }[];
}

const golden = readFixture<WbGolden>('white-balance-golden.json');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("whiteBalance vs the article's NumPy wb()", () => {
  for (const g of golden.cases) {
    it(`${g.name} ${g.height}×${g.width}×${g.channels}, percentile ${g.percentile}`, () => {
      const x = tf.tensor3d(Array.from(fromBase64(g.data)), [g.height, g.width, g.channels], 'int32');
      const y = whiteBalance(x, { percentile: g.percentile });
      expect(y.shape).toEqual(x.shape);
      expect(y.dtype).toBe('float32');
      const a = agreement(y.dataSync(), fromBase64(g.expected));
      expect(a.within1).toBe(1);
      expect(a.exact).toBeGreaterThanOrEqual(0.99);
      tf.dispose([x, y]);
    });
  }

  it('works on batches (each image on its own) and in 0…1 with range: 1', () => {
    const g = golden.cases.find((c) => c.name === 'rgbish' && c.percentile === 0.05)!;
    const x = tf.tensor3d(Array.from(fromBase64(g.data)), [g.height, g.width, g.channels], 'float32');
    const batch = tf.stack([x, tf.div(x, 255)]) as tf.Tensor4D; // scale does not matter
    const y = whiteBalance(batch, { range: 1 });
    const single = whiteBalance(x);
    const [a, b] = tf.unstack(y);
    expect(tf.max(a!).dataSync()[0]).toBeLessThanOrEqual(1);
    expect(agreement(tf.mul(a!, 255).dataSync(), single.dataSync()).maxDiff).toBeLessThan(1e-3);
    expect(agreement(tf.mul(b!, 255).dataSync(), single.dataSync()).within1).toBe(1);
    tf.dispose([x, batch, y, single, a!, b!]);
  });

  it('maps a flat channel to 0, rejects bad percentiles and ranks, and does not leak', () => {
    const flat = tf.fill([4, 5, 3], 7) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const y = whiteBalance(flat);
    expect(Array.from(new Set(y.dataSync()))).toEqual([0]);
    y.dispose();
    const z = whiteBalance(flat, { percentile: 0, quantize: false });
    z.dispose();
    for (const percentile of [-1, 50, NaN]) {
      expect(() => whiteBalance(flat, { percentile })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    }
    const bad = tf.zeros([4, 5]);
    expect(() => whiteBalance(bad as unknown as tf.Tensor3D)).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    bad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    flat.dispose();
  });

  it('percentile 0 is a plain min–max stretch', () => {
    const x = tf.tensor3d([10, 20, 30, 40, 50, 60], [2, 3, 1]);
    const y = whiteBalance(x, { percentile: 0, quantize: false });
    expect(Array.from(y.dataSync())).toEqual([0, 51, 102, 153, 204, 255]);
    tf.dispose([x, y]);
  });
});
