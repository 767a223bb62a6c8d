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
export { metadataDataset, DEFAULT_METADATA_COLUMNS } from './node/metadata-dataset.js';
export type { MetadataDatasetOptions, MetadataDataset, MetadataRow, MetadataReport, MetadataColumns, MetadataRole, ValueMatcher } from './node/metadata-dataset.js';
export { readCsvTable, findColumn } from './node/csv-table.js';
export type { CsvTable, CsvRow, MalformedRow } from './node/csv-table.js';
export { exportToFolders } from './node/export-folders.js';
export type { ExportToFoldersOptions, ExportedFolders } from './node/export-folders.js';
export { dHash, hammingDistance, hashToHex } from './node/dhash.js';
export type { DHashOptions } from './node/dhash.js';
export { leakageReport } from './node/leakage.js';
export type { LeakageReportOptions, LeakageReport } from './node/leakage.js';
export { groupSplit } from './group-split.js';
export type { GroupSplitOptions, GroupSplit, GroupId } from './group-split.js';
export { readDicom, readDicomInfo } from './dicom/read-dicom-file.js';
export { decodeDicom } from './dicom.js';
export type { DecodeDicomOptions, DicomImage, DicomMeta } from './dicom.js';
export { decodeDicomImage } from './dicom/decode-dicom-image.js';
export type { DecodeDicomImageOptions } from './dicom/decode-dicom-image.js';
