import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CxrError } from '@cxr/core';
import { phantomDataset, type SampleDataset } from '@cxr/data';
import { imageFolder } from '@cxr/data/node';
import type { Seed000Options } from './options.js';

const HELD_OUT = ['val', 'valid', 'validation', 'test', 'Val', 'Valid', 'Test'];
const ARTICLE_CLASSES = ['COVID19', 'NORMAL'];

export interface Seed000Data {
  train: SampleDataset;
  test: SampleDataset;
  source: string;
}

const subfolders = (dir: string): string[] =>
  readdirSync(dir).filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory());

/**
 * The article's ImageFolder('data/Train') + ImageFolder('data/Val'), or the built-in phantom
 * set. Both are 3-channel, Resize(S) + CenterCrop(S), in [0, 1], like its transform.
 */
export async function loadSeed000Data(options: Seed000Options): Promise<Seed000Data> {
  const { imageSize, seed } = options;
  if (!options.data) {
    const common = { classes: ARTICLE_CLASSES, imageSize, channels: 3 as const, seed };
    return {
      train: phantomDataset({ ...common, perClass: options.phantomTrain, split: 'train' }),
      test: phantomDataset({ ...common, perClass: options.phantomTest, split: 'test' }),
      source: `synthetic phantom (${options.phantomTrain} + ${options.phantomTest} per class, seed ${seed})`,
    };
  }
  const root = options.data;
  if (!existsSync(root)) throw new CxrError('E_NOT_FOUND', `--data ${root} does not exist.`, { path: root });
  const trainDir = ['train', 'Train'].map((n) => join(root, n)).find((p) => existsSync(p));
  const testDir = HELD_OUT.map((n) => join(root, n)).find((p) => existsSync(p));
  if (!trainDir || !testDir) {
    throw new CxrError(
      'E_NOT_FOUND',
      `--data ${root} needs a train/ folder and a held-out val/, valid/ or test/ folder beside it (ImageFolder layout).`,
      { path: root },
    );
  }
  const available = subfolders(trainDir);
  const classes =
    options.classes ?? (ARTICLE_CLASSES.every((c) => available.includes(c)) ? ARTICLE_CLASSES : undefined);
  const folderOptions = { classes, imageSize, channels: 3 as const, onError: 'skip' as const, seed };
  const train = await imageFolder(trainDir, folderOptions);
  const test = await imageFolder(testDir, { ...folderOptions, classes: [...train.classes] });
  return { train, test, source: `${trainDir} + ${testDir}` };
}
