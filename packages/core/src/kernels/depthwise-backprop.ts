import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernelScope } from './kernel-scope.js';

/*
 * Depthwise-convolution gradients from elementwise kernels, for backends that lack them
 * (tfjs-backend-wasm has neither, so MobileNets could not train on it). With
 *   y[n,i,j,c·M+m] = Σ_{a,b} xPad[n, i·sH + a·dH, j·sW + b·dW, c] · w[a,b,c,m]
 * each of the kH·kW filter taps contributes one strided slice of the padded input (filter
 * gradient) or one strided placement of dy·w (input gradient). Kernels are 3×3 or 5×5 in
 * practice, so that is 9–25 cheap elementwise passes.
 */

function geometry(xShape: [number, number, number, number], filterShape: [number, number, number, number], attrs: DepthwiseConv2dNativeBackpropInputAttrs | DepthwiseConv2dNativeBackpropFilterAttrs) {
  const info = backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW, outHeight: oH, outWidth: oW } = info;
  const [kH, kW, , M] = filterShape;
  const [N, H, W, C] = xShape;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Rows/cols of the padded input the convolution reads, and the canvas that holds both.
  const spanH = (oH - 1) * sH + 1;
  const spanW = (oW - 1) * sW + 1;
  const padH = Math.max(spanH + (kH - 1) * dH, top + H);
  const padW = Math.max(spanW + (kW - 1) * dW, left + W);
  return { N, H, W, C, M, kH, kW, sH, sW, dH, dW, oH, oW, top, left, spanH, spanW, padH, padW };
}

export function depthwiseBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const g = geometry(x.shape as [number, number, number, number], a.filterShape, a);
    const k = kernelScope(backendName, backend as KernelBackend);
    try {
      const xPad = k.run('PadV2', { x }, { paddings: [[0, 0], [g.top, g.padH - g.top - g.H], [g.left, g.padW - g.left - g.W], [0, 0]], constantValue: 0 });
      const dyR = k.run('Reshape', { x: dy }, { shape: [g.N, g.oH, g.oW, g.C, g.M] });
      const taps: TensorInfo[] = [];
      for (let i = 0; i < g.kH; i++) {
        for (let j = 0; j < g.kW; j++) {
          const slice = k.run('StridedSlice', { x: xPad }, {
            begin: [0, i * g.dH, j * g.dW, 0],
            end: [g.N, i * g.dH + g.spanH, j * g.dW + g.spanW, g.C],
            strides: [1, g.sH, g.sW, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          });
          const column = k.run('Reshape', { x: slice }, { shape: [g.N, g.oH, g.oW, g.C, 1] });
          const product = k.run('Multiply', { a: column, b: dyR });
          taps.push(k.run('Sum', { x: product }, { axis: [0, 1, 2], keepDims: false }));
        }
      }
      // Pack takes its inputs as an array, unlike other kernels.
      const stacked = k.run('Pack', taps as never, { axis: 0 });
      return k.keep(k.run('Reshape', { x: stacked }, { shape: [g.kH, g.kW, g.C, g.M] }));
    } finally {
      k.dispose();
    }
  };
  return { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName, kernelFunc };
}

export function depthwiseBackpropInputConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const g = geometry(a.inputShape, filter.shape as [number, number, number, number], a);
    const k = kernelScope(backendName, backend as KernelBackend);
    try {
      const dyR = k.run('Reshape', { x: dy }, { shape: [g.N, g.oH, g.oW, g.C, g.M] });
      let sum: TensorInfo | null = null;
      for (let i = 0; i < g.kH; i++) {
        for (let j = 0; j < g.kW; j++) {
          const tap = k.run('Slice', { x: filter }, { begin: [i, j, 0, 0], size: [1, 1, g.C, g.M] });
          const weights = k.run('Reshape', { x: tap }, { shape: [g.C, g.M] });
          const weighted = k.run('Sum', { x: k.run('Multiply', { a: dyR, b: weights }) }, { axis: [4], keepDims: false });
          let spread = weighted;
          if (g.sH > 1 || g.sW > 1) {
            // Put each value every s-th pixel: [n, oH, 1, oW, 1, c] padded with s−1 zeros after.
            const cells = k.run('Reshape', { x: weighted }, { shape: [g.N, g.oH, 1, g.oW, 1, g.C] });
            const padded = k.run('PadV2', { x: cells }, { paddings: [[0, 0], [0, 0], [0, g.sH - 1], [0, 0], [0, g.sW - 1], [0, 0]], constantValue: 0 });
            const flat = k.run('Reshape', { x: padded }, { shape: [g.N, g.oH * g.sH, g.oW * g.sW, g.C] });
            spread = k.run('Slice', { x: flat }, { begin: [0, 0, 0, 0], size: [g.N, g.spanH, g.spanW, g.C] });
          }
          const placed = k.run('PadV2', { x: spread }, {
            paddings: [[0, 0], [i * g.dH, g.padH - i * g.dH - g.spanH], [j * g.dW, g.padW - j * g.dW - g.spanW], [0, 0]],
            constantValue: 0,
          });
          sum = sum ? k.run('Add', { a: sum, b: placed }) : placed;
        }
      }
      return k.keep(k.run('Slice', { x: sum as TensorInfo }, { begin: [0, g.top, g.left, 0], size: [g.N, g.H, g.W, g.C] }));
    } finally {
      k.dispose();
    }
  };
  return { kernelName: DepthwiseConv2dNativeBackpropInput, backendName, kernelFunc };
}
