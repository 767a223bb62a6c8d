import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';

/** Kernels cxr adds to tfjs-backend-wasm; only those the backend lacks are registered. */
export function registerWasmKernels(): void {
  for (const config of [conv2dBackpropFilterConfig('wasm')]) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}
