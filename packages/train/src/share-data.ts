import * as tf from '@tensorflow/tfjs-core';

/**
 * A second tensor over the same buffer as `t`, without copying it: `tf.clone` copies on the wasm
 * backend, and a per-step copy of a large model's weights would double its memory. This is what
 * the backends' own Identity/Reshape kernels do (backend ref count + engine tracking). tfjs
 * tensors are immutable and `Variable.assign` swaps buffers rather than writing into them, so
 * the handle keeps the value it had, whatever happens to `t` afterwards. Dispose it when done.
 */
export function shareData(t: tf.Tensor): tf.Tensor {
  const engine = tf.engine();
  const backend = engine.state.tensorInfo.get(t.dataId)?.backend ?? tf.backend();
  backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: [...t.shape], dtype: t.dtype }, backend);
}
