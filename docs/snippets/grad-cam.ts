// Grad-CAM heatmaps of any flat tfjs model; here the small pretrained phantom model from @cxr/testing.
// #region usage
import * as tf from '@tensorflow/tfjs-core';
import { gradCam } from '@cxr/explain';
import { writeGradCamOverlays } from '@cxr/explain/node';
import { phantomFixture, pretrainedPhantomModel } from '@cxr/testing';

export async function explainFour(outDir: string) {
  const model = pretrainedPhantomModel();
  for await (const batch of phantomFixture({ split: 'test' }).shuffle(0).batch(4)) {
    const heatmaps = gradCam(model, batch.images, { resize: true }); // [4, 32, 32] in [0, 1]
    const files = await writeGradCamOverlays(outDir, batch.images, heatmaps, { alpha: 0.4 });
    tf.dispose([batch.images, batch.labels, heatmaps]);
    model.dispose();
    return files;
  }
  return [];
}
// #endregion usage
