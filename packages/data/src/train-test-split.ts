import { assertArgument } from '@cxr/core';
import { validationSplit } from './split.js';
import type { SampleDataset } from './types.js';

export interface TrainTestSplitOptions {
  /** Share of samples in the test part, in (0, 1) (default 0.2: the article's 80:20). `ceil(testSize × n)` are test. */
  testSize?: number;
  /** Seed of the shuffle (default 0; scikit-learn's `random_state`). Same seed and files → same split. */
  seed?: number;
  /** Keep each class's share in both parts (default true, scikit-learn's `stratify=y`). */
  stratify?: boolean;
}

export interface TrainTestSplit {
  train: SampleDataset;
  test: SampleDataset;
  /** E.g. a class moved by one so that it is in both parts. */
  warnings: string[];
}

/**
 * scikit-learn's `train_test_split(X, y, test_size=0.2, random_state=seed, stratify=y)` on a
 * dataset: `ceil(testSize × n)` samples go to `test`, the rest to `train`, stratified by class by
 * default (per-class counts as scikit-learn's, members drawn by this package's seeded RNG, so
 * they differ from NumPy's draw). Nothing is decoded; the parts are disjoint, cover the dataset,
 * share its decoding, caches and map steps, and keep the input's order (shuffle them for training).
 * `validationSplit(dataset, testSize, { mode: 'random', seed, stratify })` under another name.
 *
 * Throws E_BAD_ARGUMENT: testSize outside (0, 1), fewer than 2 samples, an empty train part, a class
 * with a single sample when stratified, a dataset not made by @cxr/data.
 */
export function trainTestSplit(dataset: SampleDataset, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const testSize = options.testSize ?? 0.2;
  assertArgument(
    typeof testSize === 'number' && testSize > 0 && testSize < 1,
    `trainTestSplit: testSize must be a fraction in (0, 1), e.g. 0.2 for 80:20, got ${String(testSize)} (absolute counts are not supported)`,
  );
  const { train, validation, warnings } = validationSplit(dataset, testSize, { mode: 'random', seed: options.seed ?? 0, stratify: options.stratify ?? true });
  return { train, test: validation, warnings };
}
