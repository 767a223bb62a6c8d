import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGENET_STATS, denormalize, normalizeImagenet, resizeFastai } from '@cxr/preprocess';
import { writeTopLossesGrid } from '@cxr/preprocess/node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
};

describe('ImageNet normalisation', () => {
  it('normalises per channel and denormalize inverts it', () => {
    const img = tf.tensor3d([[[0.485, 0.456, 0.406], [1, 0, 0.5]]]);
    const before = tf.memory().numTensors;
    const out = normalizeImagenet(img);
    const v = out.arraySync() as number[][][];
    expect(v[0]![0]).toEqual([0, 0, 0].map((x, i) => expect.closeTo(x, 6) as unknown as number));
    expect(v[0]![1]![0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(v[0]![1]![1]).toBeCloseTo(-0.456 / 0.224, 5);
    expect(v[0]![1]![2]).toBeCloseTo((0.5 - 0.406) / 0.225, 5);
    const back = denormalize(out);
    expect(Array.from(back.dataSync())).toEqual(Array.from(img.dataSync()).map((x) => expect.closeTo(x, 5) as unknown as number));
    tf.dispose([out, back]);
    expect(tf.memory().numTensors).toBe(before);
    expect(IMAGENET_STATS).toEqual({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    img.dispose();
  });

  it('rejects grayscale and wrong ranks instead of broadcasting', async () => {
    const gray = tf.zeros([4, 4, 1]) as tf.Tensor3D;
    expect(await codeOf(() => normalizeImagenet(gray))).toBe('E_SHAPE_MISMATCH');
    expect(await codeOf(() => denormalize(gray))).toBe('E_SHAPE_MISMATCH');
    expect(await codeOf(() => denormalize(tf.zeros([2, 2, 3]) as tf.Tensor3D, [0.5], [0.5, 0.5]))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => normalizeImagenet(tf.zeros([3]) as unknown as tf.Tensor3D))).toBe('E_SHAPE_MISMATCH');
    // batches work
    const b = normalizeImagenet(tf.zeros([2, 3, 3, 3]) as tf.Tensor4D);
    expect(b.shape).toEqual([2, 3, 3, 3]);
    tf.dispose([gray, b]);
  });
});

describe('resizeFastai', () => {
  // 2 × 4 image, column index as value: [[0,1,2,3],[0,1,2,3]]
  const wide = () => tf.tensor3d([0, 1, 2, 3, 0, 1, 2, 3], [2, 4, 1]);

  it("'crop' takes the centred window of the target's aspect, then resizes", () => {
    const img = wide();
    const out = resizeFastai(img, 2, { method: 'crop' }); // window 2×2 at left 1: columns 1, 2
    expect(out.shape).toEqual([2, 2, 1]);
    expect(Array.from(out.dataSync())).toEqual([1, 2, 1, 2]);
    // default is crop, with a [h, w] target and a batch
    const odd = tf.tensor4d([0, 1, 2, 3, 4], [1, 1, 5, 1]);
    const c = resizeFastai(odd, 1); // window 1×1 at left trunc(0.5·4) = 2
    expect(Array.from(c.dataSync())).toEqual([2]);
    const rect = resizeFastai(tf.tensor3d([...Array(12).keys()], [4, 3, 1]), [1, 3]); // m = min(4, 1) = 1: window 1×3 at top 1
    expect(Array.from(rect.dataSync())).toEqual([3, 4, 5]);
    tf.dispose([img, out, odd, c, rect]);
  });

  it("'squish' stretches; 'pad' letterboxes with zeros, reflection or border", () => {
    const img = wide();
    const sq = resizeFastai(img, [2, 2], { method: 'squish' });
    expect(Array.from(sq.dataSync())).toEqual([0.5, 2.5, 0.5, 2.5]);
    // pad: window 4×4 (m = 2), top = trunc(0.5·(2−4)) = −1: one row above, one below; then 4×4 → 4×4
    const z = resizeFastai(img, 4, { method: 'pad', padMode: 'zeros' });
    expect(z.shape).toEqual([4, 4, 1]);
    expect((z.arraySync() as number[][][]).map((r) => r.map((p) => p[0]))).toEqual([
      [0, 0, 0, 0],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [0, 0, 0, 0],
    ]);
    const tall = tf.tensor3d([1, 2, 3], [3, 1, 1]); // 3×1 → window 3×3, left = trunc(0.5·(1−3)) = −1: one column each side
    const r = resizeFastai(tall, 3, { method: 'pad' }); // reflection default; reflecting a 1-wide image repeats it
    expect(Array.from(r.dataSync())).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    const rr = resizeFastai(tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]), [6, 3], { method: 'pad' }); // window 6×3: top trunc(−2) = −2, bottom 2
    expect((rr.arraySync() as number[][][]).map((x) => x.map((p) => p[0]))).toEqual([
      [1, 2, 3], // reflection runs out after one row and reflects again
      [4, 5, 6],
      [1, 2, 3],
      [4, 5, 6],
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const bb = resizeFastai(tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]), [4, 3], { method: 'pad', padMode: 'border' });
    expect((bb.arraySync() as number[][][]).map((x) => x.map((p) => p[0]))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [4, 5, 6],
      [4, 5, 6],
    ]);
    tf.dispose([img, sq, z, tall, r, rr, bb]);
  });

  it('keeps tensors tidy and rejects bad options', async () => {
    const img = tf.zeros([10, 7, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const method of ['crop', 'squish', 'pad'] as const) {
      const out = resizeFastai(img, 5, { method });
      expect(out.shape).toEqual([5, 5, 3]);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(await codeOf(() => resizeFastai(img, 0))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => resizeFastai(img, 5, { method: 'stretch' as 'crop' }))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => resizeFastai(img, 5, { method: 'pad', padMode: 'edge' as 'zeros' }))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => resizeFastai(tf.zeros([5]) as unknown as tf.Tensor3D, 5))).toBe('E_SHAPE_MISMATCH');
    img.dispose();
  });
});

/** Count strongly red and strongly dark pixels in a rectangle of a PNG. */
async function colours(png: Buffer, left: number, top: number, width: number, height: number): Promise<{ red: number; dark: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let red = 0;
  let dark = 0;
  for (let y = top; y < top + height; y++) {
    for (let x = left; x < left + width; x++) {
      const o = (y * info.width + x) * info.channels;
      const [r, g, b] = [data[o]!, data[o + 1]!, data[o + 2]!];
      if (r > g + 60 && r > b + 60) red++;
      if (r < 100 && g < 100 && b < 100) dark++;
    }
  }
  return { red, dark };
}

describe('writeTopLossesGrid', () => {
  const rows = [
    { actual: 1, predicted: 0, loss: 2.3078, probability: 0.9004, actualProbability: 0.0996 },
    { actual: 0, predicted: 1, loss: 1.2, probability: 0.7, actualProbability: 0.3 },
  ];

  it('writes a PNG titled "predicted/actual / loss / probability" in red', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxr-toploss-'));
    const path = join(dir, 'sub', 'top-losses.png');
    const images = tf.fill([2, 32, 32, 3], 0.5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const png = await writeTopLossesGrid(path, images, rows, { classes: ['COVID-19', 'other'], columns: 2, cellSize: 160 });
    expect(tf.memory().numTensors).toBe(before);
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 2 * 166 + 6, 160 + 22 + 12]);
    for (const i of [0, 1]) {
      const title = await colours(png, 6 + i * 166, 6, 160, 22);
      expect(title.red).toBeGreaterThan(20);
      expect(title.dark).toBe(0);
    }
    // cell pixels are the image (grey), not text
    const cell = await colours(png, 6, 6 + 22, 160, 160);
    expect(cell.red).toBe(0);
    images.dispose();
  });

  it('builds titles from names, indices or v1-style actual probability', async () => {
    const images = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    const png = await writeTopLossesGrid(null, images, [{ actual: 'other', predicted: 'COVID-19', loss: 2.31, probability: 0.9, actualProbability: 0.1 }], {
      probability: 'actual',
      color: '#0000ff',
      digits: 3,
    });
    expect((await sharp(png).metadata()).width).toBe(128 + 12);
    images.dispose();
  });

  it('rejects bad input', async () => {
    const images = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    expect(await codeOf(() => writeTopLossesGrid(null, images, rows.slice(0, 1)))).toBe('E_SHAPE_MISMATCH');
    expect(await codeOf(() => writeTopLossesGrid(null, tf.zeros([8, 8, 3]) as unknown as tf.Tensor4D, rows))).toBe('E_SHAPE_MISMATCH');
    expect(await codeOf(() => writeTopLossesGrid(null, images, rows, { classes: ['only'] }))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => writeTopLossesGrid(null, images, [rows[0]!, { ...rows[1]!, loss: NaN }]))).toBe('E_NOT_FINITE');
    expect(await codeOf(() => writeTopLossesGrid(null, images, [rows[0]!, { actual: 0, predicted: 1, loss: 1, probability: 0.5 }], { probability: 'actual' }))).toBe('E_NOT_FINITE');
    expect(await codeOf(() => writeTopLossesGrid(null, images, [rows[0]!, { ...rows[1]!, predicted: -1 }]))).toBe('E_BAD_ARGUMENT');
    expect(await codeOf(() => writeTopLossesGrid(null, images, rows, { digits: -1 }))).toBe('E_BAD_ARGUMENT');
    images.dispose();
  });
});
