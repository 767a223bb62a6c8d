import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';

let registered = false;

/**
 * Kernels cxr adds to tfjs-backend-wasm so it can train CNNs fast: a filter gradient (missing
 * from the stock backend) and a stride-1 input gradient on XNNPACK (the stock one is slow; it
 * stays as the fallback for strided convolutions). Idempotent.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (!getKernel('Conv2DBackpropFilter', 'wasm')) registerKernel(conv2dBackpropFilterConfig('wasm'));
  const stockInput = getKernel('Conv2DBackpropInput', 'wasm');
  if (stockInput) unregisterKernel('Conv2DBackpropInput', 'wasm');
  // The stock kernel's setupFunc binds its wasm function when the backend starts; keep it.
  registerKernel({ ...conv2dBackpropInputConfig('wasm', stockInput?.kernelFunc), setupFunc: stockInput?.setupFunc });
}
