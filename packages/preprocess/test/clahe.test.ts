import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clahe, equalizeHist } from '@cxr/preprocess';
import { agreement, fromBase64, readFixture } from './golden.js';

interface ClaheGolden {
  opencv: string;
  images: {
    source: string;
    height: number;
    width: number;
    data: string;
    equalizeHist: string;
    clahe: { clipLimit: number; tileGridSize: [number, number]; data: string }[];
  }[];
}

const golden = readFixture<ClaheGolden>('clahe-golden.json');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const image = (g: ClaheGolden['images'][number], dtype: 'int32' | 'float32' = 'int32'): tf.Tensor2D =>
  tf.tensor2d(Array.from(fromBase64(g.data)), [g.height, g.width], dtype);

describe('clahe vs OpenCV createCLAHE().apply on real X-rays', () => {
  for (const g of golden.images) {
    for (const c of g.clahe) {
      it(`${g.source} ${g.height}×${g.width}, clipLimit ${c.clipLimit}, tiles ${c.tileGridSize.join('×')}`, () => {
        const x = image(g);
        const y = clahe(x, { clipLimit: c.clipLimit, tileGridSize: c.tileGridSize });
        expect(y.shape).toEqual([g.height, g.width]);
        expect(y.dtype).toBe('int32');
        const a = agreement(y.dataSync(), fromBase64(c.data));
        expect(a.within1).toBeGreaterThanOrEqual(0.99);
        expect(a.exact).toBe(1); // the port is bit-exact on every fixture
        tf.dispose([x, y]);
      });
    }
  }

  it('accepts [h, w, 1] float32 and batches [n, h, w, 1], keeping shape and dtype', () => {
    const g = golden.images[1]!;
    const c = g.clahe[2]!;
    const x = tf.reshape(image(g, 'float32'), [g.height, g.width, 1]);
    const y = clahe(x, { clipLimit: c.clipLimit, tileGridSize: c.tileGridSize });
    expect(y.shape).toEqual([g.height, g.width, 1]);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(fromBase64(c.data)));
    const batch = tf.stack([x, tf.sub(255, x)]);
    const out = clahe(batch, { clipLimit: c.clipLimit, tileGridSize: c.tileGridSize });
    expect(out.shape).toEqual([2, g.height, g.width, 1]);
    const first = tf.slice(out, [0, 0, 0, 0], [1, -1, -1, -1]);
    expect(Array.from(first.dataSync())).toEqual(Array.from(fromBase64(c.data)));
    tf.dispose([x, y, batch, out, first]);
  });

  it('default options are OpenCV defaults (clipLimit 40, 8×8 tiles)', () => {
    const g = golden.images[0]!;
    const x = image(g);
    const y = clahe(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(fromBase64(g.clahe.find((c) => c.clipLimit === 40 && c.tileGridSize[0] === 8)!.data)));
    tf.dispose([x, y]);
  });
});

describe('equalizeHist vs cv2.equalizeHist', () => {
  for (const g of golden.images) {
    it(`${g.source} ${g.height}×${g.width}`, () => {
      const x = image(g);
      const y = equalizeHist(x);
      const a = agreement(y.dataSync(), fromBase64(g.equalizeHist));
      expect(a.within1).toBeGreaterThanOrEqual(0.99);
      expect(a.exact).toBe(1);
      tf.dispose([x, y]);
    });
  }

  it('leaves a constant image as it is', () => {
    const x = tf.fill([5, 7], 42, 'int32');
    const y = equalizeHist(x);
    expect(Array.from(new Set(y.dataSync()))).toEqual([42]);
    tf.dispose([x, y]);
  });
});

describe('clahe / equalizeHist bad input and leaks', () => {
  const x = (): tf.Tensor2D => tf.tensor2d(Array.from({ length: 24 * 20 }, (_, i) => (i * 7) % 256), [24, 20], 'int32');

  it('rejects values outside uint8 with E_BAD_ARGUMENT', () => {
    for (const bad of [tf.fill([16, 16], 0.5), tf.fill([16, 16], 256), tf.fill([16, 16], -1), tf.fill([16, 16], NaN)]) {
      expect(() => clahe(bad)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
      expect(() => equalizeHist(bad)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
      bad.dispose();
    }
    const b = tf.ones([16, 16], 'bool');
    expect(() => clahe(b)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    b.dispose();
  });

  it('rejects wrong rank or channels with E_SHAPE_MISMATCH', () => {
    for (const shape of [[16], [16, 16, 3], [2, 16, 16, 3], [1, 1, 16, 16, 1]]) {
      const bad = tf.zeros(shape, 'int32');
      expect(() => clahe(bad)).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
      expect(() => equalizeHist(bad)).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
      bad.dispose();
    }
  });

  it('rejects clipLimit ≤ 0, bad tile grids and grids larger than the image', () => {
    const img = x();
    for (const clipLimit of [0, -1, NaN, Infinity]) {
      expect(() => clahe(img, { clipLimit })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    }
    for (const tileGridSize of [[0, 8], [8, 2.5], [21, 8], [8, 25], 30] as const) {
      expect(() => clahe(img, { tileGridSize })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    }
    // 20 wide × 24 high: exactly 20 columns / 24 rows of tiles is still allowed
    const y = clahe(img, { tileGridSize: [20, 24] });
    expect(y.shape).toEqual([24, 20]);
    tf.dispose([img, y]);
  });

  it('does not leak tensors, also when it throws', () => {
    const img = x();
    const before = tf.memory().numTensors;
    const y = clahe(img, { clipLimit: 2, tileGridSize: [3, 5] });
    const z = equalizeHist(img);
    tf.dispose([y, z]);
    expect(() => clahe(img, { tileGridSize: [99, 99] })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    img.dispose();
  });
});
