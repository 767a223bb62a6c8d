import * as tf from '@tensorflow/tfjs-core';

/*
 * Multi-threaded tfjs-backend-wasm in Node.
 *
 * tfjs-backend-wasm 4.22 ships a threaded-SIMD binary but forces WASM_HAS_MULTITHREAD_SUPPORT to
 * false in Node (tfjs issue #3830). It does work there with four adjustments, all undone or
 * harmless once the backend has started, none touching node_modules:
 *  1. set the flag to true;
 *  2. the Emscripten runtime starts its pthread workers from a `blob:` URL, which Node's Worker
 *     cannot load: a Worker subclass runs the package's own worker source in eval mode instead
 *     (newlines escaped as tfjs does for its Blob), and rewrites the workers' `load` message,
 *     whose Blob holds a transpiled factory that does not run in a worker, to the path of the
 *     package's `tfjs-backend-wasm-threaded-simd.js`;
 *  3. the C++ side caps XNNPACK's pool at half of `os.cpus().length` (hyper-threads), so while it
 *     starts, `os.cpus()` reports at least twice the wanted threads;
 *  4. every pthread worker is unref()'d once the backend is ready, or the process never exits.
 * It depends on 4.22 internals, which is why tfjs is pinned exactly; tests cover each step.
 */

/** The tfjs-backend-wasm version this shim was written and tested against. */
export const WASM_THREADS_TFJS_VERSION = '4.22.0';

export interface WasmThreadsPlan {
  /** Threads wanted: 1 means the stock single-threaded SIMD backend. */
  threads: number;
  /** Why, in words: "CXR_WASM_THREADS=0", "2 CPU cores", … */
  reason: string;
}

export interface WasmThreadsState {
  /** Threads XNNPACK reports after start (1 when single-threaded). */
  threads: number;
  /** pthread workers the shim started (0 when single-threaded). */
  workers: number;
  reason: string;
}

type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string };
type WorkerCtor = new (url: string | URL, options?: Record<string, unknown>) => NodeWorker;
interface NodeWorker {
  postMessage(message: unknown, transfer?: unknown): void;
  unref(): void;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

let state: WasmThreadsState | null = null;
const workers: NodeWorker[] = [];

/** Threads the shim started the wasm backend with, or null before it did. */
export function wasmThreadsState(): WasmThreadsState | null {
  return state;
}

/**
 * How many threads to ask for: `requested` (a number, or 'auto'), else `CXR_WASM_THREADS`
 * (`0`/`1`/`off` = single-threaded, N = N threads), else one per CPU core, at most 8.
 */
export async function planWasmThreads(requested?: number | 'auto'): Promise<WasmThreadsPlan> {
  if (!isNode()) return { threads: 1, reason: 'browsers choose threads through cross-origin isolation, not cxr' };
  if (typeof requested === 'number') {
    return { threads: Math.max(1, Math.floor(requested)), reason: `option wasmThreads=${requested}` };
  }
  const env = process.env['CXR_WASM_THREADS']?.trim().toLowerCase();
  if (env && env !== 'auto') {
    const n = env === 'off' || env === 'false' ? 1 : Number(env);
    if (!Number.isFinite(n) || n < 0) return { threads: 1, reason: `CXR_WASM_THREADS=${env} is not a number; single-threaded` };
    return { threads: Math.max(1, Math.floor(n)), reason: `CXR_WASM_THREADS=${env}` };
  }
  const os = (await importNodeBuiltin('os')) as typeof import('node:os');
  const cores = os.cpus().length;
  return { threads: Math.min(8, Math.max(1, cores)), reason: `${cores} CPU cores` };
}

/** A Node built-in by a computed name: a literal `import('node:os')` breaks browser bundles (webpack 5), even when never run there. */
function importNodeBuiltin(name: string): Promise<unknown> {
  const specifier = `node:${name}`;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

async function nodeRequire(): Promise<NodeRequire> {
  const { createRequire } = (await importNodeBuiltin('module')) as typeof import('node:module');
  // ESM build: import.meta.url; CJS build: __filename; else resolve from the working directory.
  const here =
    (typeof __filename === 'string' && __filename) ||
    (import.meta as { url?: string }).url ||
    `${process.cwd()}/index.js`;
  return createRequire(here) as NodeRequire;
}

/**
 * Run `start` (which must initialise the wasm backend: `tf.setBackend('wasm')` + `tf.ready()`)
 * with the threaded binary and `threads` XNNPACK threads. Must run before the wasm backend's
 * first start in this process. Returns what XNNPACK reports; throws what `start` throws.
 */
export async function startThreadedWasm(threads: number, start: () => Promise<void>, reason = `${threads} threads requested`): Promise<WasmThreadsState> {
  const require = await nodeRequire();
  const wasmPackage = require('@tensorflow/tfjs-backend-wasm') as {
    setThreadsCount(n: number): void;
    getThreadsCount(): number;
    version_wasm?: string;
  };
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const dir = pkgJson.slice(0, -'package.json'.length);
  const threadedJs = `${dir}wasm-out/tfjs-backend-wasm-threaded-simd.js`;
  const workerModule = require(`${dir}wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string };
  // The same escaping tfjs applies before it puts this source in a Blob.
  const workerSource = workerModule.wasmWorkerContents.replace(/\n/g, '\\n');

  const workerThreads = require('node:worker_threads') as { Worker: WorkerCtor };
  const os = require('node:os') as { cpus: () => unknown[] };
  const StockWorker = workerThreads.Worker;
  const stockCpus = os.cpus;
  let ready = false;

  class TfjsWasmWorker extends StockWorker {
    constructor(url: string | URL, options?: Record<string, unknown>) {
      const blob = typeof url === 'string' && url.startsWith('blob:');
      super(blob ? workerSource : url, blob ? { ...options, eval: true } : options);
      if (!blob) return;
      workers.push(this);
      // Workers started after the backend is ready (pool growth) must not hold the process either.
      if (ready) this.unref();
    }
    override postMessage(message: unknown, transfer?: unknown): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      if (m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') message = { ...m, urlOrBlob: threadedJs };
      super.postMessage(message, transfer);
    }
  }

  workerThreads.Worker = TfjsWasmWorker;
  os.cpus = () => {
    const cpus = stockCpus.call(os);
    while (cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmPackage.setThreadsCount(threads);
  try {
    await start();
  } finally {
    // Emscripten copied the subclass into globalThis.Worker for its pool; the module export and
    // os.cpus go back to stock so nothing else in the process sees the change.
    workerThreads.Worker = StockWorker;
    os.cpus = stockCpus;
    ready = true;
    for (const w of workers) w.unref();
  }
  state = { threads: wasmPackage.getThreadsCount(), workers: workers.length, reason };
  return state;
}

/** Record that the wasm backend runs single-threaded, and why. */
export function markSingleThreaded(reason: string): WasmThreadsState {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  state = { threads: 1, workers: 0, reason };
  return state;
}
