import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { browserImageFolder, type FolderInput } from '@cxr/data/browser';
import { fit, type History } from '@cxr/train';
import type { LoadedModel } from './model.js';
import type { InputScaling } from './predict.js';

export interface FineTuneOptions {
  epochs: number;
  learningRate: number;
  scaling: InputScaling;
  classes: readonly string[];
  signal: AbortSignal;
  onStep: (loss: number, epoch: number, step: number, total: number | undefined) => void;
}

/**
 * Train the loaded model on a picked folder (one sub-folder per class), in the page. The folder's
 * classes must be the model's (same names, same sorted order); images are cover-resized to the
 * model input. Steps yield to the browser between batches, so the tab stays responsive.
 */
export async function fineTune(loaded: LoadedModel, files: FolderInput, options: FineTuneOptions): Promise<{ history: History; skipped: number; size: number }> {
  const [h, w, c] = loaded.inputShape;
  const data = await browserImageFolder(files, { imageSize: [h, w], channels: c, onError: 'skip' });
  const expected = [...options.classes];
  if (data.classes.length !== expected.length || data.classes.some((name, i) => name !== expected[i])) {
    throw new CxrError(
      'E_UNKNOWN_CLASS',
      `The folder's classes (${data.classes.join(', ')}) are not the model's (${expected.join(', ')}). Pick a folder with exactly these class sub-folders, or set the class names above.`,
    );
  }
  if (loaded.units === 1 && loaded.outputIsProbability) {
    throw new CxrError('E_BAD_ARGUMENT', 'This single-unit model ends in a sigmoid; fine-tuning here trains single-unit models on logits (bceWithLogits) only.');
  }
  const scaled = options.scaling === 'symmetric' ? data.map((image) => tf.tidy(() => tf.sub(tf.mul(image, 2), 1) as tf.Tensor3D)) : data;
  const history = await fit(loaded.model, scaled, {
    epochs: options.epochs,
    batchSize: 8,
    learningRate: options.learningRate,
    seed: 0,
    ...(loaded.units === 1 ? { loss: 'bceWithLogits' as const } : { loss: 'categoricalCrossentropy' as const, fromLogits: !loaded.outputIsProbability, metrics: ['accuracy' as const] }),
    signal: options.signal,
    onProgress: (event) => {
      if (event.phase === 'train' && event.values?.['loss'] !== undefined) {
        options.onStep(event.values['loss'], event.values['epoch'] ?? 0, event.current, event.total);
      }
    },
    callbacks: [{ onBatchEnd: () => tf.nextFrame() }],
  });
  return { history, skipped: data.report().skipped.length, size: data.size };
}
