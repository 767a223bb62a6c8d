/**
 * Node-only model I/O: save to and load from a directory in the tfjs layers-model format
 * (`model.json` + `weights.bin`, the same files `tf.loadLayersModel('http://…/model.json')`
 * reads in a browser). tfjs-node's `file://` handler is not needed.
 */
export { saveModel, loadModel } from './io/node-files.js';
export type { SaveModelOptions, SavedModelInfo } from './io/node-files.js';
/** Name-matched weight loading from a layers-model on disk (or a URL / IOHandler). */
export { loadWeights } from './io/node-weights.js';
export { readModelArtifacts } from './io/node-files.js';
/** Keras 2 `.h5` weights (full model or save_weights) from a path, read with h5wasm: no Python converter. */
export { loadKerasH5Weights } from './io/h5-node.js';
export type { LoadKerasH5Options } from './h5/load-keras-h5.js';
