/**
 * @cxr/data — datasets for chest X-ray classification. This entry runs in browsers and Node alike;
 * filesystem folders and sharp decoding live in `@cxr/data/node`.
 */
export type { Sample, Batch, BatchOptions, RawImage, SkippedFile, LoadReport, OnError, Dataset, SampleDataset } from './types.js';

// Generic machinery: any list of sources plus a decode function.
export { fromSources } from './dataset.js';
export type { FromSourcesOptions, MapFn } from './dataset.js';
export type { SourceItem, DecodeFn } from './catalog.js';
export { rawImageToTensor } from './pixels.js';
export { oneHot } from './batch.js';
export { validationSplit } from './split.js';
export type { ValidationSplitOptions, ValidationSplit } from './split.js';
export type { ImageSize, ResizeMode } from './resize-plan.js';

// Synthetic phantom chest X-rays.
export { phantomImage } from './phantom/image.js';
export type { PhantomImageOptions } from './phantom/image.js';
export { phantomLesion } from './phantom/lesion.js';
export type { PhantomLesion, PhantomLesionOptions } from './phantom/lesion.js';
export { phantomDataset, DEFAULT_PHANTOM_CLASSES } from './phantom/dataset.js';
export type { PhantomDatasetOptions } from './phantom/dataset.js';
export { findingForClass, PHANTOM_FINDINGS } from './phantom/findings.js';
export type { PhantomFinding } from './phantom/findings.js';

// Dataset EDA (image sizes per class), NumPy .npy encoding, scikit-learn style train/test split.
export { summarizeImageStats, formatStatsTable } from './image-stats.js';
export type { ImageStats, ImageGroupStats, RangeStats, ImageFacts } from './image-stats.js';
export { encodeNpy, decodeNpy } from './npy.js';
export type { NpyArray, NpyData, NpyDtype, NpyWritable } from './npy.js';
export { trainTestSplit } from './train-test-split.js';
export type { TrainTestSplitOptions, TrainTestSplit } from './train-test-split.js';

// Patient-level (group) split.
export { groupSplit } from './group-split.js';
export type { GroupSplitOptions, GroupSplit, GroupId } from './group-split.js';

// DICOM: grayscale X-rays (MONOCHROME1/2, 8/16 bit, uncompressed / RLE / JPEG baseline), rescale and VOI.
export { decodeDicom, supportedTransferSyntaxes, TRANSFER_SYNTAXES } from './dicom.js';
export type { DecodeDicomOptions, DicomImage, DicomMeta, AppliedVoi, DicomWindow, DicomLut, VoiFunction, DicomHeader, TransferSyntax, PixelEncoding } from './dicom.js';
