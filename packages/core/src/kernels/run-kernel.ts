import {
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Call another registered kernel of `backendName` from inside a kernel. No engine bookkeeping
 * happens here, so the caller must `backend.disposeData` every intermediate it does not return.
 */
export function runKernel(
  backendName: string,
  name: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, backendName);
  if (!kernel) throw new Error(`cxr: kernel ${name} is not registered for backend ${backendName}`);
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? (out[0] as TensorInfo) : out;
}
