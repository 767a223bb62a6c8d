/**
 * @cxr/data/browser — image input in a web page: `File` / `Blob` / `ImageBitmap` /
 * `HTMLImageElement` / canvas / URL → tensor, and a class-folder dataset from a dropped or picked
 * folder with the semantics of `imageFolder` in `@cxr/data/node`. Needs a browser's
 * `createImageBitmap` and 2-D canvas (OffscreenCanvas in workers).
 */
export { decodeBrowserImage, browserImageToTensor, DEFAULT_MAX_SIDE } from './browser/decode.js';
export type { BrowserImageSource, BrowserDecodeOptions, BrowserImageOptions } from './browser/decode.js';
export { fitImageSize } from './browser/fit-size.js';
export { browserImageFolder, BROWSER_IMAGE_EXTENSIONS } from './browser/image-folder.js';
export type { BrowserImageFolderOptions } from './browser/image-folder.js';
export { toFolderFiles, filesFromDataTransfer } from './browser/folder-files.js';
export type { FolderFile, FolderInput } from './browser/folder-files.js';
export type { ImageSize, ResizeMode } from './resize-plan.js';
export type { Sample, Batch, RawImage, SkippedFile, LoadReport, OnError, SampleDataset } from './types.js';
