import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import { phantomImage } from '@cxr/data';
import { cxrMatchers, pretrainedPhantomModel } from '@cxr/testing';
import { classifyPixels } from '../src/classify';

beforeAll(async () => {
  await selectBackend();
  expect.extend(cxrMatchers);
});

describe('cxr from the packed tarballs (bundler resolution)', () => {
  it('classifies an RGBA image like a browser page would, leak-free', () => {
    const model = pretrainedPhantomModel();
    const raw = phantomImage({ finding: 'ground-glass', size: 64, channels: 3, seed: 3 });
    const data = new Uint8ClampedArray(64 * 64 * 4).fill(255);
    for (let i = 0; i < 64 * 64; i++) for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(raw.data[i * 3 + c]! * 255);
    const pixels = { data, width: 64, height: 64 };
    const before = tf.memory().numTensors;
    const result = classifyPixels(model, pixels);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(result.heatmapShape[0]).toBe(1);
    expect([0, 1]).toContain(result.classIndex);
    model.dispose();
  });
});
