import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { runKernel } from './run-kernel.js';

/**
 * Conv2DBackpropInput (the input gradient) for stride 1 as one forward Conv2D of the padded
 * output gradient with the flipped, transposed filter, so wasm runs it on XNNPACK. Stock wasm's
 * own kernel took ~70% of a CNN training step. Strided or dilated cases go to `fallback`.
 *
 *   dx[n,i,j,ci] = Σ_{kh,kw,co} dy[n, i + top - kh, j + left - kw, co] · W[kh,kw,ci,co]
 *                = conv2d(pad(dy, kH-1-top, kW-1-left, …), flip(W)ᵀ)[n,i,j,ci]
 */
export function conv2dBackpropInputConfig(backendName: string, fallback?: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend: anyBackend, attrs } = args;
    const backend = anyBackend as KernelBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const filterShape = filter.shape as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const [kH, kW] = filterShape;
    const [, inH, inW] = inputShape;
    const padTop = kH - 1 - info.padInfo.top;
    const padLeft = kW - 1 - info.padInfo.left;
    const padBottom = inH - info.outHeight + kH - 1 - padTop;
    const padRight = inW - info.outWidth + kW - 1 - padLeft;
    const simple =
      dataFormat !== 'NCHW' && info.strideHeight === 1 && info.strideWidth === 1 && Math.min(padTop, padLeft, padBottom, padRight) >= 0;
    if (!simple) {
      if (!fallback) throw new Error('cxr: Conv2DBackpropInput for strided convolutions needs the backend kernel');
      return fallback(args);
    }
    const temps: TensorInfo[] = [];
    try {
      const flipped = runKernel(backendName, 'Reverse', backend, { x: filter }, { dims: [0, 1] });
      temps.push(flipped);
      const kernel = runKernel(backendName, 'Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
      temps.push(kernel);
      return runKernel(backendName, 'Conv2D', backend, { x: dy, filter: kernel }, {
        strides: [1, 1],
        pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      } as never);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { kernelName: Conv2DBackpropInput, backendName, kernelFunc };
}
