import * as tf from '@tensorflow/tfjs-core';
import { basename, extname, join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { gradCam } from '@cxr/explain';
import { writeGradCamOverlays } from '@cxr/explain/node';
import { UsageError } from '../errors';
import type { CommandContext } from '../context';
import { checkImagePaths, loadImages } from '../images';
import { loadRunModel } from '../model-io';

export interface Explanation {
  file: string;
  overlay: string;
  class: string;
  probability: number;
}

/**
 * `cxr explain <images…>`: a Grad-CAM overlay per image (PNG, captioned with the class and its
 * probability) for the predicted class, or for `className` when given.
 */
export async function explainCommand(
  images: readonly string[],
  modelDir: string,
  outDir: string,
  className: string | undefined,
  ctx: CommandContext,
): Promise<{ explanations: Explanation[] }> {
  const paths = checkImagePaths(images, ctx.io.cwd);
  await selectBackend();
  const { model, meta } = await loadRunModel(modelDir);
  try {
    const target = className === undefined ? undefined : meta.classes.indexOf(className);
    if (target === -1) throw new UsageError(`--class ${className} is not a class of this model; one of: ${meta.classes.join(', ')}.`);
    const batch = await loadImages(paths, meta);
    try {
      const rows = tf.tidy(() => {
        const out = model.predict(batch) as tf.Tensor2D;
        return meta.output === 'logit' ? tf.concat([tf.sub(1, tf.sigmoid(out)), tf.sigmoid(out)], 1) : out;
      });
      const probabilities = (await rows.array()) as number[][];
      rows.dispose();
      const classes = probabilities.map((row) => target ?? row.reduce((b, v, j) => (v > row[b]! ? j : b), 0));
      // A one-logit model has a single output to explain; it explains class 1 (its logit's sign says which way).
      const heatmaps = gradCam(model, batch, { resize: true, ...(meta.output === 'softmax' ? { classIndex: classes } : {}) });
      const overlays = paths.map((p, i) => join(outDir, `${basename(p, extname(p))}_gradcam_${String(i).padStart(3, '0')}.png`));
      const titles = classes.map((c, i) => `${meta.classes[c]} (${probabilities[i]![c]!.toFixed(2)})`);
      try {
        await writeGradCamOverlays(overlays, batch, heatmaps, { titles });
      } finally {
        heatmaps.dispose();
      }
      const explanations = paths.map((file, i) => ({ file, overlay: overlays[i]!, class: meta.classes[classes[i]!]!, probability: probabilities[i]![classes[i]!]! }));
      for (const e of explanations) ctx.log(`${e.file} → ${e.overlay} (${e.class} ${e.probability.toFixed(4)})`);
      return { explanations };
    } finally {
      batch.dispose();
    }
  } finally {
    model.dispose();
  }
}
