import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CxrError } from '@cxr/core';
import { phantomDataset, type SampleDataset } from '@cxr/data';
import { imageFolder } from '@cxr/data/node';
import type { Seed002Options } from './options.js';

export const PHANTOM_CLASSES = ['COVID19', 'NORMAL', 'PNEUMONIA'];

/** `flow_from_directory(train|test, target_size=(S, S), class_mode='categorical')` with `rescale=1/255`, or the phantom set. */
export async function loadSeed002Data(options: Seed002Options): Promise<{ train: SampleDataset; test: SampleDataset; source: string }> {
  const { imageSize, seed } = options;
  if (!options.data) {
    const common = { classes: PHANTOM_CLASSES, imageSize, channels: 3 as const, seed };
    return {
      train: phantomDataset({ ...common, perClass: options.phantomTrain, split: 'train' }),
      test: phantomDataset({ ...common, perClass: options.phantomTest, split: 'test' }),
      source: `synthetic phantom (${options.phantomTrain} + ${options.phantomTest} per class, seed ${seed})`,
    };
  }
  const trainDir = join(options.data, 'train');
  const testDir = join(options.data, 'test');
  if (!existsSync(trainDir) || !existsSync(testDir)) {
    throw new CxrError('E_NOT_FOUND', `--data ${options.data} needs train/ and test/ class folders (flow_from_directory layout).`, { path: options.data });
  }
  const folder = { imageSize: [imageSize, imageSize] as [number, number], resize: 'stretch' as const, channels: 3 as const, onError: 'skip' as const };
  const train = await imageFolder(trainDir, folder);
  const test = await imageFolder(testDir, { ...folder, classes: [...train.classes] });
  return { train, test, source: `${trainDir} + ${testDir}` };
}
