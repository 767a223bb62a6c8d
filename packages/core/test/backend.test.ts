import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, isCxrError } from '@cxr/core';

describe('selectBackend', () => {
  afterEach(() => {
    delete process.env['CXR_BACKEND'];
  });

  it('auto in Node skips tensorflow and webgpu when absent and picks wasm, saying why', async () => {
    const choice = await selectBackend();
    expect(choice.runtime).toBe('node');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const names = choice.attempts.map((a) => a.name);
    expect(names).toEqual(['tensorflow', 'webgpu', 'wasm']);
    expect(choice.attempts[0]!.ok).toBe(false);
    expect(choice.reason).toContain('tensorflow');
  });

  it('can be forced by option', async () => {
    const choice = await selectBackend({ backend: 'cpu' });
    expect(choice.name).toBe('cpu');
    expect(choice.reason).toBe('forced by option=cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('can be forced by CXR_BACKEND', async () => {
    process.env['CXR_BACKEND'] = 'wasm';
    const choice = await selectBackend();
    expect(choice.name).toBe('wasm');
    expect(choice.reason).toBe('forced by CXR_BACKEND=wasm');
  });

  it('a forced backend that cannot start is an error, not a silent fallback', async () => {
    await expect(selectBackend({ backend: 'tensorflow' })).rejects.toSatisfy(
      (e: unknown) => isCxrError(e, 'E_BACKEND_UNAVAILABLE'),
    );
    await expect(selectBackend({ backend: 'webgl' })).rejects.toSatisfy(
      (e: unknown) => isCxrError(e, 'E_BACKEND_UNAVAILABLE'),
    );
  });

  it('an unknown name is a bad argument', async () => {
    process.env['CXR_BACKEND'] = 'quantum';
    await expect(selectBackend()).rejects.toSatisfy((e: unknown) => isCxrError(e, 'E_BAD_ARGUMENT'));
  });

  it('respects a custom order', async () => {
    const choice = await selectBackend({ order: ['cpu', 'wasm'] });
    expect(choice.name).toBe('cpu');
  });
});
