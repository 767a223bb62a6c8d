import { CxrError, assertArgument, type OnProgress } from '@cxr/core';
import { fromSources } from '../dataset.js';
import { mapLimit } from '../map-limit.js';
import { rawImageToTensor, tensorToRawImage } from '../pixels.js';
import { checkImageSize, checkResizeMode, type ImageSize, type ResizeMode } from '../resize-plan.js';
import type { OnError, RawImage, SampleDataset, SkippedFile } from '../types.js';
import { decodeBrowserImage } from './decode.js';
import { fitImageSize } from './fit-size.js';
import { toFolderFiles, type FolderFile, type FolderInput } from './folder-files.js';

export interface BrowserImageFolderOptions {
  /** Only these class folders; indices follow the sorted names (as `imageFolder` in Node). Default: all. */
  classes?: readonly string[];
  /** Resize + centre crop (or stretch), as `imageFolder`, done with tf ops. Default: keep sizes. */
  imageSize?: ImageSize;
  /** 'cover' (default) or 'stretch'. */
  resize?: ResizeMode;
  /** 1 = grayscale, 3 = RGB (default 3). */
  channels?: 1 | 3;
  /** A file that cannot be used: throw (default) or leave it out and list it in `report()`. */
  onError?: OnError;
  /** Shuffle with this seed (a new order each pass). Default: sorted order. */
  seed?: number;
  /** File extensions to read, case-insensitive (default: what browsers decode, `.png .jpg .jpeg .webp .gif .bmp .avif`, and DICOM `.dcm`). */
  extensions?: readonly string[];
  /** Longer side above which images are downscaled while decoding (default 2048, see `decodeBrowserImage`). */
  maxSide?: number;
  /**
   * 'none' (default): files are checked (extension, not empty) but decoded only when iterated;
   * 'decode': every file is decoded once up front, so bad files surface before training.
   */
  verify?: 'none' | 'decode';
  /** Images decoded ahead of the consumer during a pass (default 4). */
  prefetch?: number;
  /** Progress of `verify: 'decode'`, phase 'scan'. */
  onProgress?: OnProgress;
  /**
   * Replace the decoder (pixels of one file, before `imageSize`); default `decodeBrowserImage`.
   * For other formats (DICOM) or for tests outside a browser.
   */
  decode?: (file: Blob, path: string) => Promise<RawImage>;
}

export const BROWSER_IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.avif', '.dcm'];
const SPLIT_NAMES = new Set(['train', 'test', 'val', 'valid', 'validation']);

/**
 * A dataset from a dropped or picked folder (`<input webkitdirectory>`, or `filesFromDataTransfer`)
 * with one sub-folder per class, with the semantics of `imageFolder` from `@cxr/data/node`: class =
 * folder name, indices in sorted (code point) order, files found recursively and sorted by folder
 * then name, hidden files and other extensions listed in `report().skipped`, split folders
 * (train/test) refused as classes, at least two classes.
 *
 * The root is the folder that was dropped: when every path starts with the same folder
 * (`cxr3/train/NORMAL/a.png` from a `webkitdirectory` pick) that folder is the root; when several
 * folders were dropped side by side (`NORMAL/…`, `COVID19/…`) the drop itself is.
 * A file list has no empty folders, so a class folder with no files at all cannot be seen.
 *
 * Throws CxrError: E_NO_CLASSES, E_SINGLE_CLASS, E_UNKNOWN_CLASS, and with onError 'throw'
 * E_EMPTY_CLASS / E_IMAGE_DECODE; with onError 'skip' those files are reported instead.
 */
export async function browserImageFolder(input: FolderInput, options: BrowserImageFolderOptions = {}): Promise<SampleDataset> {
  const onError = options.onError ?? 'throw';
  const channels = options.channels ?? 3;
  const resize = options.resize ?? 'cover';
  const extensions = (options.extensions ?? BROWSER_IMAGE_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  assertArgument(onError === 'throw' || onError === 'skip', `onError must be 'throw' or 'skip', got ${String(onError)}`);
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  assertArgument(extensions.length > 0, 'extensions must not be empty');
  if (options.imageSize !== undefined) checkImageSize(options.imageSize);
  checkResizeMode(resize);
  const decodeRaw = options.decode ?? ((file: Blob, path: string) => decodeBrowserImage(file, { channels, maxSide: options.maxSide, name: path }));

  const files = toFolderFiles(input);
  const { root, classFolders, skipped } = splitByClass(files);
  const classes = selectClasses(root, [...classFolders.keys()].sort(compare), options.classes);

  const perClass: FolderFile[][] = [];
  for (const name of classes) {
    const found: FolderFile[] = [];
    for (const entry of classFolders.get(name) ?? []) {
      const rel = entry.path.slice(prefixOf(root, name).length);
      if (rel.split('/').some((part) => part.startsWith('.'))) {
        skipped.push({ file: entry.path, code: 'E_UNSUPPORTED_FILE', reason: 'hidden file or folder' });
      } else if (!extensions.includes(extension(entry.path))) {
        skipped.push({ file: entry.path, code: 'E_UNSUPPORTED_FILE', reason: `not an image extension (reads ${extensions.join(' ')})` });
      } else if (entry.file.size === 0) {
        if (onError === 'throw') throw new CxrError('E_IMAGE_DECODE', `Cannot decode ${entry.path}: the file is empty (0 bytes). Remove it, or pass onError: 'skip'.`, { path: entry.path });
        skipped.push({ file: entry.path, code: 'E_IMAGE_DECODE', reason: 'the file is empty (0 bytes)' });
      } else {
        found.push(entry);
      }
    }
    found.sort((a, b) => compare(dirOf(a.path), dirOf(b.path)) || compare(a.path, b.path));
    if (found.length === 0 && onError === 'throw') {
      throw new CxrError('E_EMPTY_CLASS', `Class folder ${prefixOf(root, name)} has no images the browser can read. Add images, remove the folder, or pass onError: 'skip'.`, {
        path: prefixOf(root, name),
      });
    }
    perClass.push(found);
  }

  let items = perClass.flatMap((found, label) => found.map((entry) => ({ source: entry, label, file: entry.path })));
  if (options.verify === 'decode') {
    let done = 0;
    const errors = await mapLimit(items, 4, async ({ source }) => {
      try {
        await decodeRaw(source.file, source.path);
        return null;
      } catch (error) {
        return error instanceof CxrError ? error : new CxrError('E_IMAGE_DECODE', `Cannot decode ${source.path}: ${String(error)}`, { path: source.path, cause: error });
      } finally {
        options.onProgress?.({ phase: 'scan', current: ++done, total: items.length });
      }
    });
    const first = errors.find((e) => e !== null);
    if (first && onError === 'throw') throw first;
    for (const error of errors) if (error) skipped.push({ file: error.path ?? '?', code: error.code, reason: error.message });
    items = items.filter((_, k) => errors[k] === null);
  }
  const usable = new Set(items.map((item) => item.label));
  classes.forEach((name, label) => {
    if (!usable.has(label)) skipped.push({ file: prefixOf(root, name), code: 'E_EMPTY_CLASS', reason: 'class folder has no usable image; the class has 0 samples' });
  });
  if (items.length === 0) {
    throw new CxrError('E_EMPTY_CLASS', `No usable image in any class folder of ${root || 'the dropped folders'}. Put images in <class>/ folders.`, { path: root });
  }

  const dataset = fromSources<FolderFile>({
    classes,
    items,
    decode: async (source) => {
      const raw = await decodeRaw(source.file, source.path);
      if (options.imageSize === undefined) return raw;
      return fitRaw(raw, options.imageSize, resize);
    },
    onError,
    skipped,
    prefetch: options.prefetch ?? 4,
  });
  return options.seed === undefined ? dataset : dataset.shuffle(options.seed);
}

/** Resize decoded pixels with the tf-op plan (float32 result, as the tensor holds it). */
function fitRaw(raw: RawImage, imageSize: ImageSize, resize: ResizeMode): RawImage {
  const full = rawImageToTensor(raw);
  const fitted = fitImageSize(full, imageSize, resize);
  full.dispose();
  try {
    return tensorToRawImage(fitted);
  } finally {
    fitted.dispose();
  }
}

/** Group files by class folder under the root; files directly in the root belong to no class. */
function splitByClass(files: FolderFile[]): { root: string; classFolders: Map<string, FolderFile[]>; skipped: SkippedFile[] } {
  const firsts = new Set(files.map((f) => f.path.split('/')[0]));
  const nested = files.some((f) => f.path.split('/').length >= 3);
  const root = firsts.size === 1 && nested ? (files[0]?.path.split('/')[0] ?? '') : '';
  const classFolders = new Map<string, FolderFile[]>();
  const skipped: SkippedFile[] = [];
  for (const entry of files) {
    const parts = (root ? entry.path.slice(root.length + 1) : entry.path).split('/');
    const cls = parts[0] as string;
    if (parts.length < 2) {
      skipped.push({ file: entry.path, code: 'E_UNSUPPORTED_FILE', reason: cls.startsWith('.') ? 'hidden file' : 'file outside any class folder (images go in <dir>/<class>/)' });
    } else if (cls.startsWith('.')) {
      skipped.push({ file: entry.path, code: 'E_UNSUPPORTED_FILE', reason: 'hidden folder, not a class' });
    } else {
      const list = classFolders.get(cls) ?? [];
      list.push(entry);
      classFolders.set(cls, list);
    }
  }
  return { root, classFolders, skipped };
}

function selectClasses(root: string, available: string[], requested: readonly string[] | undefined): string[] {
  const where = root || 'the dropped folders';
  if (available.length === 0) {
    throw new CxrError('E_NO_CLASSES', `${where} has no class folders. Drop a folder that holds one sub-folder per class, e.g. NORMAL/*.png and COVID19/*.png.`, { path: root });
  }
  if (requested === undefined && available.every((name) => SPLIT_NAMES.has(name.toLowerCase()))) {
    throw new CxrError(
      'E_NO_CLASSES',
      `${where} holds split folders (${available.join(', ')}), not class folders. Drop one split, e.g. ${available[0]}/, or name the classes explicitly with the classes option.`,
      { path: root },
    );
  }
  let classes = available;
  if (requested !== undefined) {
    assertArgument(requested.length > 0, 'classes must name at least two class folders, got []');
    assertArgument(new Set(requested).size === requested.length, `classes must not repeat a name, got [${requested.join(', ')}]`);
    const unknown = requested.filter((c) => !available.includes(c));
    if (unknown.length > 0) {
      throw new CxrError('E_UNKNOWN_CLASS', `No class folder ${unknown.map((c) => `'${c}'`).join(', ')} in ${where}; available: ${available.join(', ')}. Class names are case-sensitive.`, {
        path: root,
      });
    }
    classes = [...requested].sort(compare);
  }
  if (classes.length < 2) {
    throw new CxrError('E_SINGLE_CLASS', `Only one class ('${classes[0]}') in ${where}, but a classifier needs at least two. Drop the folder that holds all class folders.`, {
      path: root,
    });
  }
  return classes;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const prefixOf = (root: string, cls: string): string => (root ? `${root}/${cls}/` : `${cls}/`);
const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
function extension(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}
