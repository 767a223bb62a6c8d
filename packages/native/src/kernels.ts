import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type DepthwiseConv2dNativeAttrs,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type TileAttrs,
  type FusedConv2DAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolAttrs,
  type StepAttrs,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { loadNativeAddon, type NativeAddon } from './addon.js';

/** Reads and allocates float32 tensors of one backend without copies. */
interface Storage {
  alloc(backend: KernelBackend, shape: number[]): TensorInfo;
  /** A live view of t's float32 data (for wasm: the heap; take views after every alloc). */
  view(backend: KernelBackend, t: TensorInfo): Float32Array;
  /** Whether view() can read t in place; when not, the call falls back. */
  readable(backend: KernelBackend, t: TensorInfo): boolean;
}

interface WasmBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}
interface CpuBackend extends KernelBackend {
  data: { get(id: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const STORAGE: Record<'wasm' | 'cpu', Storage> = {
  wasm: {
    alloc: (b, shape) => (b as WasmBackend).makeOutput(shape, 'float32'),
    view: (b, t) => (b as WasmBackend).typedArrayFromHeap(t),
    readable: () => true,
  },
  cpu: {
    alloc: (b, shape) => (b as CpuBackend).makeTensorInfo(shape, 'float32', new Float32Array(util.sizeFromShape(shape))),
    view: (b, t) => {
      const values = (b as CpuBackend).data.get(t.dataId).values;
      if (!(values instanceof Float32Array)) throw new Error('cxr native: a float32 tensor without Float32Array values');
      return values;
    },
    // cpu's widening Cast (int32 → float32) keeps the Int32Array: such a float32 tensor must fall back.
    readable: (b, t) => t.dtype !== 'float32' || (b as CpuBackend).data.get(t.dataId).values instanceof Float32Array,
  },
};

export interface NativeStatus {
  /** True when the kernels below run natively on this backend. */
  active: boolean;
  /** GEMM micro-kernel and worker threads, when active. */
  isa?: string;
  threads?: number;
  /** Why not, when inactive. */
  reason?: string;
  kernels: string[];
}

/**
 * Process-wide state, kept on globalThis like tfjs' own kernel registry: the ESM and CommonJS
 * builds (or a bundled and a linked copy) must share one switch and one registration.
 */
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('cxr.native.kernels')] ??= {
  enabled: true,
  registered: new Map<string, NativeStatus>(),
}) as { enabled: boolean; registered: Map<string, NativeStatus> };

/** Turns the native kernels off (each falls back to the kernel it replaced) or on again. For benchmarks and tests. */
export function setNativeKernelsEnabled(on: boolean): void {
  state.enabled = on;
}
export function nativeKernelsEnabled(): boolean {
  return state.enabled;
}

const conv2dGeometry = (c: backend_util.Conv2DInfo) =>
  Int32Array.from([
    c.batchSize, c.inHeight, c.inWidth, c.inChannels,
    c.outChannels, c.filterHeight, c.filterWidth,
    c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left, c.outHeight, c.outWidth,
  ]);

const isFloat = (...ts: (TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');
const outputShape = (c: backend_util.Conv2DInfo) => [c.batchSize, c.outHeight, c.outWidth, c.outChannels];

const poolGeometry = (p: backend_util.Conv2DInfo) =>
  Int32Array.from([
    p.batchSize, p.inHeight, p.inWidth, p.inChannels, p.filterHeight, p.filterWidth,
    p.strideHeight, p.strideWidth, p.padInfo.top, p.padInfo.left, p.outHeight, p.outWidth,
  ]);

/** Below this many elements the backend's own loop is as fast as a call out. */
const ELEMENTWISE_MIN = 1 << 14;

/** b broadcasts onto a by repeating along a's leading axes (same shape, scalar, bias [c] over [n, h, w, c]). */
function repeatsOver(a: readonly number[], b: readonly number[]): boolean {
  let lead = 0;
  while (lead < b.length && b[lead] === 1) lead++;
  const trimmed = b.slice(lead);
  if (b.length > a.length) return false;
  return trimmed.every((d, i) => d === a[a.length - trimmed.length + i]);
}

const BINARY: Record<string, { op: number; commutes: boolean }> = {
  Add: { op: 0, commutes: true },
  Sub: { op: 1, commutes: false },
  Multiply: { op: 2, commutes: true },
  RealDiv: { op: 3, commutes: false },
};

/** The kernel bodies: each returns null when the call is outside what the addon does (→ fallback). */
function bodies(addon: NativeAddon, s: Storage): Record<string, (backend: KernelBackend, inputs: Record<string, TensorInfo>, attrs: object) => TensorInfo | null> {
  const conv = (backend: KernelBackend, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | undefined, relu: boolean, a: Conv2DAttrs) => {
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, backend_util.convertConv2DDataFormat(a.dataFormat));
    const out = s.alloc(backend, outputShape(info));
    addon.conv2d(s.view(backend, x), s.view(backend, filter), bias ? s.view(backend, bias) : null, s.view(backend, out), conv2dGeometry(info), relu ? 1 : 0);
    return out;
  };
  const leadingAxesSum = (backend: KernelBackend, x: TensorInfo, a: SumAttrs, mean: boolean): TensorInfo | null => {
    if (!isFloat(x)) return null;
    const shape = x.shape;
    const axes = [...util.parseAxisParam(a.axis, shape)].sort((p, q) => p - q);
    if (axes.length === 0 || axes.some((ax, i) => ax !== i)) return null;
    const rows = util.sizeFromShape(shape.slice(0, axes.length));
    const rest = shape.slice(axes.length);
    const cols = util.sizeFromShape(rest);
    // No rows: zeros (stock wasm leaves such an output uninitialised; cpu gives zeros, for Mean too).
    if (cols === 0) return null;
    const out = s.alloc(backend, a.keepDims ? [...axes.map(() => 1), ...rest] : rest);
    addon.sumRows(s.view(backend, x), Int32Array.from([rows, cols]), s.view(backend, out));
    if (mean && rows > 0) {
      const values = s.view(backend, out);
      for (let i = 0; i < cols; i++) values[i]! /= rows;
    }
    return out;
  };
  return {
    Conv2D(backend, { x, filter }, attrs) {
      const a = attrs as Conv2DAttrs;
      if (a.dataFormat === 'NCHW' || !isFloat(x, filter)) return null;
      return conv(backend, x!, filter!, undefined, false, a);
    },
    FusedConv2D(backend, { x, filter, bias, preluActivationWeights }, attrs) {
      const a = attrs as FusedConv2DAttrs;
      const co = filter!.shape[3] as number;
      const simpleBias = !bias || util.sizeFromShape(bias.shape) === co && (bias.shape.length === 1 || bias.shape.every((d, i) => i === bias.shape.length - 1 || d === 1));
      if (a.dataFormat === 'NCHW' || preluActivationWeights || !simpleBias || !['linear', 'relu'].includes(a.activation ?? 'linear')) return null;
      if (!isFloat(x, filter, bias)) return null;
      return conv(backend, x!, filter!, bias, a.activation === 'relu', a);
    },
    Conv2DBackpropInput(backend, { dy, filter }, attrs) {
      const a = attrs as Conv2DBackpropInputAttrs;
      if (a.dataFormat === 'NCHW' || !isFloat(dy, filter)) return null;
      const info = backend_util.computeConv2DInfo(
        a.inputShape, filter!.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const dx = s.alloc(backend, [...a.inputShape]);
      addon.conv2dBackpropInput(s.view(backend, dy!), s.view(backend, filter!), s.view(backend, dx), conv2dGeometry(info));
      return dx;
    },
    Conv2DBackpropFilter(backend, { x, dy }, attrs) {
      const a = attrs as Conv2DBackpropFilterAttrs;
      if (a.dataFormat === 'NCHW' || !isFloat(x, dy)) return null;
      const info = backend_util.computeConv2DInfo(
        x!.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const dw = s.alloc(backend, [...a.filterShape]);
      addon.conv2dBackpropFilter(s.view(backend, x!), s.view(backend, dy!), s.view(backend, dw), conv2dGeometry(info));
      return dw;
    },
    MaxPoolGrad(backend, { dy, input }, attrs) {
      const a = attrs as MaxPoolGradAttrs;
      if (!isFloat(dy, input)) return null;
      const xShape = input!.shape as [number, number, number, number];
      const p = backend_util.computePool2DInfo(xShape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      const dx = s.alloc(backend, [...xShape]);
      addon.maxPoolGrad(s.view(backend, input!), s.view(backend, dy!), s.view(backend, dx), poolGeometry(p));
      return dx;
    },
    DepthwiseConv2dNative(backend, { x, filter }, attrs) {
      const a = attrs as DepthwiseConv2dNativeAttrs;
      if (a.dataFormat === 'NCHW' || !isFloat(x, filter)) return null;
      const info = backend_util.computeConv2DInfo(
        x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number],
        a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
      const y = s.alloc(backend, outputShape(info));
      addon.depthwiseConv2d(s.view(backend, x!), s.view(backend, filter!), s.view(backend, y), conv2dGeometry(info));
      return y;
    },
    DepthwiseConv2dNativeBackpropInput(backend, { dy, filter }, attrs) {
      const a = attrs as DepthwiseConv2dNativeBackpropInputAttrs;
      if (!isFloat(dy, filter)) return null;
      const info = backend_util.computeConv2DInfo(
        a.inputShape, filter!.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
      const dx = s.alloc(backend, [...a.inputShape]);
      addon.depthwiseBackpropInput(s.view(backend, dy!), s.view(backend, filter!), s.view(backend, dx), conv2dGeometry(info));
      return dx;
    },
    DepthwiseConv2dNativeBackpropFilter(backend, { x, dy }, attrs) {
      const a = attrs as DepthwiseConv2dNativeBackpropFilterAttrs;
      if (!isFloat(x, dy)) return null;
      const info = backend_util.computeConv2DInfo(
        x!.shape as [number, number, number, number], a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
      const dw = s.alloc(backend, [...a.filterShape]);
      addon.depthwiseBackpropFilter(s.view(backend, x!), s.view(backend, dy!), s.view(backend, dw), conv2dGeometry(info));
      return dw;
    },
    // BatchNorm gradients tile per-channel statistics over whole activations.
    Tile(backend, { x }, attrs) {
      const { reps } = attrs as TileAttrs;
      if (!isFloat(x) || x!.shape.length === 0 || x!.shape.length > 8 || reps.length !== x!.shape.length) return null;
      const shape = x!.shape.map((d, i) => d * reps[i]!);
      if (util.sizeFromShape(shape) < ELEMENTWISE_MIN) return null;
      const out = s.alloc(backend, shape);
      addon.tile(s.view(backend, x!), s.view(backend, out), Int32Array.from(x!.shape), Int32Array.from(reps));
      return out;
    },
    MaxPool(backend, { x }, attrs) {
      const a = attrs as MaxPoolAttrs;
      if (!isFloat(x)) return null;
      const p = backend_util.computePool2DInfo(x!.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      // tfjs passes x through unchanged for a 1×1 stride-1 pool; so does its backend kernel.
      if (p.filterWidth === 1 && p.filterHeight === 1 && util.arraysEqual(p.inShape, p.outShape)) return null;
      const y = s.alloc(backend, [p.batchSize, p.outHeight, p.outWidth, p.outChannels]);
      addon.maxPool(s.view(backend, x!), s.view(backend, y), poolGeometry(p));
      return y;
    },
    Relu(backend, { x }) {
      if (!isFloat(x) || util.sizeFromShape(x!.shape) < ELEMENTWISE_MIN) return null;
      const y = s.alloc(backend, [...x!.shape]);
      addon.unary(0, s.view(backend, x!), s.view(backend, y));
      return y;
    },
    Step(backend, { x }, attrs) {
      if (!isFloat(x) || util.sizeFromShape(x!.shape) < ELEMENTWISE_MIN) return null;
      const y = s.alloc(backend, [...x!.shape]);
      addon.unary(1, s.view(backend, x!), s.view(backend, y), (attrs as StepAttrs).alpha);
      return y;
    },
    ...Object.fromEntries(
      Object.entries(BINARY).map(([name, { op, commutes }]) => [
        name,
        (backend: KernelBackend, inputs: Record<string, TensorInfo>) => {
          let { a, b } = inputs;
          if (!isFloat(a, b)) return null;
          if (commutes && !repeatsOver(a!.shape, b!.shape) && repeatsOver(b!.shape, a!.shape)) [a, b] = [b, a];
          if (!repeatsOver(a!.shape, b!.shape) || util.sizeFromShape(a!.shape) < ELEMENTWISE_MIN) return null;
          const out = s.alloc(backend, [...a!.shape]);
          addon.binary(op, s.view(backend, a!), s.view(backend, b!), s.view(backend, out));
          return out;
        },
      ]),
    ),
    // Only over leading axes (bias gradients, BatchNorm statistics: over N, H, W); stock wasm transposes first.
    Sum: (backend, { x }, attrs) => leadingAxesSum(backend, x!, attrs as SumAttrs, false),
    Mean: (backend, { x }, attrs) => leadingAxesSum(backend, x!, attrs as SumAttrs, true),
  };
}

const registered = state.registered;

/**
 * Puts native kernels in front of `backendName`'s own Conv2D, FusedConv2D (bias + relu/linear),
 * Conv2DBackpropInput/Filter, the three depthwise kernels, MaxPool, MaxPoolGrad, leading-axes Sum and Mean, and — on tensors of 16K
 * elements or more — Tile, Relu, Step, Add, Sub, Multiply and RealDiv with same-shape, scalar or
 * trailing-axes (bias) broadcasting. Calls they do not cover (NCHW,
 * other activations, non-float32) and calls made while disabled go to the kernel that was
 * registered before. Idempotent per backend; never throws: without an addon nothing changes.
 */
export function registerNativeKernels(backendName: 'wasm' | 'cpu'): NativeStatus {
  const done = registered.get(backendName);
  if (done) return done;
  const load = loadNativeAddon();
  if (!load.addon) {
    const status = { active: false, reason: load.reason, kernels: [] };
    registered.set(backendName, status);
    return status;
  }
  const addon = load.addon;
  const storage = STORAGE[backendName];
  const kernels: string[] = [];
  for (const [kernelName, body] of Object.entries(bodies(addon, storage))) {
    const previous = getKernel(kernelName, backendName);
    if (!previous) continue;
    const kernelFunc: KernelFunc = (args) => {
      const backend = args.backend as KernelBackend;
      const inputs = args.inputs as Record<string, TensorInfo>;
      const usable = state.enabled && Object.values(inputs).every((t) => !t || storage.readable(backend, t));
      const out = usable ? body(backend, inputs, args.attrs ?? {}) : null;
      return out ?? previous.kernelFunc(args);
    };
    unregisterKernel(kernelName, backendName);
    registerKernel({ ...previous, kernelFunc } satisfies KernelConfig);
    kernels.push(kernelName);
  }
  const status = { active: true, ...addon.info(), kernels };
  registered.set(backendName, status);
  return status;
}
