/**
 * Filter-gradient (Conv2DBackpropFilter) formulations on wasm, timed on the seed networks' own
 * conv layer shapes (A = covidCnn at batch 8, B = lungClassifier at batch 16), issue 8:
 *
 *   conv     cxr's kernel before: one XNNPACK Conv2D of transposed tensors (filter = dy); baseline
 *   gemm     cxr's per-image GEMM: im2col of one image built in the wasm heap, one XNNPACK matMul
 *   kernel   what is registered now (cxr's dispatch between the two, filterGradPath)
 *   im2col   tf ops: colsᵀ[kh·kw·ci, P] (per-tap slices of xᵀ, concatenated) · dy[P, co], one matMul
 *   perTap   tf ops: kh·kw matMuls x_tapᵀ[ci, P] · dy[P, co], concatenated (no full im2col)
 *   chunked  tf ops: im2col over `chunk` images at a time, partial dW summed (bounded memory)
 *   bandsR   tf ops: im2col per R output rows of one image (only when named in --only: slow,
 *            wasm's Slice copies its whole input to JS on every call)
 *
 * with P = n·oH·oW. Only untransposed 2-D matMuls reach XNNPACK in tfjs-backend-wasm 4.22
 * (BatchMatMul: transposeA/B or batch > 1 take a scalar blocked loop), so every candidate feeds
 * BatchMatMul plain [M, K]·[K, N] operands. Numerical check against stock tfjs-backend-cpu's
 * Conv2DBackpropFilter on the same layer geometry at a small size (the stock kernel is a
 * scalar 7-deep loop: minutes at full size), and every candidate against `conv` at full size;
 * relative error ≥ 1e-4 or a leaked tensor stops the bench.
 *
 *   npx tsx bench/backprop-filter.ts [--model A,B] [--runs 5] [--chunk 2] [--band 16] [--only gemm,bands16]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackend, selectBackend } from '../packages/core/src/index.js';
import { MODELS } from './models.js';
import { conv2dBackpropFilterConfig, filterGradPath } from '../packages/core/src/kernels/conv2d-backprop-filter.js';

const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
};
const modelIds = value('model', 'A,B').split(',') as ('A' | 'B')[];
const runs = Number(value('runs', '5'));
const chunk = Number(value('chunk', '2'));
const BATCH = { A: 8, B: 16 } as const;

interface ConvShape {
  model: 'A' | 'B';
  layer: string;
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: [number, number];
  pad: 'valid' | 'same';
}

function convShapes(id: 'A' | 'B'): ConvShape[] {
  const model = MODELS[id].build();
  const out: ConvShape[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D') continue;
    const c = layer.getConfig() as { kernelSize: number[]; strides: number[]; padding: string; filters: number };
    const [, h, w, ci] = (layer.input as tfl.SymbolicTensor).shape as number[];
    out.push({
      model: id,
      layer: layer.name,
      x: [BATCH[id], h!, w!, ci!],
      k: [c.kernelSize[0]!, c.kernelSize[1]!],
      co: c.filters,
      stride: [c.strides[0]!, c.strides[1]!],
      pad: c.padding as 'valid' | 'same',
    });
  }
  model.dispose();
  return out;
}

type Candidate = (x: tf.Tensor4D, dy: tf.Tensor4D, s: ConvShape) => tf.Tensor4D;

/** x padded as the forward conv saw it, cropped/extended to exactly the rows the taps read. */
function paddedInput(x: tf.Tensor4D, dy: tf.Tensor4D, s: ConvShape): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, [...s.k, s.x[3], s.co], s.stride, 1, s.pad);
  const [, oH, oW] = dy.shape;
  const needH = s.k[0] + (oH - 1) * s.stride[0];
  const needW = s.k[1] + (oW - 1) * s.stride[1];
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, needH - x.shape[1] - top);
  const right = Math.max(0, needW - x.shape[2] - left);
  const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  return padded.shape[1] === needH && padded.shape[2] === needW
    ? padded
    : tf.slice(padded, [0, 0, 0, 0], [-1, needH, needW, -1]);
}

/** One tap of the (transposed, padded) input, [ci, n, oH, oW] → [ci, P]. */
function tapOf(xT: tf.Tensor4D, kh: number, kw: number, oH: number, oW: number, s: ConvShape): tf.Tensor2D {
  const [ci, n] = xT.shape;
  const [sH, sW] = s.stride;
  const tap =
    sH === 1 && sW === 1
      ? tf.slice(xT, [0, 0, kh, kw], [ci, n, oH, oW])
      : tf.stridedSlice(xT, [0, 0, kh, kw], [ci, n, kh + (oH - 1) * sH + 1, kw + (oW - 1) * sW + 1], [1, 1, sH, sW]);
  return tf.reshape(tap, [ci, n * oH * oW]);
}

/** Whatever the backend has registered: stock tfjs-backend-cpu before selectBackend, cxr's dispatch on wasm. */
const kernel: Candidate = (x, dy, s) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
  strides: s.stride, pad: s.pad, dataFormat: 'NHWC', filterShape: [...s.k, s.x[3], s.co],
}) as tf.Tensor4D;

const forced = (path: 'conv' | 'gemm'): Candidate => {
  const { kernelFunc } = conv2dBackpropFilterConfig('wasm', path);
  return (x, dy, s) => {
    const out = kernelFunc({
      inputs: { x, dy },
      backend: tf.backend(),
      attrs: { strides: s.stride, pad: s.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [...s.k, s.x[3], s.co] } as never,
    }) as tf.TensorInfo;
    return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
  };
};
/** cxr's kernel before issue 8's GEMM: one XNNPACK Conv2D of transposed tensors. */
const conv = forced('conv');
/** cxr's per-image GEMM (packages/core/src/kernels/conv2d-backprop-filter-gemm.ts). */
const gemm = forced('gemm');

/** dW[kh·kw·ci, co] = colsᵀ · dy over the images of x/dy given. */
function im2colMatMul(x: tf.Tensor4D, dy: tf.Tensor4D, s: ConvShape): tf.Tensor2D {
  return tf.tidy(() => im2colPadded(paddedInput(x, dy, s), dy, s));
}

/** Same, for an input already padded and cropped to exactly the rows/cols the taps read. */
function im2colPadded(xPad: tf.Tensor4D, dy: tf.Tensor4D, s: ConvShape): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, oH, oW, co] = dy.shape;
    const xT = tf.transpose(xPad, [3, 0, 1, 2]);
    const taps: tf.Tensor2D[] = [];
    for (let kh = 0; kh < s.k[0]; kh++) for (let kw = 0; kw < s.k[1]; kw++) taps.push(tapOf(xT, kh, kw, oH, oW, s));
    const colsT = taps.length === 1 ? taps[0]! : tf.concat(taps, 0);
    return tf.matMul(colsT, tf.reshape(dy, [n * oH * oW, co]));
  });
}

const im2col: Candidate = (x, dy, s) => tf.tidy(() => tf.reshape(im2colMatMul(x, dy, s), [...s.k, s.x[3], s.co]));

const perTap: Candidate = (x, dy, s) =>
  tf.tidy(() => {
    const [n, oH, oW, co] = dy.shape;
    const xT = tf.transpose(paddedInput(x, dy, s), [3, 0, 1, 2]);
    // The same dy tensor for every tap: XNNPACK packs it once (operator cached on its id).
    const dy2 = tf.reshape(dy, [n * oH * oW, co]);
    const parts: tf.Tensor2D[] = [];
    for (let kh = 0; kh < s.k[0]; kh++) {
      for (let kw = 0; kw < s.k[1]; kw++) parts.push(tf.matMul(tapOf(xT, kh, kw, oH, oW, s), dy2));
    }
    return tf.reshape(tf.concat(parts, 0), [...s.k, s.x[3], s.co]);
  });

const chunked: Candidate = (x, dy, s) =>
  tf.tidy(() => {
    const n = x.shape[0];
    let sum: tf.Tensor2D | null = null;
    for (let i = 0; i < n; i += chunk) {
      const m = Math.min(chunk, n - i);
      const part = im2colMatMul(tf.slice(x, [i, 0, 0, 0], [m, -1, -1, -1]), tf.slice(dy, [i, 0, 0, 0], [m, -1, -1, -1]), s);
      sum = sum ? tf.add<tf.Tensor2D>(sum, part) : part;
    }
    return tf.reshape(sum!, [...s.k, s.x[3], s.co]);
  });

const bandRows = Number(value('band', '16'));
/**
 * im2col per band of `bandRows` output rows of one image: P per matMul ≈ bandRows·oW, so the
 * GEMM's reduction stays cache-sized (XNNPACK's fully-connected op does not block over K).
 */
const bands: Candidate = (x, dy, s) =>
  tf.tidy(() => {
    const xPad = paddedInput(x, dy, s);
    const [n, oH] = dy.shape;
    const [sH] = s.stride;
    let sum: tf.Tensor2D | null = null;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < oH; r += bandRows) {
        const rows = Math.min(bandRows, oH - r);
        const part = tf.tidy(() =>
          im2colPadded(
            tf.slice(xPad, [i, r * sH, 0, 0], [1, (rows - 1) * sH + s.k[0], -1, -1]),
            tf.slice(dy, [i, r, 0, 0], [1, rows, -1, -1]),
            s,
          ),
        );
        if (sum) {
          const next: tf.Tensor2D = tf.add(sum, part);
          tf.dispose([sum, part]);
          sum = next;
        } else sum = part;
      }
    }
    return tf.reshape(sum!, [...s.k, s.x[3], s.co]);
  });

const CANDIDATES: Record<string, Candidate> = {
  conv, gemm, kernel, im2col, perTap, [`chunked${chunk}`]: chunked, [`bands${bandRows}`]: bands,
};

const wave = (shape: number[], f: number, phase = 0) =>
  tf.tidy(() => tf.reshape(tf.sin(tf.add(tf.mul(tf.range(0, shape.reduce((a, b) => a * b, 1)), f), phase)), shape));

function relErr(a: tf.Tensor, b: tf.Tensor): number {
  const av = a.dataSync();
  const bv = b.dataSync();
  let scale = 1e-6;
  for (const v of bv) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < bv.length; i++) worst = Math.max(worst, Math.abs(av[i]! - bv[i]!) / scale);
  return worst;
}

function outShape(s: ConvShape, x: readonly number[]): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], [...s.k, s.x[3], s.co], s.stride, 1, s.pad);
  return [x[0]!, info.outHeight, info.outWidth, s.co];
}

const shapes = modelIds.flatMap(convShapes);

// Small copies of each geometry for the stock cpu kernel, computed before cxr registers anything on cpu.
const small = (s: ConvShape): [number, number, number, number] => [2, Math.min(s.x[1], 20), Math.min(s.x[2], 18), s.x[3]];
await tf.setBackend('cpu');
const cpuRef = shapes.map((s) =>
  tf.tidy(() => {
    const x = wave(small(s), 0.37) as tf.Tensor4D;
    const dy = wave(outShape(s, x.shape), 0.53, 1) as tf.Tensor4D;
    return Array.from(kernel(x, dy, s).dataSync());
  }),
);

console.log(describeBackend(await selectBackend({ backend: 'wasm' })));
console.log(`load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const totals: Record<string, Record<string, number>> = {};
const rows: Record<string, string | number>[] = [];
shapes.forEach((s, si) => {
  const row: Record<string, string | number> = {
    layer: `${s.model} ${s.layer}`,
    shape: `x ${s.x.join('×')} k${s.k.join('×')} →${s.co}`,
  };
  const x = wave(s.x, 0.37) as tf.Tensor4D;
  const dy = wave(outShape(s, s.x), 0.53, 1) as tf.Tensor4D;
  const [, oH, oW] = dy.shape;
  // The geometry's padding does not enter the rule; the seed networks' convs are all 'valid'.
  row.kernelPath = filterGradPath(s.x[3], s.co, { kH: s.k[0], kW: s.k[1], sH: s.stride[0], sW: s.stride[1], oH, oW, top: 0, bottom: 0, left: 0, right: 0 });
  const expectedFull = conv(x, dy, s);
  const only = value('only', '');
  for (const [name, f] of Object.entries(CANDIDATES)) {
    if (only ? name !== 'conv' && !only.split(',').includes(name) : name.startsWith('bands')) continue;
    // Small size vs stock cpu, full size vs the Conv2D formulation.
    const errSmall = tf.tidy(() => {
      const xs = wave(small(s), 0.37) as tf.Tensor4D;
      const got = f(xs, wave(outShape(s, xs.shape), 0.53, 1) as tf.Tensor4D, s);
      return relErr(got, tf.tensor(cpuRef[si]!, got.shape));
    });
    const before = tf.memory().numTensors;
    f(x, dy, s).dispose(); // warm-up
    const times: number[] = [];
    let errFull = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const out = f(x, dy, s);
      out.dataSync();
      times.push(performance.now() - t0);
      if (r === 0) errFull = relErr(out, expectedFull);
      out.dispose();
    }
    if (tf.memory().numTensors !== before) throw new Error(`${name} leaks tensors`);
    const err = Math.max(errSmall, errFull);
    if (!(err < 1e-4)) throw new Error(`${name} on ${row.layer}: relative error ${err}`);
    const ms = median(times);
    row[name] = Math.round(ms);
    (totals[s.model] ??= {})[name] = ((totals[s.model] ??= {})[name] ?? 0) + ms;
  }
  tf.dispose([x, dy, expectedFull]);
  rows.push(row);
  console.log(JSON.stringify(row));
});
console.table(rows);
for (const [model, t] of Object.entries(totals)) {
  const base = t.conv!;
  console.log(`model ${model} total (ms): ` + Object.entries(t).map(([n, ms]) => `${n} ${ms.toFixed(0)} (${(base / ms).toFixed(2)}×)`).join(', '));
}
