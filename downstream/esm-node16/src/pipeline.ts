// A consumer's own code: every public entry point, imported as an ESM app with node16 resolution.
import * as tf from '@tensorflow/tfjs-core';
import { CxrError, selectBackend } from '@cxr/core';
import { phantomDataset } from '@cxr/data';
import { writePhantomFolder, imageFolder } from '@cxr/data/node';
import { toChannels } from '@cxr/preprocess';
import { covidCnn, summarize } from '@cxr/models';
import { saveModel, loadModel } from '@cxr/models/node';
import { fit, predict } from '@cxr/train';
import { accuracyScore, confusionMatrix } from '@cxr/metrics';
import { confusionMatrixSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { gradCam } from '@cxr/explain';

export interface PipelineResult {
  backend: string;
  accuracy: number;
  matrix: number[][];
  parameters: number;
  reloadedOutputs: number;
  heatmapShape: number[];
}

/** Phantom folders on disk → train 1 epoch → predict → metrics, plot, save, reload, Grad-CAM. */
export async function tinyPipeline(dir: string): Promise<PipelineResult> {
  const backend = await selectBackend();
  const folders = await writePhantomFolder(dir, { train: 6, test: 4, imageSize: 32, channels: 1, seed: 0 });
  const train = await imageFolder(folders.train, { imageSize: 32, channels: 3 });
  const test = await imageFolder(folders.test, { imageSize: 32, channels: 3 });
  const model = covidCnn({ inputShape: [32, 32, 3], seed: 0 });
  await fit(model, train, { epochs: 1, batchSize: 4, learningRate: 0.001, seed: 0 });
  const { predictions, labels } = await predict(model, test);
  const matrix = confusionMatrix(labels, predictions, { numClasses: 2 });
  await writePlot(confusionMatrixSpec(matrix, { labels: [...train.classes] }), `${dir}/confusion.svg`);
  await saveModel(model, `${dir}/model`);
  const reloaded = await loadModel(`${dir}/model`);
  const heatmaps = tf.tidy(() => gradCam(model, toChannels(tf.zeros([1, 32, 32, 1]) as tf.Tensor4D, 3) as tf.Tensor4D));
  const result = {
    backend: backend.name,
    accuracy: accuracyScore(labels, predictions),
    matrix,
    parameters: summarize(model).totalParams,
    reloadedOutputs: reloaded.outputs[0]!.shape[1] as number,
    heatmapShape: heatmaps.shape,
  };
  tf.dispose(heatmaps);
  model.dispose();
  reloaded.dispose();
  return result;
}

/** Coded errors cross the package boundary as the same class. */
export function isMissingFolder(error: unknown): boolean {
  return error instanceof CxrError && error.code === 'E_NOT_FOUND';
}

export const phantomClasses = (): string[] => [...phantomDataset({ perClass: 1, imageSize: 32 }).classes];
