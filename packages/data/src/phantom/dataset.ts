import { CxrError, assertArgument } from '@cxr/core';
import { fromSources } from '../dataset.js';
import { hashSeed } from '../hash.js';
import type { SampleDataset } from '../types.js';
import { findingForClass, type PhantomFinding } from './findings.js';
import { checkPhantomShape, phantomImage } from './image.js';

export interface PhantomDatasetOptions {
  /** Class names, sorted like ImageFolder folders (default ['COVID19', 'NORMAL']). */
  classes?: readonly string[];
  /** Finding per class when its name is not a known one, e.g. `{ covid: 'ground-glass' }`. */
  findings?: Readonly<Record<string, PhantomFinding>>;
  /** Images per class (default 100). */
  perClass?: number;
  /** Width and height in pixels (default 224, like the seed articles). */
  imageSize?: number;
  /** 1 = grayscale, 3 = RGB (default 3, like torchvision's ImageFolder). */
  channels?: 1 | 3;
  /** Same seed, same dataset (default 0). */
  seed?: number;
  /** Names an independent draw: 'train' (default) and 'test' of one seed never share an image. */
  split?: string;
}

export interface PhantomSource {
  className: string;
  finding: PhantomFinding;
  index: number;
  seed: number;
}

export const DEFAULT_PHANTOM_CLASSES: readonly string[] = ['COVID19', 'NORMAL'];

/** The items of a phantom dataset, in ImageFolder order (class by class); no pixels yet. */
export function phantomSources(options: PhantomDatasetOptions = {}): { classes: string[]; sources: PhantomSource[] } {
  const classes = [...(options.classes ?? DEFAULT_PHANTOM_CLASSES)].sort();
  const perClass = options.perClass ?? 100;
  const seed = options.seed ?? 0;
  const split = options.split ?? 'train';
  assertArgument(classes.length >= 1, 'phantom classes must not be empty');
  if (new Set(classes).size !== classes.length) throw new CxrError('E_BAD_ARGUMENT', `phantom classes must be unique, got [${classes.join(', ')}]`);
  assertArgument(Number.isInteger(perClass) && perClass >= 0, `perClass must be an integer >= 0, got ${perClass}`);
  assertArgument(Number.isFinite(seed), `seed must be a finite number, got ${seed}`);
  const sources: PhantomSource[] = [];
  for (const className of classes) {
    const finding = findingForClass(className, options.findings);
    // Seeded by class name, not index, so a class draws the same images whatever the other classes are.
    for (let index = 0; index < perClass; index++) sources.push({ className, finding, index, seed: hashSeed(seed, split, className, index) });
  }
  return { classes, sources };
}

/** A file-like id for a phantom image, e.g. `phantom:train/COVID19/0007`. */
export function phantomFile(split: string, source: PhantomSource): string {
  return `phantom:${split}/${source.className}/${String(source.index).padStart(4, '0')}`;
}

/**
 * A synthetic chest X-ray dataset (see `phantomImage`): rendered on demand, deterministic for a
 * seed, any size and count. The offline default of every example and downstream test. Not a
 * medical image: it teaches pipelines, not radiology.
 */
export function phantomDataset(options: PhantomDatasetOptions = {}): SampleDataset {
  const size = options.imageSize ?? 224;
  const channels = options.channels ?? 3;
  const split = options.split ?? 'train';
  // Fail on bad sizes now, not on the first image of the first pass.
  checkPhantomShape(size, channels);
  const { classes, sources } = phantomSources(options);
  return fromSources({
    classes,
    items: sources.map((source) => ({ source, label: classes.indexOf(source.className), file: phantomFile(split, source) })),
    decode: (source) => phantomImage({ finding: source.finding, size, channels, seed: source.seed }),
    prefetch: 1,
  });
}
