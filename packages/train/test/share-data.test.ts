import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@cxr/core';
import { shareData } from '../src/share-data.js';

describe.each(['cpu', 'wasm'] as const)('shareData on %s', (backend) => {
  it('keeps the old value of a variable after assign, with no copy and no leaked buffer', async () => {
    await selectBackend({ backend });
    const before = tf.memory();
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    init.dispose();
    const held = shareData(v);
    // One buffer, two handles: nothing was copied.
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    const next = tf.tensor1d([4, 5, 6]);
    v.assign(next);
    next.dispose();
    expect(Array.from(await held.data())).toEqual([1, 2, 3]);
    expect(Array.from(await v.data())).toEqual([4, 5, 6]);
    v.assign(held as tf.Tensor1D);
    held.dispose();
    expect(Array.from(await v.data())).toEqual([1, 2, 3]);
    v.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('outlives the tensor it shares', async () => {
    await selectBackend({ backend });
    const before = tf.memory();
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const held = shareData(t);
    t.dispose();
    expect(Array.from(await held.data())).toEqual([1, 2, 3, 4]);
    held.dispose();
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });
});
