import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batchGrid, centerCrop, compose, normalize, resize, resizeAndCenterCrop, resizeTo, toChannels, toFloat } from '@cxr/preprocess';
import { isCxrError } from '@cxr/core';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ramp = (h: number, w: number, c = 1): tf.Tensor3D =>
  tf.tensor3d(Array.from({ length: h * w * c }, (_, i) => i), [h, w, c]);

describe('resize', () => {
  it('Resize(int) sets the shorter side and keeps the aspect ratio like torchvision', () => {
    expect(resize(tf.zeros([100, 150, 3]) as tf.Tensor3D, 64).shape).toEqual([64, 96, 3]);
    expect(resize(tf.zeros([150, 100, 1]) as tf.Tensor3D, 64).shape).toEqual([96, 64, 1]);
    // torchvision truncates: int(64 * 333 / 250) = 85
    expect(resize(tf.zeros([250, 333, 1]) as tf.Tensor3D, 64).shape).toEqual([64, 85, 1]);
    expect(resize(tf.zeros([2, 10, 20, 3]) as tf.Tensor4D, [4, 4]).shape).toEqual([2, 4, 4, 3]);
  });

  it('bilinear with half-pixel centres (OpenCV INTER_LINEAR) on a 2× upscale', () => {
    const img = tf.tensor3d([0, 10, 20, 30], [2, 2, 1]);
    const out = resizeTo(img, [4, 4]);
    // cv2.resize(np.array([[0,10],[20,30]], np.float32), (4,4), interpolation=cv2.INTER_LINEAR)
    expect(Array.from(out.dataSync())).toEqual([0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
  });

  it('rejects bad sizes and ranks', () => {
    expect(() => resize(tf.zeros([4, 4, 1]) as tf.Tensor3D, 0)).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => resizeTo(tf.zeros([4, 4, 1]) as tf.Tensor3D, [2.5, 3])).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => resizeTo(tf.zeros([4, 4]) as unknown as tf.Tensor3D, 2)).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
  });
});

describe('centerCrop', () => {
  it('takes the central window with torchvision offsets', () => {
    const img = ramp(5, 6);
    const out = centerCrop(img, [3, 2]);
    // top = round((5-3)/2) = 1, left = round((6-2)/2) = 2
    expect(Array.from(out.dataSync())).toEqual([8, 9, 14, 15, 20, 21]);
  });

  it('zero-pads a side shorter than the crop', () => {
    const out = centerCrop(tf.ones([2, 2, 1]) as tf.Tensor3D, 4);
    expect(out.shape).toEqual([4, 4, 1]);
    expect(tf.sum(out).dataSync()[0]).toBe(4);
    expect(Array.from(out.dataSync()).slice(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('Resize(224) + CenterCrop(224) gives a square of the shorter side', () => {
    const out = resizeAndCenterCrop(tf.zeros([300, 400, 3]) as tf.Tensor3D, 224);
    expect(out.shape).toEqual([224, 224, 3]);
  });
});

describe('scale and channels', () => {
  it('toFloat maps 0..255 to 0..1 like ToTensor', () => {
    const out = toFloat(tf.tensor3d([0, 51, 255], [1, 3, 1], 'int32'));
    expect(out.dtype).toBe('float32');
    const values = Array.from(out.dataSync());
    expect(values[0]).toBe(0);
    expect(values[1]).toBeCloseTo(0.2, 6);
    expect(values[2]).toBe(1);
  });

  it('normalize applies per-channel mean and std', () => {
    const out = normalize(tf.ones([1, 1, 3]) as tf.Tensor3D, [0.5, 0, 1], [0.5, 2, 1]);
    expect(Array.from(out.dataSync())).toEqual([1, 0.5, 0]);
  });

  it('gray ↔ RGB and RGBA → RGB', () => {
    const gray = tf.tensor3d([0.1, 0.2], [1, 2, 1]);
    const rgb = toChannels(gray, 3);
    expect(rgb.shape).toEqual([1, 2, 3]);
    expect(Array.from(rgb.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.1, 0.2, 0.2, 0.2]);
    const back = toChannels(tf.tensor3d([1, 0, 0, 0, 1, 0], [1, 2, 3]), 1);
    expect(Array.from(back.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.299, 0.587]);
    const rgba = toChannels(tf.ones([2, 2, 4]) as tf.Tensor3D, 3);
    expect(rgba.shape).toEqual([2, 2, 3]);
    expect(() => toChannels(gray, 2 as 1)).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});

describe('compose, grid and leaks', () => {
  it('compose runs left to right and leaks nothing', () => {
    const input = tf.randomUniform([2, 30, 40, 1], 0, 255, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const pipeline = compose<tf.Tensor4D>(
      (x) => resizeAndCenterCrop(x, 16),
      (x) => toFloat(x),
      (x) => toChannels(x, 3),
    );
    const out = pipeline(input);
    expect(out.shape).toEqual([2, 16, 16, 3]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batchGrid tiles a batch with padding', () => {
    const batch = tf.stack([tf.zeros([4, 4, 1]), tf.mul(tf.ones([4, 4, 1]), 0.5), tf.ones([4, 4, 1])]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const grid = batchGrid(batch, { columns: 2, padding: 1, background: 1 });
    expect(grid.shape).toEqual([2 * 5 + 1, 2 * 5 + 1, 1]);
    const v = grid.arraySync();
    expect(v[1]![1]![0]).toBe(0); // first image
    expect(v[1]![6]![0]).toBe(0.5); // second image
    expect(v[6]![1]![0]).toBe(1); // third image
    expect(v[0]![0]![0]).toBe(1); // padding
    grid.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batchGrid rejects an empty batch', () => {
    let error: unknown;
    try {
      batchGrid(tf.zeros([0, 4, 4, 1]) as tf.Tensor4D);
    } catch (e) {
      error = e;
    }
    expect(isCxrError(error, 'E_BAD_ARGUMENT')).toBe(true);
  });
});
