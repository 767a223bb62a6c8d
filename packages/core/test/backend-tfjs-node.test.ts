import { describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '@cxr/core';

/*
 * @tensorflow/tfjs-node-gpu cannot be installed here (its install downloads libtensorflow). Only
 * its module resolution is mocked: importing it registers a 'tensorflow' backend, as the real
 * package does. Everything after the import is selectBackend's own path.
 */
vi.mock('@tensorflow/tfjs-node-gpu', () => {
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
  return { version: 'mocked' };
});

describe('selectBackend with tfjs-node-gpu installed', () => {
  it('picks the tensorflow backend first and verifies it is active', async () => {
    const choice = await selectBackend();
    expect(choice.name).toBe('tensorflow');
    expect(choice.attempts.map((a) => a.name)).toEqual(['tensorflow']);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tf.backend()).toBeInstanceOf(MathBackendCPU);
  });
});
