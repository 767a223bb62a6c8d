// docs/keras-h5.md — Keras .h5 weights into a cxr backbone, in Node (path) and in a browser (bytes).
import { loadKerasH5Weights as loadFromBytes, mobileNet, type LoadWeightsReport } from '@cxr/models';
import { loadKerasH5Weights } from '@cxr/models/node';

export async function fromDisk(path: string): Promise<LoadWeightsReport> {
  const model = mobileNet({ alpha: 0.25, inputShape: [224, 224, 3] });
  return loadKerasH5Weights(model, path);
}

export async function fromUrl(url: string): Promise<LoadWeightsReport> {
  const model = mobileNet({ alpha: 0.25, inputShape: [224, 224, 3] });
  const bytes = await (await fetch(url)).arrayBuffer();
  return loadFromBytes(model, bytes, { source: url, strict: false });
}
