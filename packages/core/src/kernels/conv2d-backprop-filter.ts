import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterGemm, type FilterGradGeometry } from './conv2d-backprop-filter-gemm.js';
import { runKernel } from './run-kernel.js';

/**
 * Per-image multiply-adds (kH·kW·ci·co·oH·oW) from which wasm takes the per-image GEMM
 * (conv2d-backprop-filter-gemm.ts) rather than the Conv2D formulation. Measured with
 * bench/backprop-filter.ts, 2 threads: GEMM 2.2× faster over model A's layers (≥ 42 M per image)
 * and on B's first layer (26 M: 259 vs 302 ms), slower on B's second (4 M: 47 vs 30 ms), where
 * the per-image overhead (transpose, heap copies, XNNPACK operator set-up) outweighs the GEMM.
 */
export const GEMM_MIN_MACS_PER_IMAGE = 2 ** 24;
/** Largest im2col buffer (floats) for one image; beyond it the Conv2D formulation runs instead. */
export const GEMM_MAX_COLS = 2 ** 26;

/** Which formulation wasm runs for this geometry (exported for tests and the bench). */
export function filterGradPath(ci: number, co: number, g: FilterGradGeometry): 'gemm' | 'conv' {
  const cols = g.kH * g.kW * ci * g.oH * g.oW;
  return cols * co >= GEMM_MIN_MACS_PER_IMAGE && cols <= GEMM_MAX_COLS ? 'gemm' : 'conv';
}

/**
 * Conv2DBackpropFilter for a backend with a fast Conv2D/matMul (wasm's XNNPACK); tfjs-backend-wasm
 * has none at all (tfjs issue #8474), which makes stock wasm unable to train a CNN.
 *
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPad[n, oh·sH + kh, ow·sW + kw, ci] · dy[n,oh,ow,co]
 *
 * Two formulations: one GEMM per image on im2col (wasm, large enough layers, see
 * filterGradPath), or one forward Conv2D with batch = ci, channels = n, filter = dy (oh × ow),
 * dilation = stride (cpu, and small layers on wasm). `force` pins one (tests, bench).
 */
export function conv2dBackpropFilterConfig(backendName: string, force?: 'gemm' | 'conv'): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as KernelBackend;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') throw new Error('cxr: Conv2DBackpropFilter supports NHWC only');
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW, outHeight: oH, outWidth: oW } = info;
    const [, inH, inW, ci] = x.shape as [number, number, number, number];
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Rows/cols the gradient needs: kH + (oH - 1)·sH. Pad the bottom/right up to that, and
    // crop the result if the input is already longer.
    const needH = kH + (oH - 1) * sH;
    const needW = kW + (oW - 1) * sW;
    const bottom = Math.max(0, needH - inH - top);
    const right = Math.max(0, needW - inW - left);
    const geometry: FilterGradGeometry = { kH, kW, sH, sW, oH, oW, top, bottom, left, right };
    const path = force ?? (backendName === 'wasm' && x.dtype === 'float32' ? filterGradPath(ci, info.outChannels, geometry) : 'conv');
    if (path === 'gemm') return conv2dBackpropFilterGemm(backend, x, dy, geometry);

    const temps: TensorInfo[] = [];
    const keep = <T extends TensorInfo>(t: T): T => (temps.push(t), t);
    try {
      const xT = keep(runKernel(backendName, 'Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
      const dyT = keep(runKernel(backendName, 'Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
      const conv = keep(
        runKernel(backendName, 'Conv2D', backend, { x: xT, filter: dyT }, {
          strides: [1, 1],
          pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [sH, sW],
          dimRoundingMode: undefined,
        } as never),
      );
      let grad = conv;
      const [, gH, gW] = conv.shape as [number, number, number, number];
      if (gH !== kH || gW !== kW) {
        grad = keep(
          runKernel(backendName, 'Slice', backend, { x: conv }, {
            begin: [0, 0, 0, 0],
            size: [conv.shape[0] as number, kH, kW, conv.shape[3] as number],
          }),
        );
      }
      // [ci, kh, kw, co] → [kh, kw, ci, co]
      return runKernel(backendName, 'Transpose', backend, { x: grad }, { perm: [1, 2, 0, 3] });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc };
}
