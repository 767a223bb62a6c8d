import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { planWasmThreads } from '../src/wasm-threads.js';

const child = fileURLToPath(new URL('./fixtures/wasm-threads-child.ts', import.meta.url));

interface ChildResult {
  code: number | null;
  timedOut: boolean;
  out: { backend: string; threads: number; workers: number; y: number[]; dx: number[]; dw: number[]; m: number[] };
}

/** Run the child with `threads`; it must exit by itself within `limitMs` (workers unref'd). */
function runChild(threads: string, limitMs = 40_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, CXR_WASM_THREADS: threads, CXR_BACKEND: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, limitMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`child printed no result (code ${code}): ${stderr.slice(-2000)}`));
      resolve({ code, timedOut, out: JSON.parse(line) });
    });
  });
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
  expect(worst / scale).toBeLessThan(1e-5);
}

describe('threaded wasm in Node', () => {
  it('starts pthread workers, gives the single-threaded results, and lets the process exit', async () => {
    const [threaded, single] = await Promise.all([runChild('2'), runChild('1')]);
    for (const r of [threaded, single]) {
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(0);
      expect(r.out.backend).toBe('wasm');
    }
    expect(threaded.out.threads).toBe(2);
    expect(threaded.out.workers).toBeGreaterThan(0);
    expect(single.out.threads).toBe(1);
    expect(single.out.workers).toBe(0);
    expectClose(threaded.out.y, single.out.y);
    expectClose(threaded.out.dx, single.out.dx);
    expectClose(threaded.out.dw, single.out.dw);
    expectClose(threaded.out.m, single.out.m);
  });
});

describe('planWasmThreads', () => {
  afterEach(() => {
    delete process.env['CXR_WASM_THREADS'];
  });

  it('takes the option first, then CXR_WASM_THREADS, then the core count', async () => {
    process.env['CXR_WASM_THREADS'] = '3';
    expect((await planWasmThreads(2)).threads).toBe(2);
    expect(await planWasmThreads()).toEqual({ threads: 3, reason: 'CXR_WASM_THREADS=3' });
    process.env['CXR_WASM_THREADS'] = '0';
    expect((await planWasmThreads()).threads).toBe(1);
    process.env['CXR_WASM_THREADS'] = 'off';
    expect((await planWasmThreads()).threads).toBe(1);
    process.env['CXR_WASM_THREADS'] = 'lots';
    expect((await planWasmThreads()).threads).toBe(1);
    delete process.env['CXR_WASM_THREADS'];
    const os = await import('node:os');
    expect((await planWasmThreads()).threads).toBe(Math.min(8, os.cpus().length));
  });
});
