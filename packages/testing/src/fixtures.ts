import { phantomDataset, type PhantomDatasetOptions, type SampleDataset } from '@cxr/data';

/**
 * A small, deterministic phantom chest X-ray dataset for unit tests: 2 classes (COVID19, NORMAL),
 * 8 images each, 32 × 32 × 3, seed 0 — override any option.
 */
export function phantomFixture(options: PhantomDatasetOptions = {}): SampleDataset {
  return phantomDataset({ perClass: 8, imageSize: 32, channels: 3, seed: 0, ...options });
}
