import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import type { CommandContext } from '../context';
import { checkImagePaths, loadImages } from '../images';
import { loadRunModel } from '../model-io';

export interface Prediction {
  file: string;
  predicted: string;
  probability: number;
  /** Probability per class name. */
  probabilities: Record<string, number>;
}

/** `cxr predict <images…>`: class probabilities of each image with a model saved by `cxr train`. */
export async function predictCommand(images: readonly string[], modelDir: string, ctx: CommandContext): Promise<{ predictions: Prediction[] }> {
  const paths = checkImagePaths(images, ctx.io.cwd);
  await selectBackend();
  const { model, meta } = await loadRunModel(modelDir);
  try {
    const batch = await loadImages(paths, meta);
    const probabilities = tf.tidy(() => {
      const out = model.predict(batch) as tf.Tensor2D;
      return meta.output === 'logit' ? tf.concat([tf.sub(1, tf.sigmoid(out)), tf.sigmoid(out)], 1) : out;
    });
    batch.dispose();
    const rows = (await probabilities.array()) as number[][];
    probabilities.dispose();
    const predictions = rows.map((row, i) => {
      const best = row.reduce((b, v, j) => (v > row[b]! ? j : b), 0);
      return {
        file: paths[i]!,
        predicted: meta.classes[best]!,
        probability: row[best]!,
        probabilities: Object.fromEntries(meta.classes.map((c, j) => [c, row[j]!])),
      };
    });
    for (const p of predictions) ctx.log(`${p.file}\t${p.predicted}\t${p.probability.toFixed(4)}`);
    return { predictions };
  } finally {
    model.dispose();
  }
}
