import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelScope } from './kernel-scope.js';

/** The two BackendWasm methods used here (tfjs-backend-wasm 4.22, pinned). */
interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

export interface FilterGradGeometry {
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  oH: number;
  oW: number;
  /** Zero rows/cols around each image, as the forward convolution saw it. */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Conv2DBackpropFilter on wasm as one GEMM per image:
 *
 *   dW[kh·kw·ci, co] += colsᵀ[kh·kw·ci, oH·oW] · dy_n[oH·oW, co]
 *
 * colsᵀ is built in JS straight in the wasm heap, row runs copied from the image transposed to
 * [ci, H, W] by wasm's Transpose. Why this shape of the work:
 * - tfjs-backend-wasm's BatchMatMul reaches XNNPACK only for plain, untransposed [M,K]·[K,N]
 *   with batch 1 (everything else is a scalar loop), so colsᵀ · dy in that layout;
 * - XNNPACK's fully-connected op does not block its reduction: one image's oH·oW keeps it
 *   cache-friendly where the whole batch's n·oH·oW (what the Conv2D formulation reduces over)
 *   does not, and bounds the im2col buffer to one image;
 * - wasm's Slice copies its whole input to JS first (readSync), so images are cut from the heap
 *   here instead of with Slice.
 */
export function conv2dBackpropFilterGemm(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
  const wasm = backend as WasmHeapBackend;
  const [n, inH, inW, ci] = x.shape as [number, number, number, number];
  const co = dy.shape[3] as number;
  const { kH, kW, sH, sW, oH, oW } = g;
  const P = oH * oW;
  const kRows = kH * kW * ci;
  const outer = kernelScope('wasm', backend);
  const padded = g.top || g.bottom || g.left || g.right;
  const H = inH + g.top + g.bottom;
  const W = inW + g.left + g.right;
  let sum: TensorInfo | null = null;
  try {
    for (let i = 0; i < n; i++) {
      // One image's buffers at a time: freed before the next image starts.
      const k = kernelScope('wasm', backend);
      let part: TensorInfo;
      try {
        /** Image i of t, cut from the heap; owned by the scope (Reshape shares data, counting a reference). */
        const imageOf = (t: TensorInfo, shape: number[]): TensorInfo => {
          const len = (t.shape as number[]).slice(1).reduce((p, q) => p * q, 1);
          const out = wasm.makeOutput([len], 'float32');
          wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(t).subarray(i * len, (i + 1) * len));
          try {
            return k.run('Reshape', { x: out }, { shape });
          } finally {
            backend.disposeData(out.dataId);
          }
        };
        const img = imageOf(x, [1, inH, inW, ci]);
        const src = padded
          ? k.run('PadV2', { x: img }, { paddings: [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, 0]], constantValue: 0 })
          : img;
        const xT = k.run('Transpose', { x: src }, { perm: [3, 1, 2, 0] }); // [ci, H, W, 1]
        const cols = wasm.makeOutput([1, kRows, P], 'float32');
        try {
          const from = wasm.typedArrayFromHeap(xT);
          const to = wasm.typedArrayFromHeap(cols);
          let row = 0;
          for (let kh = 0; kh < kH; kh++) {
            for (let kw = 0; kw < kW; kw++) {
              for (let c = 0; c < ci; c++, row++) {
                let o = row * P;
                for (let oh = 0; oh < oH; oh++, o += oW) {
                  const start = c * H * W + (oh * sH + kh) * W + kw;
                  if (sW === 1) to.set(from.subarray(start, start + oW), o);
                  else for (let ow = 0; ow < oW; ow++) to[o + ow] = from[start + ow * sW]!;
                }
              }
            }
          }
          const b = imageOf(dy, [1, P, co]);
          part = k.keep(k.run('BatchMatMul', { a: cols, b }, { transposeA: false, transposeB: false }));
        } finally {
          backend.disposeData(cols.dataId);
        }
      } finally {
        k.dispose();
      }
      if (sum) {
        const next = outer.run('Add', { a: sum, b: part });
        backend.disposeData(part.dataId);
        sum = next;
      } else {
        sum = part;
        outer.run('Reshape', { x: part }, { shape: part.shape }); // the scope's reference
        backend.disposeData(part.dataId);
      }
    }
    return outer.keep(outer.run('Reshape', { x: sum! }, { shape: [kH, kW, ci, co] }));
  } finally {
    outer.dispose();
  }
}
