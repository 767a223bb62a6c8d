import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { applyColormap, overlayHeatmap, saliencyMap } from '@cxr/explain';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** A linear "model" whose score depends only on the top-left 2×2 pixels: saliency must say so. */
function cornerModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const dense = tfl.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros' });
  const out = dense.apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  const w = new Array(16).fill(0);
  for (const i of [0, 1, 4, 5]) w[i] = i === 0 ? 2 : 1;
  dense.setWeights([tf.tensor2d(w, [16, 1])]);
  return model;
}

describe('saliencyMap', () => {
  it('finds exactly the pixels the score depends on, normalised to [0, 1]', () => {
    const model = cornerModel();
    const image = tf.randomUniform([4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const map = saliencyMap(model, image);
    expect(map.shape).toEqual([4, 4]);
    const v = Array.from(map.dataSync());
    map.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(0.5);
    expect(v[4]).toBe(0.5);
    expect(v[5]).toBe(0.5);
    expect(v.filter((x, i) => ![0, 1, 4, 5].includes(i)).every((x) => x === 0)).toBe(true);
  });

  it('rejects a wrong image shape and class index', () => {
    const model = cornerModel();
    expect(() => saliencyMap(model, tf.zeros([5, 4, 1]) as tf.Tensor3D)).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => saliencyMap(model, tf.zeros([4, 4, 1]) as tf.Tensor3D, { classIndex: 1 })).toThrowError(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT' }),
    );
  });
});

describe('colormap and overlay', () => {
  it('jet maps 0 → dark blue, 0.5 → green-ish, 1 → dark red', () => {
    const rgb = applyColormap(tf.tensor2d([0, 0.5, 1], [1, 3]));
    const v = Array.from(rgb.dataSync()).map((x) => +x.toFixed(3));
    expect(v).toEqual([0, 0, 0.5, 0.5, 1, 0.5, 0.5, 0, 0]);
  });

  it('overlay blends a resized heatmap over a gray image without leaking', () => {
    const image = tf.fill([8, 8, 1], 0.5) as tf.Tensor3D;
    const heat = tf.tensor2d([0, 1, 1, 0], [2, 2]);
    const before = tf.memory().numTensors;
    const out = overlayHeatmap(image, heat, { alpha: 0.5 });
    expect(out.shape).toEqual([8, 8, 3]);
    const v = out.arraySync();
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // top-left corner is cold (blue), top-right hot (red)
    expect(v[0]![0]![2]!).toBeGreaterThan(v[0]![0]![0]!);
    expect(v[0]![7]![0]!).toBeGreaterThan(v[0]![7]![2]!);
    expect(() => overlayHeatmap(image, heat, { alpha: 2 })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
