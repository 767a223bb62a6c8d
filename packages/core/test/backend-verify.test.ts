import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';

/*
 * A GPU adapter that exists but whose backend cannot start (Dawn refusing lavapipe): tfjs would
 * carry on with another backend; selectBackend must record the failure and say which it chose.
 */
describe('selectBackend when WebGPU has an adapter but cannot start', () => {
  const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterEach(() => {
    if (nav) Object.defineProperty(globalThis, 'navigator', nav);
    tf.removeBackend('webgpu');
  });

  it('reports webgpu as failed and names the backend it fell back to', async () => {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: async () => ({}) } },
      configurable: true,
      writable: true,
    });
    tf.registerBackend('webgpu', () => {
      throw new Error('Vulkan shaderUniformBufferArrayDynamicIndexing required');
    });
    const choice = await selectBackend({ order: ['webgpu', 'cpu'] });
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const webgpu = choice.attempts.find((a) => a.name === 'webgpu')!;
    expect(webgpu.ok).toBe(false);
    expect(choice.reason).toContain('webgpu');
  });
});
