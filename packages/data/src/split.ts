import { CxrError, assertArgument, createRng, type Rng } from '@cxr/core';
import { SELECT_POSITIONS, isSelectable } from './dataset.js';
import type { SampleDataset } from './types.js';

export interface ValidationSplitOptions {
  /**
   * 'keras' (default): Keras' `ImageDataGenerator(validation_split=f)` + `flow_from_directory(subset=…)`,
   * not random: per class, files in sorted order, the first `int(f × n_class)` are validation.
   * 'random': a seeded shuffle, then split, like scikit-learn's `train_test_split(test_size=f,
   * stratify=y)`.
   */
  mode?: 'keras' | 'random';
  /** Seed of mode 'random' (default 0). Mode 'keras' is not random and refuses a seed. */
  seed?: number;
  /** Mode 'random': keep each class's share in both parts (default true). Mode 'keras' always splits per class. */
  stratify?: boolean;
}

export interface ValidationSplit {
  train: SampleDataset;
  validation: SampleDataset;
  /** Things worth knowing that are not errors, e.g. a class too small to appear in validation. */
  warnings: string[];
}

/**
 * Hold out `fraction` of a dataset for validation. Works from `labels()` / `files()` (nothing is
 * decoded); the two parts are disjoint, together hold every sample, share decoding, caches and map
 * steps with `dataset`, and `report()` counts each part's own samples.
 *
 * - mode 'keras' (default) reproduces Keras' `DirectoryIterator` (`_list_valid_filenames_in_directory`):
 *   per class, files sorted by folder then name (its `os.walk` order); with `n` files the first
 *   `int(fraction * n)` are validation (`split=(0, f)`), the rest training (`split=(f, 1)`). Both
 *   parts list class by class in that sorted order, like Keras' `filenames`. A class with
 *   `int(fraction * n) = 0` has no validation sample, as in Keras: that is listed in `warnings`.
 * - mode 'random': `ceil(fraction * n)` samples go to validation (scikit-learn's count). Stratified
 *   (default), they are shared out over the classes as scikit-learn's `_approximate_mode` does (ties
 *   broken by the seed), then raised or lowered so that every class with ≥ 2 samples is in both
 *   parts (listed in `warnings`); each class's samples are shuffled with the seed and the first ones
 *   go to validation. A class with a single sample cannot be in both parts: E_BAD_ARGUMENT (pass
 *   `stratify: false`, or mode 'keras'). Membership depends on the seed and the files, not on the
 *   input's order; each part keeps the order of the input's next pass.
 *
 * Throws E_BAD_ARGUMENT for a fraction outside (0, 1), a part that would be empty in mode 'random',
 * a seed or `stratify: false` with mode 'keras', or a dataset not made by this package.
 */
export function validationSplit(dataset: SampleDataset, fraction: number, options: ValidationSplitOptions = {}): ValidationSplit {
  assertArgument(
    typeof fraction === 'number' && fraction > 0 && fraction < 1,
    `validationSplit: fraction must be a number in (0, 1), e.g. 0.2 for 20 % validation, got ${String(fraction)}`,
  );
  const mode = options.mode ?? 'keras';
  const stratify = options.stratify ?? true;
  assertArgument(mode === 'keras' || mode === 'random', `validationSplit: mode must be 'keras' or 'random', got ${String(mode)}`);
  assertArgument(typeof stratify === 'boolean', `validationSplit: stratify must be true or false, got ${String(stratify)}`);
  if (mode === 'keras') {
    assertArgument(options.seed === undefined, "validationSplit: mode 'keras' is not random (sorted files, first int(fraction * n) per class); pass mode: 'random' to use a seed");
    assertArgument(stratify, "validationSplit: mode 'keras' always splits each class; pass mode: 'random' for stratify: false");
  }
  const seed = options.seed ?? 0;
  assertArgument(Number.isFinite(seed), `validationSplit: seed must be a finite number, got ${seed}`);
  if (!isSelectable(dataset)) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      'validationSplit needs a dataset made by @cxr/data (imageFolder, phantomDataset, fromSources, or a view of one: shuffle, map, take, cache)',
    );
  }

  const labels = dataset.labels();
  const files = dataset.files();
  const classes = dataset.classes;
  assertArgument(labels.length >= 2, `validationSplit: the dataset has ${labels.length} sample(s); at least 2 are needed for two parts`);
  const { validation, warnings } =
    mode === 'keras' ? kerasSplit(labels, files, classes, fraction) : randomSplit(labels, files, classes, fraction, stratify, seed);

  const inValidation = new Uint8Array(labels.length);
  for (const p of validation) inValidation[p] = 1;
  const train = labels.map((_, p) => p).filter((p) => inValidation[p] === 0);
  const valOrder = mode === 'keras' ? validation : [...validation].sort((a, b) => a - b);
  const trainOrder = mode === 'keras' ? kerasOrder(train, labels, files) : train;
  return { train: dataset[SELECT_POSITIONS](trainOrder), validation: dataset[SELECT_POSITIONS](valOrder), warnings };
}

type Part = { validation: number[]; warnings: string[] };

function kerasSplit(labels: readonly number[], files: readonly string[], classes: readonly string[], fraction: number): Part {
  const validation: number[] = [];
  const warnings: string[] = [];
  byClass(labels, classes.length).forEach((positions, label) => {
    const sorted = kerasOrder(positions, labels, files);
    const n = sorted.length;
    // Python's int() of a float: truncation, on the same IEEE product.
    const k = Math.trunc(fraction * n);
    if (n > 0 && k === 0) {
      warnings.push(`class '${classes[label]}' has ${n} sample(s): int(${fraction} * ${n}) = 0, so none of it is in validation (Keras' rule)`);
    }
    validation.push(...sorted.slice(0, k));
  });
  return { validation, warnings };
}

function randomSplit(
  labels: readonly number[],
  files: readonly string[],
  classes: readonly string[],
  fraction: number,
  stratify: boolean,
  seed: number,
): Part {
  const n = labels.length;
  const nVal = Math.ceil(fraction * n);
  assertArgument(
    nVal < n,
    `validationSplit: ${n} samples with fraction ${fraction} would leave the training part empty (ceil(${fraction} * ${n}) = ${nVal}); use a smaller fraction or more data`,
  );
  const rng = createRng(seed);
  // Canonical order (by file, then position) so that membership does not depend on the input's order.
  const canonical = (positions: readonly number[]): number[] => [...positions].sort((a, b) => compare(files[a] as string, files[b] as string) || a - b);
  if (!stratify) {
    return { validation: rng.shuffle(canonical(labels.map((_, p) => p))).slice(0, nVal), warnings: [] };
  }
  const groups = byClass(labels, classes.length);
  const lonely = groups.flatMap((g, label) => (g.length === 1 ? [`'${classes[label]}'`] : []));
  if (lonely.length > 0) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `validationSplit: class ${lonely.join(', ')} has a single sample, which cannot be in both training and validation when stratified. ` +
        "Add samples, pass stratify: false, or use mode: 'keras' (which keeps such a class in training only).",
    );
  }
  const counts = groups.map((g) => g.length);
  const allocated = approximateMode(counts, nVal, rng);
  const warnings: string[] = [];
  const validation: number[] = [];
  groups.forEach((positions, label) => {
    const size = positions.length;
    let k = allocated[label] as number;
    if (size >= 2 && (k === 0 || k === size)) {
      const fixed = k === 0 ? 1 : size - 1;
      warnings.push(`class '${classes[label]}' (${size} samples) would have ${k} in validation; ${fixed} put there so that both parts have it`);
      k = fixed;
    }
    validation.push(...rng.shuffle(canonical(positions)).slice(0, k));
  });
  return { validation, warnings };
}

/**
 * scikit-learn's `_approximate_mode`: `draws` shared out over classes in proportion to `counts`:
 * the floors first, then one more to the largest remainders, ties picked at random.
 */
function approximateMode(counts: readonly number[], draws: number, rng: Rng): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (draws * c) / total);
  const floored = continuous.map((v) => Math.floor(v));
  let need = draws - floored.reduce((a, b) => a + b, 0);
  const remainders = continuous.map((v, i) => v - (floored[i] as number));
  const values = [...new Set(remainders)].sort((a, b) => b - a);
  for (const value of values) {
    if (need <= 0) break;
    const tied = remainders.flatMap((r, i) => (r === value ? [i] : []));
    const chosen = rng.shuffle(tied).slice(0, Math.min(tied.length, need));
    for (const i of chosen) floored[i] = (floored[i] as number) + 1;
    need -= chosen.length;
  }
  return floored;
}

/** Positions per class label (empty arrays for classes without samples). */
function byClass(labels: readonly number[], numClasses: number): number[][] {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, p) => groups[label]?.push(p));
  return groups;
}

/** Keras' file order: class by class, then folder, then file name (code point order), ties by position. */
function kerasOrder(positions: readonly number[], labels: readonly number[], files: readonly string[]): number[] {
  const keyed = positions.map((p) => ({ p, label: labels[p] as number, ...splitPath(files[p] as string) }));
  keyed.sort((a, b) => a.label - b.label || compare(a.dir, b.dir) || compare(a.name, b.name) || a.p - b.p);
  return keyed.map((k) => k.p);
}

function splitPath(file: string): { dir: string; name: string } {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return { dir: file.slice(0, Math.max(cut, 0)), name: file.slice(cut + 1) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
