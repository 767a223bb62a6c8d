import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeBackend, selectBackend } from '@cxr/core';
import { loadNativeAddon } from '@cxr/native';

/** The loader's switches, each in a fresh process (the addon loads once per process). */
describe('loader', () => {
  const probe = fileURLToPath(new URL('./fixtures/probe.ts', import.meta.url));
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { load: { reason?: string; path?: string }; info?: { threads: number }; native: { active: boolean; reason?: string }; describe: string; trained: boolean };
  };
  it('loads the prebuilt binary by default and selectBackend reports it', () => {
    const out = run({});
    expect(out.native.active).toBe(true);
    expect(out.describe).toMatch(/native kernels/);
    expect(out.trained).toBe(true);
  });
  it('CXR_NATIVE=0 keeps the wasm kernels and says why', () => {
    const out = run({ CXR_NATIVE: '0' });
    expect(out.load.reason).toMatch(/CXR_NATIVE=0/);
    expect(out.info).toBeUndefined(); // no addon object
    expect(out.native.active).toBe(false);
    expect(out.describe).not.toMatch(/native kernels/);
    expect(out.trained).toBe(true);
  });
  it('a missing binary (CXR_NATIVE_PATH) is reported, and training still works', () => {
    const out = run({ CXR_NATIVE_PATH: '/nonexistent/cxr_native.node' });
    expect(out.load.reason).toMatch(/\/nonexistent\/cxr_native\.node/);
    expect(out.info).toBeUndefined();
    expect(out.native.active).toBe(false);
    expect(out.trained).toBe(true);
  });
  it('CXR_NATIVE_THREADS sets the worker count', () => {
    expect(run({ CXR_NATIVE_THREADS: '1' }).info?.threads).toBe(1);
  });
});

describe('selectBackend in this process', () => {
  it('puts the native kernels in front of wasm and says so', async () => {
    const choice = await selectBackend({ backend: 'wasm' });
    expect(loadNativeAddon().addon).not.toBeNull();
    expect(choice.native?.active).toBe(true);
    expect(choice.native?.kernels).toEqual(expect.arrayContaining(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad', 'Sum', 'Relu', 'Step', 'Add', 'Sub', 'Multiply', 'RealDiv']));
    expect(describeBackend(choice)).toMatch(/native kernels/);
  });
});
