import { mkdir, writeFile } from 'node:fs/promises';
import { selectBackend, type BackendName } from '@cxr/core';
import { leakageReport } from '@cxr/data/node';
import { summary } from '@cxr/models';
import { saveModel } from '@cxr/models/node';
import { randomAugment } from '@cxr/preprocess';
import { fit } from '@cxr/train';
import type { ResolvedConfig } from '../config/load';
import type { CommandContext } from '../context';
import { loadRunData } from '../data';
import { buildModel } from '../model';
import { runFiles } from '../run-files';

const ARTICLE_AUGMENT = { rotationRange: 15, zoomRange: 0.2, widthShiftRange: 0.05, heightShiftRange: 0.05 };

export interface TrainResult {
  outDir: string;
  backend: string;
  classes: string[];
  sizes: { train: number; validation: number; test: number };
  epochs: number;
  final: Record<string, number>;
  imagesPerSecond: number;
  parameters: number;
  leakage: string;
  files: { model: string; history: string; train: string; leakage: string };
}

/** `cxr train`: build the data and model a config describes, fit, save the model, history and a leakage check. */
export async function trainCommand(resolved: ResolvedConfig, ctx: CommandContext): Promise<TrainResult> {
  const { config, outDir } = resolved;
  const files = runFiles(outDir);
  await mkdir(outDir, { recursive: true });
  const backend = await selectBackend({ backend: config.backend as BackendName | 'auto' });
  ctx.log(`backend: ${backend.name} (${backend.reason})`);
  const data = await loadRunData(resolved);
  ctx.log(`data: ${data.description}; classes ${data.classes.join(', ')}; ${data.train.size} train, ${data.validation.size} validation, ${data.test.size} test images`);
  for (const warning of data.warnings) ctx.log(`warning: ${warning}`);

  const { model, meta } = buildModel(config, data.classes);
  ctx.log(summary(model));
  const augment = config.augment === false ? undefined : randomAugment(config.augment === true ? ARTICLE_AUGMENT : config.augment);
  const train = data.train.cache();
  const validation = data.validation.cache();
  const logit = meta.output === 'logit';
  const history = await fit(model, train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    optimizer: 'adam',
    learningRate: config.learningRate,
    loss: logit ? 'bceWithLogits' : 'categoricalCrossentropy',
    metrics: logit ? ['accuracy'] : ['categoricalAccuracy'],
    ...(augment ? { augment } : {}),
    ...(validation.size > 0 ? { validationData: validation } : {}),
    seed: config.seed,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    onEpochEnd: (epoch, logs) => {
      ctx.log(`epoch ${epoch + 1}/${config.epochs}: ${Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
    },
  });

  // Same-image leaks between train (validation included) and test make every test metric optimistic.
  // Phantom images have no files to hash (train and test are independent draws by construction).
  const leakage = await leakageReport(data.trainAndValidation, data.test, { images: config.data.source === 'folder' });
  ctx.log(`leakage: ${leakage.summary}`);

  await saveModel(model, files.model, { metadata: { cxr: meta } });
  const parameters = model.countParams();
  model.dispose();
  const final = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[v.length - 1] ?? Number.NaN]));
  const info = {
    backend: backend.name,
    backendReason: backend.reason,
    data: data.description,
    classes: data.classes,
    sizes: { train: data.train.size, validation: data.validation.size, test: data.test.size },
    model: meta.modelType,
    parameters,
    imagesPerSecond: history.imagesPerSecond,
    secondsPerEpoch: history.seconds,
    warnings: data.warnings,
  };
  await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(files.history, `${JSON.stringify(history, null, 2)}\n`);
  await writeFile(files.train, `${JSON.stringify(info, null, 2)}\n`);
  await writeFile(files.leakage, `${JSON.stringify(leakage, null, 2)}\n`);
  ctx.log(`trained ${config.epochs} epochs at ${history.imagesPerSecond.toFixed(1)} img/s; wrote ${files.model}, ${files.history}`);
  return {
    outDir,
    backend: backend.name,
    classes: data.classes,
    sizes: info.sizes,
    epochs: config.epochs,
    final,
    imagesPerSecond: history.imagesPerSecond,
    parameters,
    leakage: leakage.summary,
    files: { model: files.model, history: files.history, train: files.train, leakage: files.leakage },
  };
}
