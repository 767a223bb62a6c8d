/**
 * Node-only model I/O: save to and load from a directory in the tfjs layers-model format
 * (`model.json` + `weights.bin`, the same files `tf.loadLayersModel('http://…/model.json')`
 * reads in a browser). tfjs-node's `file://` handler is not needed.
 */
export { saveModel, loadModel } from './io/node-files.js';
export type { SaveModelOptions, SavedModelInfo } from './io/node-files.js';
