import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CxrError } from '@cxr/core';
import { phantomDataset, validationSplit, type SampleDataset } from '@cxr/data';
import { imageFolder } from '@cxr/data/node';
import type { Seed004Options } from './options.js';

export const ARTICLE_CLASSES = ['COVID19', 'NORMAL', 'PNEUMONIA'];

export interface Seed004Data {
  train: SampleDataset;
  validation: SampleDataset;
  test: SampleDataset;
  source: string;
  warnings: string[];
}

/**
 * The article's `flow_from_directory('data/train', target_size=(S, S), color_mode='grayscale',
 * subset='training' | 'validation')` with `validation_split`, and the same for 'data/test';
 * or the built-in phantom set with the same three classes.
 */
export async function loadSeed004Data(options: Seed004Options): Promise<Seed004Data> {
  const { imageSize, seed } = options;
  let train: SampleDataset;
  let test: SampleDataset;
  let source: string;
  if (!options.data) {
    const common = { classes: ARTICLE_CLASSES, imageSize, channels: 1 as const, seed };
    train = phantomDataset({ ...common, perClass: options.phantomTrain, split: 'train' });
    test = phantomDataset({ ...common, perClass: options.phantomTest, split: 'test' });
    source = `synthetic phantom (${options.phantomTrain} + ${options.phantomTest} per class, seed ${seed})`;
  } else {
    const root = options.data;
    if (!existsSync(root)) throw new CxrError('E_NOT_FOUND', `--data ${root} does not exist.`, { path: root });
    const trainDir = join(root, 'train');
    const testDir = join(root, 'test');
    if (!existsSync(trainDir) || !existsSync(testDir)) {
      throw new CxrError('E_NOT_FOUND', `--data ${root} needs train/ and test/ class folders (flow_from_directory layout).`, { path: root });
    }
    const folder = { imageSize: [imageSize, imageSize] as [number, number], resize: 'stretch' as const, channels: 1 as const, onError: 'skip' as const };
    train = await imageFolder(trainDir, folder);
    test = await imageFolder(testDir, { ...folder, classes: [...train.classes] });
    source = `${trainDir} + ${testDir}`;
  }
  const split = validationSplit(train, options.validationSplit, { mode: 'keras' });
  return { train: split.train, validation: split.validation, test, source, warnings: split.warnings };
}
