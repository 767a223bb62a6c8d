import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { oneHot, phantomDataset, type Batch } from '../src/index.js';
import { useCpu } from './fixtures.js';

beforeAll(useCpu);

describe('oneHot', () => {
  it('turns class indices into float32 [n, numClasses] rows (Keras to_categorical)', () => {
    const t = oneHot([2, 0, 1, 2], 3);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([4, 3]);
    expect(t.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    t.dispose();
  });

  it('accepts an Int32Array or a [n] tensor (left undisposed), and an empty list', () => {
    const labels = tf.tensor1d([1, 0], 'int32');
    const fromTensor = oneHot(labels, 2);
    const fromArray = oneHot(new Int32Array([1, 0]), 2);
    expect(fromTensor.arraySync()).toEqual(fromArray.arraySync());
    expect(labels.isDisposed).toBe(false);
    const empty = oneHot([], 4);
    expect(empty.shape).toEqual([0, 4]);
    tf.dispose([labels, fromTensor, fromArray, empty]);
  });

  it('bad input → E_BAD_ARGUMENT, and no tensor is left behind', () => {
    const before = tf.memory().numTensors;
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => oneHot([0, 3], 3)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/label 3 at position 1/) }));
    expect(() => oneHot([-1], 3)).toThrow(bad);
    expect(() => oneHot([0.5], 3)).toThrow(bad);
    expect(() => oneHot([Number.NaN], 3)).toThrow(bad);
    expect(() => oneHot([0], 0)).toThrow(bad);
    expect(() => oneHot([0], 2.5)).toThrow(bad);
    expect(() => oneHot('01' as unknown as number[], 2)).toThrow(bad);
    const matrix = tf.tensor2d([[0, 1]]);
    expect(() => oneHot(matrix as unknown as tf.Tensor1D, 2)).toThrow(bad);
    matrix.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch(n, { oneHot: true })', () => {
  const ds = phantomDataset({ classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], perClass: 3, imageSize: 8, channels: 1 });

  it('labels become float32 [n, numClasses] matching the int32 labels; the default stays int32 [n]', async () => {
    const before = tf.memory().numTensors;
    const indices: number[] = [];
    for await (const { images, labels } of ds.batch(4)) {
      expect(labels.dtype).toBe('int32');
      expect(labels.shape).toEqual([images.shape[0]]);
      indices.push(...labels.dataSync());
      tf.dispose([images, labels]);
    }
    const rows: number[][] = [];
    const batches: Array<Batch<tf.Tensor2D>> = [];
    for await (const batch of ds.batch(4, { oneHot: true, dropRemainder: false })) {
      expect(batch.labels.dtype).toBe('float32');
      expect(batch.labels.shape).toEqual([batch.images.shape[0], 3]);
      rows.push(...batch.labels.arraySync());
      batches.push(batch);
    }
    expect(batches).toHaveLength(3);
    tf.dispose(batches.flatMap((b) => [b.images, b.labels]));
    expect(rows.map((r) => r.indexOf(1))).toEqual(indices);
    expect(rows.every((r) => r.reduce((a, b) => a + b, 0) === 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('survives a batch-level shuffle and dropRemainder; oneHot must be a boolean', async () => {
    const shuffled = ds.batch(4, { oneHot: true, dropRemainder: true }).shuffle(2);
    expect(shuffled.size).toBe(2);
    for await (const { images, labels } of shuffled) {
      expect(labels.shape).toEqual([4, 3]);
      tf.dispose([images, labels]);
    }
    expect(() => ds.batch(4, { oneHot: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
