import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdaptiveAveragePooling2D, adaptiveBins, registerCustomLayers } from '@cxr/models';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

interface PoolCase {
  inputShape: [number, number, number, number];
  outputSize: [number, number];
  outputShape: number[];
  input: number[];
  output: number[];
}

beforeAll(useCpu);

describe('adaptiveBins', () => {
  it('follows PyTorch: [floor(i·H/out), ceil((i+1)·H/out))', () => {
    expect(adaptiveBins(5, 2)).toEqual([[0, 3], [2, 5]]);
    expect(adaptiveBins(54, 2)).toEqual([[0, 27], [27, 54]]);
    expect(adaptiveBins(4, 3)).toEqual([[0, 2], [1, 3], [2, 4]]);
    expect(adaptiveBins(1, 2)).toEqual([[0, 1], [0, 1]]);
  });
});

describe('AdaptiveAveragePooling2D', () => {
  const { cases } = fixture<{ cases: PoolCase[] }>('adaptive_avg_pool.json');

  it.each(cases.map((c) => [`${c.inputShape.slice(1, 3).join('×')} → ${c.outputSize.join('×')}`, c] as const))(
    'matches torch.nn.AdaptiveAvgPool2d for %s',
    (_, c) => {
      const layer = new AdaptiveAveragePooling2D({ outputSize: c.outputSize });
      const y = tf.tidy(() => layer.apply(tf.tensor4d(c.input, c.inputShape)) as tf.Tensor);
      expect(y.shape).toEqual(c.outputShape);
      expect(maxAbsDiff(y.dataSync(), c.output)).toBeLessThan(1e-6);
      y.dispose();
    },
  );

  it('reports its output shape, also for unknown input sizes', () => {
    const layer = new AdaptiveAveragePooling2D({ outputSize: 2 });
    expect(layer.computeOutputShape([null, 54, 54, 128])).toEqual([null, 2, 2, 128]);
    expect(layer.computeOutputShape([null, null, null, 8])).toEqual([null, 2, 2, 8]);
    const input = tfl.input({ shape: [null, null, 3] });
    const out = layer.apply(input) as tfl.SymbolicTensor;
    expect(out.shape).toEqual([null, 2, 2, 3]);
  });

  it('is differentiable: the gradient spreads each output over its (overlapping) bin', () => {
    const layer = new AdaptiveAveragePooling2D({ outputSize: [2, 1] });
    // 5 rows → bins [0,3) and [2,5): row 2 belongs to both, so it gets 1/3 + 1/3.
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(tf.ones([1, 5, 1, 1])));
    expect(Array.from(g.dataSync())).toEqual([1 / 3, 1 / 3, 2 / 3, 1 / 3, 1 / 3].map((v) => Math.fround(v)));
    g.dispose();
  });

  it('serialises: getConfig → fromConfig round trip in a model', async () => {
    registerCustomLayers();
    const model = tfl.sequential({
      layers: [new AdaptiveAveragePooling2D({ outputSize: [3, 2], inputShape: [9, 4, 2], name: 'pool' })],
    });
    const json = model.toJSON(null, false) as { config: { layers: Array<{ class_name: string; config: { output_size?: number[] } }> } };
    const layerJson = json.config.layers.find((l) => l.class_name === 'AdaptiveAveragePooling2D');
    expect(layerJson).toBeDefined();
    type ModelConfig = Parameters<typeof tfl.models.modelFromJSON>[0];
    const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as ModelConfig);
    const pool = restored.getLayer('pool') as AdaptiveAveragePooling2D;
    expect(pool).toBeInstanceOf(AdaptiveAveragePooling2D);
    expect(pool.outputSize).toEqual([3, 2]);
    model.dispose();
    restored.dispose();
  });

  it('rejects a bad output size', () => {
    expect(() => new AdaptiveAveragePooling2D({ outputSize: 0 })).toThrow(/outputSize/);
    expect(() => new AdaptiveAveragePooling2D({ outputSize: [2, 1.5] as [number, number] })).toThrow(/outputSize/);
  });

  it('leaks no tensors', () => {
    const layer = new AdaptiveAveragePooling2D({ outputSize: 2 });
    const x = tf.randomNormal([2, 7, 5, 3]);
    const before = tf.memory().numTensors;
    const y = layer.apply(x) as tf.Tensor;
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
