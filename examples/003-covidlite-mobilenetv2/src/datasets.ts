import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CxrError } from '@cxr/core';
import { phantomDataset, summarizeImageStats, trainTestSplit, type ImageStats, type SampleDataset } from '@cxr/data';
import { cachedDataset, describeImageFolder, imageFolder } from '@cxr/data/node';
import { clahe, resizeTo, toChannels, whiteBalance } from '@cxr/preprocess';
import type { Seed003Options } from './options.js';

export const PHANTOM_CLASSES = ['COVID19', 'NORMAL', 'PNEUMONIA'];

export interface Seed003Data {
  train: SampleDataset;
  test: SampleDataset;
  classes: string[];
  /** Image sizes per class before preprocessing (the article's Table 2). */
  stats: ImageStats;
  source: string;
  cache: { dir: string; hit: boolean } | null;
  warnings: string[];
}

/**
 * The article's loading loop as one tensor transform: white balance per channel (percentile
 * stretch) → BGR2GRAY → GRAY2RGB → cv2.resize(S, S) (aspect ratio ignored) [→ CLAHE] → /255.
 */
export function covidLitePreprocess(options: Pick<Seed003Options, 'imageSize' | 'whiteBalance' | 'clahe'>) {
  return (image: tf.Tensor3D): tf.Tensor3D => {
    const balanced = tf.tidy(() => {
      const wb = whiteBalance(tf.mul(image, 255) as tf.Tensor3D, { percentile: options.whiteBalance });
      const gray = toChannels(wb, 1);
      return tf.round(resizeTo(gray, [options.imageSize, options.imageSize])) as tf.Tensor3D;
    });
    const equalised = options.clahe ? clahe(balanced, { clipLimit: 2, tileGridSize: [8, 8] }) : balanced;
    if (equalised !== balanced) balanced.dispose();
    const out = tf.tidy(() => toChannels(tf.div(tf.clipByValue(equalised, 0, 255), 255) as tf.Tensor3D, 3));
    equalised.dispose();
    return out;
  };
}

/**
 * Class folders straight under `dir`, or under `dir/train` when it exists: the article pools one
 * folder per class and makes its own 80:20 split, so a given test/ folder is left aside.
 */
function poolDir(root: string): string {
  if (!existsSync(root)) throw new CxrError('E_NOT_FOUND', `--data ${root} does not exist.`, { path: root });
  const train = join(root, 'train');
  return existsSync(train) ? train : root;
}

export async function loadSeed003Data(options: Seed003Options): Promise<Seed003Data> {
  const preprocess = covidLitePreprocess(options);
  let pool: SampleDataset;
  let stats: ImageStats;
  let source: string;
  let fingerprint: 'stat' | 'name' = 'stat';
  if (!options.data) {
    pool = phantomDataset({ classes: PHANTOM_CLASSES, perClass: options.phantomPerClass, imageSize: options.imageSize, channels: 3, seed: options.seed });
    const labels = pool.labels();
    stats = summarizeImageStats(pool.classes, labels.map((label) => ({ label, width: options.imageSize, height: options.imageSize, channels: 3, format: 'raw' })));
    source = `synthetic phantom (${options.phantomPerClass} per class, seed ${options.seed})`;
    fingerprint = 'name';
  } else {
    const dir = poolDir(options.data);
    pool = await imageFolder(dir, { channels: 3, onError: 'skip' });
    stats = await describeImageFolder(dir);
    source = dir;
  }
  let cache: Seed003Data['cache'] = null;
  let prepared = pool.map(preprocess);
  const cacheDir = options.cacheDir ?? join(options.out, 'cache');
  if (cacheDir !== '') {
    const key = { imageSize: options.imageSize, whiteBalance: options.whiteBalance, clahe: options.clahe, source, version: 1 };
    const cached = await cachedDataset(prepared, cacheDir, { key, dtype: 'uint8', fingerprint });
    prepared = cached.dataset;
    cache = { dir: cached.dir, hit: cached.hit };
  }
  const { train, test, warnings } = trainTestSplit(prepared, { testSize: options.testSize, seed: options.seed, stratify: true });
  return { train, test, classes: [...pool.classes], stats, source, cache, warnings };
}
