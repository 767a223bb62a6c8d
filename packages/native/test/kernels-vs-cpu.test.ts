import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { registerNativeKernels, setNativeKernelsEnabled } from '@cxr/native';
import { KERNEL_CASES, type KernelCase } from './cases.js';
import { nativeAddon, relativeError, spyOnAddon, supportedIsas, type Outputs } from './support.js';

/*
 * Every native kernel, outputs and gradients, against stock tfjs-backend-cpu: the reference runs
 * on plain `tf.setBackend('cpu')` before anything cxr registers, then each case runs with the
 * native kernels in front of wasm (as selectBackend sets them up) and of cpu
 * (registerNativeKernels('cpu'), which core does not do by itself), and the GEMM cases again
 * under each micro-kernel this CPU has. Each case must also reach the addon methods it names.
 */

const reference = new Map<string, Outputs>();
let spy: ReturnType<typeof spyOnAddon>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const c of KERNEL_CASES) reference.set(c.name, c.run());
  spy = spyOnAddon();
});
afterAll(() => spy?.restore());

function check(c: KernelCase): void {
  spy.reset();
  const before = tf.memory().numTensors;
  const actual = c.run();
  expect(tf.memory().numTensors).toBe(before);
  expect(relativeError(actual, reference.get(c.name)!)).toBeLessThan(1e-4);
  expect(spy.called()).toEqual(expect.arrayContaining(c.native));
}

const byName = (cases: KernelCase[]) => cases.map((c) => [c.name, c] as const);

describe('wasm with native kernels (selectBackend) vs stock cpu', () => {
  beforeAll(async () => {
    const choice = await selectBackend({ backend: 'wasm' });
    expect(choice.native?.active).toBe(true);
  });
  it.each(byName(KERNEL_CASES))('%s', async (_name, c) => {
    await selectBackend({ backend: 'wasm' });
    check(c);
  });
});

describe('cpu with native kernels (registerNativeKernels) vs stock cpu', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
    expect(registerNativeKernels('cpu').active).toBe(true);
  });
  it.each(byName(KERNEL_CASES))('%s', async (_name, c) => {
    await selectBackend({ backend: 'cpu' });
    check(c);
  });
});

describe.each(supportedIsas())('GEMM micro-kernel %s on wasm vs stock cpu', (isa) => {
  let previous: 'avx512' | 'avx2' | 'generic';
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    previous = nativeAddon().info().isa;
    expect(nativeAddon().setIsa(isa)).toBe(true);
  });
  afterAll(() => void nativeAddon().setIsa(previous));
  it.each(byName(KERNEL_CASES.filter((c) => c.gemm)))('%s', (_name, c) => {
    expect(nativeAddon().info().isa).toBe(isa);
    check(c);
  });
});

it('setNativeKernelsEnabled(false) from this module switches the kernels core registered', async () => {
  // core imports @cxr/native by a computed name (another module instance under vitest's alias);
  // the switch lives on globalThis, so turning it off here must stop every addon call there.
  await selectBackend({ backend: 'wasm' });
  const c = KERNEL_CASES[0]!;
  setNativeKernelsEnabled(false);
  try {
    spy.reset();
    expect(relativeError(c.run(), reference.get(c.name)!)).toBeLessThan(1e-4);
    expect(spy.called()).toEqual([]);
  } finally {
    setNativeKernelsEnabled(true);
  }
  check(c);
});
