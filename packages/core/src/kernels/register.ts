import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { shareDataConfigs } from './share-data.js';

const done = new Set<string>();

/** Put `config` in place of whatever the backend has; keep the stock setupFunc (it binds wasm functions). */
function replaceKernel(config: KernelConfig): KernelConfig | undefined {
  const stock = getKernel(config.kernelName, config.backendName);
  if (stock) unregisterKernel(config.kernelName, config.backendName);
  registerKernel({ ...config, setupFunc: config.setupFunc ?? stock?.setupFunc });
  return stock;
}

/**
 * Kernels cxr adds to tfjs-backend-wasm so it can train CNNs fast: a filter gradient (missing
 * from the stock backend), a stride-1 input gradient on XNNPACK (the stock one is slow; it
 * stays as the fallback for strided convolutions), both depthwise gradients, a whole-tensor
 * MaxPoolGrad for non-overlapping windows, and Identity/Cast that share data instead of copying.
 * Idempotent.
 */
export function registerWasmKernels(): void {
  if (done.has('wasm')) return;
  done.add('wasm');
  replaceKernel(conv2dBackpropFilterConfig('wasm'));
  const stockInput = getKernel('Conv2DBackpropInput', 'wasm');
  replaceKernel(conv2dBackpropInputConfig('wasm', stockInput?.kernelFunc));
  // Stock wasm MaxPoolGrad loops per window on one thread (a quarter of a LungClassifier step).
  replaceKernel(maxPoolGradConfig('wasm', getKernel('MaxPoolGrad', 'wasm')?.kernelFunc));
  for (const config of shareDataConfigs('wasm', getKernel('Cast', 'wasm')?.kernelFunc)) replaceKernel(config);
  // Missing from tfjs-backend-wasm 4.22: without them no MobileNet can train there.
  for (const config of [depthwiseBackpropFilterConfig('wasm'), depthwiseBackpropInputConfig('wasm')]) {
    if (!getKernel(config.kernelName, 'wasm')) registerKernel(config);
  }
}

/**
 * tfjs-backend-cpu's Conv2DBackpropFilter is a naive 7-deep loop through TensorBuffer.get,
 * ~13× slower than the rest of a CNN training step; the Conv2D-based one replaces it. Idempotent.
 */
export function registerCpuKernels(): void {
  if (done.has('cpu')) return;
  done.add('cpu');
  replaceKernel(conv2dBackpropFilterConfig('cpu'));
}
