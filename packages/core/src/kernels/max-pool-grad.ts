import {
  backend_util,
  MaxPoolGrad,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernelScope } from './kernel-scope.js';

/**
 * MaxPoolGrad for non-overlapping windows (stride = window, no padding: every pooling layer of
 * the seed networks) from a few whole-tensor passes instead of stock wasm's per-window loop,
 * which took a quarter of a LungClassifier training step:
 *
 *   windows  = x[:, :oH·kH, :oW·kW, :] as [N·oH·oW·C, kH·kW]   (Slice, Reshape, Transpose)
 *   dx       = oneHot(argMax(windows)) · dy                      (ArgMax, OneHot, Multiply)
 *
 * then back to [N, H, W, C] with zeros where no window reached. ArgMax takes the first maximum
 * in (row, column) order, as tfjs and TensorFlow do, so ties (ReLU zeros) get the gradient
 * once. Other geometries go to `fallback`, the backend's own kernel.
 */
export function maxPoolGradConfig(backendName: string, fallback?: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const xShape = input.shape as [number, number, number, number];
    const info = backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad, dimRoundingMode);
    const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW, outHeight: oH, outWidth: oW } = info;
    const { top, left, bottom, right } = info.padInfo;
    const disjoint = kH === sH && kW === sW && top === 0 && left === 0 && bottom <= 0 && right <= 0 && oH * kH <= xShape[1] && oW * kW <= xShape[2];
    if (!disjoint) {
      if (!fallback) throw new Error('cxr: MaxPoolGrad with overlapping or padded windows needs the backend kernel');
      return fallback(args);
    }
    const [N, H, W, C] = xShape;
    const P = N * oH * oW * C;
    const k = kernelScope(backendName, backend as KernelBackend);
    try {
      let x = input;
      if (oH * kH !== H || oW * kW !== W) x = k.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [N, oH * kH, oW * kW, C] });
      const x6 = k.run('Reshape', { x }, { shape: [N, oH, kH, oW, kW, C] });
      const windows = k.run('Transpose', { x: x6 }, { perm: [0, 1, 3, 5, 2, 4] });
      const rows = k.run('Reshape', { x: windows }, { shape: [P, kH * kW] });
      const argMax = k.run('ArgMax', { x: rows }, { axis: 1 });
      // wasm's OneHot writes int32 whatever dtype it is given: make int32, then cast.
      const hotInt = k.run('OneHot', { indices: argMax }, { depth: kH * kW, onValue: 1, offValue: 0, dtype: 'int32' });
      const hot = k.run('Cast', { x: hotInt }, { dtype: 'float32' });
      const dyCol = k.run('Reshape', { x: dy }, { shape: [P, 1] });
      const grad = k.run('Multiply', { a: hot, b: dyCol });
      const g6 = k.run('Reshape', { x: grad }, { shape: [N, oH, oW, C, kH, kW] });
      const back = k.run('Transpose', { x: g6 }, { perm: [0, 1, 4, 2, 5, 3] });
      const dx = k.run('Reshape', { x: back }, { shape: [N, oH * kH, oW * kW, C] });
      if (oH * kH === H && oW * kW === W) return k.keep(dx);
      return k.keep(
        k.run('PadV2', { x: dx }, { paddings: [[0, 0], [0, H - oH * kH], [0, W - oW * kW], [0, 0]], constantValue: 0 }),
      );
    } finally {
      k.dispose();
    }
  };
  return { kernelName: MaxPoolGrad, backendName, kernelFunc };
}
