/**
 * @cxr/data/node — loaders that need Node: image folders on disk, sharp decoding, writing the
 * phantom dataset as PNG files. Browser-safe datasets are in `@cxr/data`.
 */
export { imageFolder } from './node/image-folder.js';
export type { ImageFolderOptions } from './node/image-folder.js';
export { decodeImage, decodeImageFile, readImageInfo, DEFAULT_MAX_PIXELS } from './node/decode.js';
export type { DecodeImageOptions, ImageInfo } from './node/decode.js';
export { DEFAULT_IMAGE_EXTENSIONS } from './node/scan.js';
export { writePhantomFolder } from './node/write-phantom.js';
export type { WritePhantomFolderOptions, PhantomFolder } from './node/write-phantom.js';
export type { ImageSize, ResizeMode } from './resize-plan.js';
export type { Sample, Batch, BatchOptions, RawImage, SkippedFile, LoadReport, OnError, Dataset, SampleDataset } from './types.js';
export { describeImageFolder } from './node/describe-folder.js';
export type { DescribeImageFolderOptions } from './node/describe-folder.js';
export { formatStatsTable } from './image-stats.js';
export type { ImageStats, ImageGroupStats, RangeStats } from './image-stats.js';
export { readNpy, writeNpy } from './node/npy-file.js';
export type { NpyArray, NpyDtype, NpyData, NpyWritable } from './npy.js';
export { cachedDataset } from './node/npy-cache.js';
export type { CachedDatasetOptions, CachedDataset, NpyCacheManifest } from './node/npy-cache.js';
