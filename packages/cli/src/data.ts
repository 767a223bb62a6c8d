import { phantomDataset, validationSplit, type SampleDataset } from '@cxr/data';
import { imageFolder } from '@cxr/data/node';
import type { ResolvedConfig } from './config/load';

export interface RunData {
  classes: string[];
  /** Train before the validation split (what the leakage check compares with test). */
  trainAndValidation: SampleDataset;
  train: SampleDataset;
  validation: SampleDataset;
  test: SampleDataset;
  /** e.g. "synthetic phantom (40 + 12 per class, seed 0)". */
  description: string;
  warnings: string[];
}

/** The train / validation / test sets a config describes (validation split off train, Keras-style). */
export async function loadRunData(resolved: ResolvedConfig): Promise<RunData> {
  const { config } = resolved;
  const { imageSize, seed } = config;
  const data = config.data;
  let train: SampleDataset;
  let test: SampleDataset;
  let description: string;
  if (data.source === 'phantom') {
    const common = { classes: data.classes, imageSize, channels: data.channels, seed, ...(data.findings ? { findings: data.findings } : {}) };
    train = phantomDataset({ ...common, perClass: data.trainPerClass, split: 'train' });
    test = phantomDataset({ ...common, perClass: data.testPerClass, split: 'test' });
    description = `synthetic phantom (${data.trainPerClass} + ${data.testPerClass} per class, seed ${seed})`;
  } else {
    const root = resolved.dataPath!;
    const folder = { imageSize: [imageSize, imageSize] as [number, number], resize: 'stretch' as const, channels: data.channels, onError: 'skip' as const };
    train = await imageFolder(`${root}/train`, folder);
    test = await imageFolder(`${root}/test`, { ...folder, classes: [...train.classes] });
    description = `image folder ${root} (train/ + test/)`;
  }
  const split = validationSplit(train, data.validationSplit, { mode: 'keras' });
  return { classes: [...train.classes], trainAndValidation: train, train: split.train, validation: split.validation, test, description, warnings: split.warnings };
}
