import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { assertArgument } from '@cxr/core';
import { mapLimit } from '../map-limit.js';
import { phantomFile, phantomSources, type PhantomDatasetOptions } from '../phantom/dataset.js';
import { phantomImage } from '../phantom/image.js';

export interface WritePhantomFolderOptions {
  /** Class folder names (default ['COVID19', 'NORMAL']); see `phantomDataset` for the findings they get. */
  classes?: readonly string[];
  findings?: PhantomDatasetOptions['findings'];
  /** Images per class in train/ (default 40). */
  train?: number;
  /** Images per class in test/ (default 10). */
  test?: number;
  /** Width and height in pixels (default 128). */
  imageSize?: number;
  /** 1 = grayscale PNG like real X-rays (default), 3 = RGB PNG. */
  channels?: 1 | 3;
  seed?: number;
  /** Images encoded in parallel (default 8). */
  concurrency?: number;
}

export interface PhantomFolder {
  root: string;
  /** `root/train`, with one sub-folder per class. */
  train: string;
  /** `root/test`, with one sub-folder per class. */
  test: string;
  classes: string[];
  /** Files written. */
  files: number;
}

/**
 * Write a phantom dataset as 8-bit PNG class folders, `dir/{train,test}/<class>/0000.png`, laid out
 * like a real dataset for `imageFolder`. The pixels equal `phantomDataset({ split: 'train' | 'test',
 * seed, imageSize, channels })` up to 8-bit rounding. Existing files of the same name are replaced.
 */
export async function writePhantomFolder(dir: string, options: WritePhantomFolderOptions = {}): Promise<PhantomFolder> {
  const root = resolve(dir);
  const size = options.imageSize ?? 128;
  const channels = options.channels ?? 1;
  const seed = options.seed ?? 0;
  const concurrency = options.concurrency ?? 8;
  assertArgument(Number.isInteger(concurrency) && concurrency >= 1, `concurrency must be an integer >= 1, got ${concurrency}`);
  const jobs: Array<{ path: string; finding: string; seed: number }> = [];
  let classes: string[] = [];
  for (const [split, perClass] of [['train', options.train ?? 40], ['test', options.test ?? 10]] as const) {
    const drawn = phantomSources({ classes: options.classes, findings: options.findings, perClass, seed, split });
    classes = drawn.classes;
    for (const name of classes) await mkdir(join(root, split, name), { recursive: true });
    for (const source of drawn.sources) {
      const relative = phantomFile(split, source).slice('phantom:'.length);
      jobs.push({ path: join(root, `${relative}.png`), finding: source.finding, seed: source.seed });
    }
  }
  await mapLimit(jobs, concurrency, async (job) => {
    const image = phantomImage({ finding: job.finding, size, channels, seed: job.seed });
    const bytes = new Uint8Array(image.data.length);
    for (let k = 0; k < bytes.length; k++) bytes[k] = Math.round((image.data[k] as number) * 255);
    await sharp(bytes, { raw: { width: size, height: size, channels } }).png().toFile(job.path);
  });
  return { root, train: join(root, 'train'), test: join(root, 'test'), classes, files: jobs.length };
}
