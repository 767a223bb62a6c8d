import { Cast, Identity, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

/**
 * Identity, and Cast to the dtype a tensor already has, share the input's data (one more
 * reference) instead of copying it — what tfjs-backend-cpu does and wasm's own Reshape does.
 * Safe because no wasm kernel writes into its inputs. tfjs' gradients clone saved activations,
 * so stock wasm spent ~13% of a small-CNN training step copying memory here.
 */
export function shareDataConfigs(backendName: string, stockCast?: KernelFunc): KernelConfig[] {
  const share = (backend: unknown, x: TensorInfo): TensorInfo => {
    (backend as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return [
    {
      kernelName: Identity,
      backendName,
      kernelFunc: ({ inputs, backend }) => share(backend, inputs['x'] as TensorInfo),
    },
    {
      kernelName: Cast,
      backendName,
      kernelFunc: (args) => {
        const x = args.inputs['x'] as TensorInfo;
        if (x.dtype === (args.attrs as unknown as CastAttrs).dtype && x.dtype !== 'string') return share(args.backend, x);
        if (!stockCast) throw new Error(`cxr: no ${backendName} Cast kernel to fall back to`);
        return stockCast(args);
      },
    },
  ];
}
