import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { runKernel } from './run-kernel.js';

/**
 * Runs a chain of a backend's own kernels inside a kernel and frees every intermediate at the
 * end, except the one returned: `const k = kernelScope('wasm', backend); try { … return k.keep(t) } finally { k.dispose() }`.
 */
export function kernelScope(backendName: string, backend: KernelBackend) {
  const temps: TensorInfo[] = [];
  let kept: TensorInfo | null = null;
  return {
    run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
      const out = runKernel(backendName, name, backend, inputs, attrs);
      temps.push(out);
      return out;
    },
    keep(t: TensorInfo): TensorInfo {
      kept = t;
      return t;
    },
    dispose(): void {
      for (const t of temps) if (t !== kept) backend.disposeData(t.dataId);
    },
  };
}
