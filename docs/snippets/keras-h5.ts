// docs/keras-h5.md — Keras .h5 weights into a cxr backbone, in Node (path) and in a browser (bytes).
import { loadKerasH5Weights as loadFromBytes, mobileNet, type LoadWeightsReport } from '@cxr/models';
import { loadKerasH5Weights } from '@cxr/models/node';

export async function fromDisk(): Promise<LoadWeightsReport> {
  // #region usage
  const model = mobileNet({ alpha: 0.25, inputShape: [224, 224, 3] });
  const report = await loadKerasH5Weights(model, 'mobilenet_0.25_notop.h5'); // @cxr/models/node: a path
  console.log(report.loaded.length); // strict: missing / unexpected / mismatched are empty, else it threw
  // #endregion usage
  return report;
}

export async function fromUrl(url: string): Promise<LoadWeightsReport> {
  // #region browser
  const model = mobileNet({ alpha: 0.25, inputShape: [224, 224, 3] });
  const bytes = await (await fetch(url)).arrayBuffer();
  const report = await loadFromBytes(model, bytes, { source: url, strict: false }); // @cxr/models: bytes
  // #endregion browser
  return report;
}
