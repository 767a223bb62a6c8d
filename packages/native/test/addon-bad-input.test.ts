import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { registerNativeKernels } from '@cxr/native';
import { nativeAddon as addon, relativeError, sizeOf, spyOnAddon, values, wave, type Outputs } from './support.js';

const f32 = (n: number) => new Float32Array(n);
/** conv2d geometry [n, h, w, ci, co, kh, kw, sh, sw, dh, dw, top, left, oh, ow], 'valid', stride 1. */
const geometry = (n = 1, h = 4, w = 4, ci = 1, co = 2, k = 3) =>
  Int32Array.from([n, h, w, ci, co, k, k, 1, 1, 1, 1, 0, 0, h - k + 1, w - k + 1]);
const withField = (g: Int32Array, i: number, v: number) => Int32Array.from(g, (x, j) => (j === i ? v : x));
/** maxPool geometry [n, h, w, c, kh, kw, sh, sw, top, left, oh, ow]: 2×2, stride 2 over 4×4. */
const pool = Int32Array.from([1, 4, 4, 1, 2, 2, 2, 2, 0, 0, 2, 2]);

/** Every bad call must throw a coded error — never crash the process or write out of bounds. */
describe('raw addon calls with bad arguments throw E_NATIVE', () => {
  const g = geometry();
  const cases: [string, () => unknown][] = [
    ['no arguments', () => (addon().conv2d as unknown as () => void)()],
    ['geometry missing', () => (addon().conv2d as unknown as (...a: unknown[]) => void)(f32(16), f32(18), null, f32(8))],
    ['activation missing', () => (addon().conv2d as unknown as (...a: unknown[]) => void)(f32(16), f32(18), null, f32(8), g)],
    ['a number for a tensor', () => addon().conv2d(1 as never, f32(18), null, f32(8), g, 0)],
    ['null for a required tensor', () => addon().conv2d(null as never, f32(18), null, f32(8), g, 0)],
    ['an Int32Array for a Float32Array', () => addon().conv2d(new Int32Array(16) as never, f32(18), null, f32(8), g, 0)],
    ['a Float64Array for a Float32Array', () => addon().binary(0, new Float64Array(4) as never, f32(4), f32(4))],
    ['a Float32Array for the Int32Array geometry', () => addon().conv2d(f32(16), f32(18), null, f32(8), Float32Array.from(g) as never, 0)],
    ['x shorter than its geometry', () => addon().conv2d(f32(15), f32(18), null, f32(8), g, 0)],
    ['output shorter than its geometry', () => addon().conv2d(f32(16), f32(18), null, f32(7), g, 0)],
    ['bias shorter than the output channels', () => addon().conv2d(f32(16), f32(18), f32(1), f32(8), g, 0)],
    ['filter shorter than its geometry', () => addon().conv2dBackpropFilter(f32(16), f32(8), f32(17), g)],
    ['geometry too short', () => addon().conv2dBackpropInput(f32(8), f32(18), f32(16), Int32Array.from([1, 4, 4]))],
    ['a negative batch', () => addon().conv2d(f32(16), f32(18), null, f32(8), withField(g, 0, -1), 0)],
    ['a zero stride', () => addon().conv2dBackpropInput(f32(8), f32(18), f32(16), withField(g, 7, 0))],
    ['a zero dilation', () => addon().conv2dBackpropFilter(f32(16), f32(8), f32(18), withField(g, 10, 0))],
    ['negative padding', () => addon().conv2d(f32(16), f32(18), null, f32(8), withField(g, 12, -2), 0)],
    ['unknown activation', () => addon().conv2d(f32(16), f32(18), null, f32(8), g, 7)],
    ['depthwise channels not a multiple', () => addon().depthwiseConv2d(f32(32), f32(27), f32(32), geometry(1, 4, 4, 2, 3))],
    ['depthwise filter too short', () => addon().depthwiseBackpropFilter(f32(16), f32(8), f32(1), geometry(1, 4, 4, 1, 1))],
    ['matMul operands too short', () => addon().matMul(f32(5), f32(6), f32(4), Int32Array.from([2, 2, 3, 0, 0]))],
    ['matMul with a negative size', () => addon().matMul(f32(4), f32(4), f32(4), Int32Array.from([-2, 2, 2, 0, 0]))],
    ['maxPool input too short', () => addon().maxPool(f32(15), f32(4), pool)],
    ['maxPool with a zero stride', () => addon().maxPool(f32(16), f32(4), withField(pool, 6, 0))],
    ['maxPoolGrad geometry too short', () => addon().maxPoolGrad(f32(16), f32(4), f32(16), Int32Array.from([1, 4, 4]))],
    ['sumRows output too short', () => addon().sumRows(f32(12), Int32Array.from([3, 4]), f32(3))],
    ['sumRows with negative rows', () => addon().sumRows(f32(12), Int32Array.from([-3, 4]), f32(4))],
    ['unknown binary op', () => addon().binary(9, f32(4), f32(4), f32(4))],
    ['a string op', () => addon().binary('0' as never, f32(4), f32(4), f32(4))],
    ['b length not dividing a', () => addon().binary(0, f32(6), f32(4), f32(6))],
    ['an empty b', () => addon().binary(0, f32(8), f32(0), f32(8))],
    ['binary output shorter than a', () => addon().binary(0, f32(8), f32(4), f32(4))],
    ['unknown unary op', () => addon().unary(5, f32(4), f32(4))],
    ['unary output too short', () => addon().unary(0, f32(8), f32(4))],
    ['tile reps too short', () => addon().tile(f32(4), f32(16), Int32Array.from([2, 2]), Int32Array.from([2]))],
    ['tile with negative reps', () => addon().tile(f32(4), f32(4), Int32Array.from([2, 2]), Int32Array.from([-1, 1]))],
    ['zero threads', () => addon().setThreads(0)],
    ['negative threads', () => addon().setThreads(-1)],
    ['a string thread count', () => addon().setThreads('4' as never)],
    ['a non-string ISA', () => addon().setIsa(3 as never)],
    ['an unknown ISA', () => addon().setIsa('sse9' as never)],
  ];
  it.each(cases)('%s', (_name, call) => {
    const isa = addon().info().isa;
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('E_NATIVE');
    expect(addon().info().isa).toBe(isa); // a rejected setIsa changes nothing
  });

  it('a rejected call leaves the addon working', () => {
    const c = f32(4);
    addon().matMul(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 0, 0, 1]), c, Int32Array.from([2, 2, 2, 0, 0]));
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('an output geometry larger than the input reads only zero padding', () => {
    // oh = ow = 6 over a 4×4 image: windows past the image see zeros, as in 'same' padding.
    const x = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const y = f32(6 * 6);
    addon().conv2d(x, Float32Array.of(1), null, y, Int32Array.from([1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6, 6]), 0);
    const want = Array.from({ length: 36 }, (_, i) => {
      const [r, c] = [Math.floor(i / 6) - 1, (i % 6) - 1];
      return r >= 0 && r < 4 && c >= 0 && c < 4 ? x[r * 4 + c]! : 0;
    });
    expect(Array.from(y)).toEqual(want);
  });
});

/*
 * Zero-size tensors through the registered kernels (tfjs hands them on like any other): no crash,
 * and the same result as stock cpu — natively or by falling back.
 */
interface EmptyCase {
  name: string;
  run(): Outputs;
}
const t4 = (s: [number, number, number, number], f = 0.3) => tf.tensor4d(wave(sizeOf(s), f), s);
const EMPTY_CASES: EmptyCase[] = [
  { name: 'conv2d, no images', run: () => tf.tidy(() => values(tf.conv2d(t4([0, 5, 5, 2]), t4([3, 3, 2, 4]), 1, 'same'))) },
  { name: 'conv2d, no input channels', run: () => tf.tidy(() => values(tf.conv2d(t4([1, 5, 5, 0]), t4([3, 3, 0, 12]), 1, 'valid'))) },
  { name: 'conv2d, no output channels', run: () => tf.tidy(() => values(tf.conv2d(t4([1, 5, 5, 2]), t4([3, 3, 2, 0]), 2, 'same'))) },
  { name: 'conv2d, empty image rows', run: () => tf.tidy(() => values(tf.conv2d(t4([2, 0, 5, 2]), t4([1, 1, 2, 3]), 1, 'same'))) },
  {
    name: 'conv2d gradients, no input channels',
    run: () => tf.tidy(() => values(...tf.grads((a, b) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([t4([1, 5, 5, 0]), t4([3, 3, 0, 12])]))),
  },
  {
    name: 'fused conv2d, no images',
    run: () => tf.tidy(() => values(tf.fused.conv2d({ x: t4([0, 6, 6, 3]), filter: t4([3, 3, 3, 10]), strides: 1, pad: 'same', bias: tf.ones([10]), activation: 'relu' }))),
  },
  { name: 'maxPool, no images', run: () => tf.tidy(() => values(tf.maxPool(t4([0, 6, 6, 3]), 2, 2, 'valid'))) },
  { name: 'maxPool, no channels', run: () => tf.tidy(() => values(tf.maxPool(t4([2, 6, 6, 0]), 3, 2, 'same'))) },
  { name: 'maxPool gradient, no channels', run: () => tf.tidy(() => values(tf.grad((a) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(t4([1, 6, 6, 0])))) },
  { name: 'sum over empty leading axes', run: () => tf.tidy(() => values(tf.sum(tf.zeros([0, 4]), 0), tf.sum(tf.zeros([3, 0, 5]), [0, 1], true))) },
  { name: 'sum leaving nothing', run: () => tf.tidy(() => values(tf.sum(tf.zeros([3, 4, 0]), [0, 1]))) },
  { name: 'mean over empty leading axes', run: () => tf.tidy(() => values(tf.mean(tf.zeros([0, 4]), 0))) },
  { name: 'elementwise on empty tensors', run: () => tf.tidy(() => { const x = tf.zeros([0, 8]); return values(tf.relu(x), tf.step(x), tf.add(x, tf.ones([8])), tf.mul(x, 2)); }) },
];

describe.each(['wasm', 'cpu'] as const)('zero-size tensors on %s with native kernels vs stock cpu', (backend) => {
  const reference = new Map<string, Outputs | Error>();
  let spy: ReturnType<typeof spyOnAddon>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const c of EMPTY_CASES) {
      try {
        reference.set(c.name, c.run());
      } catch (e) {
        reference.set(c.name, e as Error);
      }
    }
    await selectBackend({ backend });
    expect(backend === 'wasm' ? (await selectBackend({ backend })).native?.active : registerNativeKernels('cpu').active).toBe(true);
    spy = spyOnAddon();
  });
  afterAll(() => spy?.restore());

  it.each(EMPTY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const want = reference.get(c.name)!;
    // Where stock cpu itself rejects the call, the registered kernel must reject it too, not crash.
    if (want instanceof Error) return void expect(() => c.run()).toThrow();
    const before = tf.memory().numTensors;
    expect(relativeError(c.run(), want)).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
