import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '@cxr/models/node';
import { UsageError } from './errors';
import type { ModelMeta } from './run-files';

/** Load a model saved by `cxr train` with the classes and input size it was trained with. */
export async function loadRunModel(dir: string): Promise<{ model: tfl.LayersModel; meta: ModelMeta }> {
  if (!existsSync(join(dir, 'model.json'))) {
    throw new UsageError(`${dir} holds no model.json: pass --model with the model folder \`cxr train\` wrote (<outDir>/model).`);
  }
  const model = await loadModel(dir);
  const meta = (model.getUserDefinedMetadata() as { cxr?: ModelMeta } | undefined)?.cxr;
  if (!meta) {
    model.dispose();
    throw new UsageError(`${dir}/model.json has no cxr metadata (classes, image size): use a model saved by \`cxr train\`.`);
  }
  return { model, meta };
}

/** One probability row per image: `[1 - p, p]` for a one-logit model, the softmax row otherwise. */
export function probabilityRows(meta: ModelMeta, scores: readonly number[], probabilities: readonly number[][] | undefined): number[][] {
  if (meta.output === 'logit') return scores.map((p) => [1 - p, p]);
  return probabilities ? probabilities.map((row) => [...row]) : [];
}
