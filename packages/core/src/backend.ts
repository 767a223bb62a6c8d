import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from './errors.js';
import { registerCpuKernels, registerWasmKernels } from './kernels/register.js';
import { markSingleThreaded, planWasmThreads, startThreadedWasm, wasmThreadsState } from './wasm-threads.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** Best first. Node: native TensorFlow, then a GPU through Dawn, then wasm, then pure JS. */
const NODE_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
/** Browser: WebGL is the mature GPU path; WebGPU where the page registered it. */
const BROWSER_ORDER: readonly BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason: string;
}

export interface BackendChoice {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** Why it was chosen, in words, e.g. "forced by CXR_BACKEND=cpu". */
  reason: string;
  /** Every backend tried, in order, with why it was or was not usable. */
  attempts: BackendAttempt[];
  runtime: 'node' | 'browser';
  /** wasm only: XNNPACK threads the backend runs with (1 = single-threaded) and why. */
  threads?: { count: number; reason: string };
  /**
   * wasm and cpu in Node: whether @cxr/native's AVX-512/AVX2 kernels (convolutions, their
   * gradients, MaxPoolGrad, bias sums) run in place of the backend's own, and why not.
   */
  native?: NativeKernelsInfo;
}

export interface NativeKernelsInfo {
  active: boolean;
  isa?: string;
  threads?: number;
  kernels: string[];
  reason?: string;
}

export interface SelectBackendOptions {
  /** Force one backend. Default: `process.env.CXR_BACKEND`, else `'auto'`. */
  backend?: BackendName | 'auto';
  /** Candidates in order of preference for `'auto'`. */
  order?: readonly BackendName[];
  /**
   * wasm in Node: threads for the threaded-SIMD binary. Default `process.env.CXR_WASM_THREADS`,
   * else one per core; `1` keeps the stock single-threaded backend. Only the first wasm start in
   * a process can choose.
   */
  wasmThreads?: number | 'auto';
  /**
   * Node, wasm: put @cxr/native's kernels in front of the backend's (default true;
   * `CXR_NATIVE=0` also turns them off). Without a prebuilt binary for the platform nothing changes.
   */
  native?: boolean;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

/** Import an optional peer by a computed name, so bundlers never try to resolve it. */
async function importOptional(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name);
}

function envBackend(): string | undefined {
  if (!isNode()) return undefined;
  const value = process.env['CXR_BACKEND']?.trim().toLowerCase();
  return value ? value : undefined;
}

async function ensureWebGpuGlobal(): Promise<void> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu || !isNode()) return;
  // Node: the `webgpu` package (Dawn) provides navigator.gpu.
  const dawn = (await importOptional('webgpu')) as {
    create: (flags: string[]) => unknown;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (!(globalThis as { navigator?: unknown }).navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'gpu', {
      value: gpu,
      configurable: true,
    });
  }
}

const nativeState = new Map<BackendName, NativeKernelsInfo>();

/** Node only: the native kernels for wasm or cpu, when @cxr/native loads. Never fails the backend. */
async function registerNative(name: 'wasm' | 'cpu', options: SelectBackendOptions): Promise<void> {
  if (!isNode() || nativeState.has(name)) return;
  if (options.native === false) {
    nativeState.set(name, { active: false, kernels: [], reason: 'turned off by option native=false' });
    return;
  }
  try {
    const native = (await importOptional('@cxr/native')) as {
      registerNativeKernels(backend: 'wasm' | 'cpu'): NativeKernelsInfo;
    };
    nativeState.set(name, native.registerNativeKernels(name));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    nativeState.set(name, { active: false, kernels: [], reason: `@cxr/native not loaded (${message})` });
  }
}

/** Make `name` registered with tfjs if it can be; return why not otherwise. */
async function prepare(name: BackendName, options: SelectBackendOptions): Promise<string | null> {
  try {
    switch (name) {
      case 'tensorflow': {
        if (tf.findBackendFactory('tensorflow')) return null;
        if (!isNode()) return 'only in Node';
        try {
          await importOptional('@tensorflow/tfjs-node-gpu');
        } catch {
          await importOptional('@tensorflow/tfjs-node');
        }
        return tf.findBackendFactory('tensorflow') ? null : 'tfjs-node loaded but registered no backend';
      }
      case 'webgpu': {
        await ensureWebGpuGlobal();
        const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
        if (!gpu) return 'no navigator.gpu';
        const adapter = await gpu.requestAdapter();
        if (!adapter) return 'no GPU adapter';
        if (!tf.findBackendFactory('webgpu')) await importOptional('@tensorflow/tfjs-backend-webgpu');
        return tf.findBackendFactory('webgpu') ? null : 'tfjs-backend-webgpu not registered';
      }
      case 'webgl': {
        if (isNode()) return 'only in a browser';
        if (!tf.findBackendFactory('webgl')) await importOptional('@tensorflow/tfjs-backend-webgl');
        return tf.findBackendFactory('webgl') ? null : 'tfjs-backend-webgl not registered';
      }
      case 'wasm': {
        if (!tf.findBackendFactory('wasm')) await importOptional('@tensorflow/tfjs-backend-wasm');
        if (!tf.findBackendFactory('wasm')) return 'tfjs-backend-wasm not registered';
        registerWasmKernels();
        await registerNative('wasm', options);
        return null;
      }
      case 'cpu': {
        if (!tf.findBackendFactory('cpu')) await importOptional('@tensorflow/tfjs-backend-cpu');
        if (!tf.findBackendFactory('cpu')) return 'tfjs-backend-cpu not registered';
        // Not on cpu: its tensors may hold values that are not Float32Arrays (created from JS
        // arrays), which the native kernels cannot read in place; cpu stays pure JS.
        registerCpuKernels();
        return null;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `not installed or failed to load (${message})`;
  }
}

/** True once tfjs has created the backend instance (its threading can no longer change). */
function initialised(name: BackendName): boolean {
  return !!(tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name];
}

async function setAndVerify(name: BackendName): Promise<string | null> {
  const ok = await tf.setBackend(name);
  if (!ok) return 'failed to initialise';
  await tf.ready();
  // tfjs can fall back silently (a WebGPU init failure leaves cpu active): check what we got.
  const active = tf.getBackend();
  return active === name ? null : `tfjs activated "${active}" instead`;
}

/** Start wasm threaded when planned and still possible; single-threaded otherwise. */
async function startWasm(options: SelectBackendOptions): Promise<string | null> {
  if (initialised('wasm')) return setAndVerify('wasm');
  const plan = await planWasmThreads(options.wasmThreads);
  if (plan.threads <= 1) {
    markSingleThreaded(plan.reason);
    return setAndVerify('wasm');
  }
  let failure: string | null = null;
  try {
    await startThreadedWasm(plan.threads, async () => {
      failure = await setAndVerify('wasm');
      if (failure) throw new Error(failure);
    }, plan.reason);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    markSingleThreaded(`threaded start failed (${message}); single-threaded`);
    if (initialised('wasm')) return failure;
    return setAndVerify('wasm');
  }
}

async function activate(name: BackendName, options: SelectBackendOptions = {}): Promise<string | null> {
  const reason = await prepare(name, options);
  if (reason) return reason;
  try {
    return name === 'wasm' ? await startWasm(options) : await setAndVerify(name);
  } catch (error) {
    return `failed to initialise (${error instanceof Error ? error.message : String(error)})`;
  }
}

function withThreads(choice: BackendChoice): BackendChoice {
  const state = choice.name === 'wasm' ? wasmThreadsState() : null;
  const native = nativeState.get(choice.name);
  return {
    ...choice,
    ...(state ? { threads: { count: state.threads, reason: state.reason } } : {}),
    ...(native ? { native } : {}),
  };
}

/**
 * Pick and activate the best available tfjs backend and say which and why.
 *
 * Order in Node: `tensorflow` (tfjs-node-gpu / tfjs-node) → `webgpu` (needs a GPU adapter) →
 * `wasm` → `cpu`. In a browser: `webgl` → `webgpu` → `wasm` → `cpu`. Force one with
 * `{ backend }` or the `CXR_BACKEND` environment variable; a forced backend that cannot start
 * throws `E_BACKEND_UNAVAILABLE` rather than silently falling back.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const runtime = isNode() ? 'node' : 'browser';
  const fromEnv = envBackend();
  const requested = options.backend ?? fromEnv ?? 'auto';
  const attempts: BackendAttempt[] = [];

  if (requested !== 'auto') {
    if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
      throw new CxrError(
        'E_BAD_ARGUMENT',
        `Unknown backend "${requested}". Use one of: auto, ${BACKEND_NAMES.join(', ')}.`,
      );
    }
    const name = requested as BackendName;
    const failure = await activate(name, options);
    attempts.push({ name, ok: failure === null, reason: failure ?? 'forced' });
    if (failure) {
      throw new CxrError(
        'E_BACKEND_UNAVAILABLE',
        `Backend "${name}" was requested but is not usable: ${failure}. Install it or choose another (CXR_BACKEND=auto).`,
      );
    }
    const by = options.backend !== undefined ? 'option' : 'CXR_BACKEND';
    return withThreads({ name, reason: `forced by ${by}=${name}`, attempts, runtime });
  }

  for (const name of options.order ?? (runtime === 'node' ? NODE_ORDER : BROWSER_ORDER)) {
    const failure = await activate(name, options);
    attempts.push({ name, ok: failure === null, reason: failure ?? 'available' });
    if (!failure) {
      const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`);
      const reason = skipped.length ? `best available (${skipped.join('; ')})` : 'best available';
      return withThreads({ name, reason, attempts, runtime });
    }
  }
  throw new CxrError(
    'E_BACKEND_UNAVAILABLE',
    `No tfjs backend could start (${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}). ` +
      'Install @tensorflow/tfjs-backend-cpu at least.',
  );
}

/** One line for logs: "wasm (best available (tensorflow: not installed …))". */
export function describeBackend(choice: BackendChoice): string {
  const threads = choice.threads ? `, ${choice.threads.count} thread${choice.threads.count === 1 ? '' : 's'}` : '';
  const n = choice.native;
  const native = n?.active ? ` + native kernels (${n.isa}, ${n.threads} thread${n.threads === 1 ? '' : 's'})` : '';
  return `${choice.name}${threads}${native} — ${choice.reason}`;
}
