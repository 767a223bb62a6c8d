import { join } from 'node:path';
import { CxrError, assertArgument, type OnProgress } from '@cxr/core';
import { fromSources } from '../dataset.js';
import { mapLimit } from '../map-limit.js';
import { checkImageSize, checkResizeMode, type ImageSize, type ResizeMode } from '../resize-plan.js';
import type { OnError, SampleDataset, SkippedFile } from '../types.js';
import { decodeWithInfo, readImageInfo, type DecodeImageOptions, type ImageInfo } from './decode.js';
import { DEFAULT_IMAGE_EXTENSIONS, listClassFiles, listClassFolders } from './scan.js';

export interface ImageFolderOptions {
  /**
   * Only these class folders (e.g. ['COVID19', 'NORMAL'] out of three). Indices follow the sorted
   * order of the names, as ImageFolder would give if only those folders existed. Default: all.
   */
  classes?: readonly string[];
  /** Resize + centre crop like torchvision `Resize(S)` + `CenterCrop(S)` (see `DecodeImageOptions`). Default: keep sizes. */
  imageSize?: ImageSize;
  /**
   * How `imageSize` is reached: 'cover' (default: keep the aspect ratio, centre crop, torchvision) or
   * 'stretch' (exactly [height, width], aspect ratio ignored, Keras `target_size`).
   */
  resize?: ResizeMode;
  /** 1 = grayscale, 3 = RGB (default 3, like torchvision's ImageFolder and the seed-000 CNN). */
  channels?: 1 | 3;
  /** A file that cannot be decoded: throw (default) or leave it out and list it in `report()`. */
  onError?: OnError;
  /** Shuffle with this seed (a new order each pass). Default: sorted order, no shuffle. */
  seed?: number;
  /** File extensions to read, case-insensitive (default `.png .jpg .jpeg .webp .tif .tiff .gif .avif .dcm`; DICOM through `decodeDicomImage`). */
  extensions?: readonly string[];
  /** Refuse images with more pixels than this (default 100 megapixels). */
  maxPixels?: number;
  /**
   * How files are checked when the dataset is made: 'header' (default) reads each header, fast;
   * 'decode' decodes every file once, so even truncated files are caught before training starts.
   */
  verify?: 'header' | 'decode';
  /** Files read in parallel while verifying (default 8). */
  concurrency?: number;
  /** Images decoded ahead of the consumer during a pass (default 8). */
  prefetch?: number;
  /** Progress of the up-front check, phase 'scan'. */
  onProgress?: OnProgress;
}

const SPLIT_NAMES = new Set(['train', 'test', 'val', 'valid', 'validation']);

interface FolderSource {
  path: string;
  info: ImageInfo;
}

/**
 * A dataset from a directory with one sub-folder per class (torchvision `ImageFolder`, Keras
 * `flow_from_directory`): class = folder name, indices in sorted order, files found recursively.
 * Every file is checked up front so `size` is right and bad data surfaces before training.
 *
 * Throws CxrError: E_NOT_FOUND (no such folder), E_NOT_A_DIRECTORY, E_NO_CLASSES, E_SINGLE_CLASS,
 * E_UNKNOWN_CLASS, and, with onError 'throw', E_EMPTY_CLASS / E_IMAGE_DECODE / E_IMAGE_TOO_LARGE.
 * With onError 'skip' bad files and empty class folders are listed in `report().skipped` instead.
 * Hidden files and other extensions are always just listed there.
 */
export async function imageFolder(dir: string, options: ImageFolderOptions = {}): Promise<SampleDataset> {
  const onError = options.onError ?? 'throw';
  const channels = options.channels ?? 3;
  const extensions = (options.extensions ?? DEFAULT_IMAGE_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  const concurrency = options.concurrency ?? 8;
  assertArgument(onError === 'throw' || onError === 'skip', `onError must be 'throw' or 'skip', got ${String(onError)}`);
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  assertArgument(extensions.length > 0, 'extensions must not be empty');
  assertArgument(Number.isInteger(concurrency) && concurrency >= 1, `concurrency must be an integer >= 1, got ${concurrency}`);
  if (options.imageSize !== undefined) checkImageSize(options.imageSize);
  const resize = options.resize ?? 'cover';
  checkResizeMode(resize);
  const decodeOptions: DecodeImageOptions = { channels, imageSize: options.imageSize, resize, maxPixels: options.maxPixels };

  const folders = await listClassFolders(dir);
  const classes = selectClasses(folders.root, folders.classes, options.classes);
  const skipped: SkippedFile[] = [...folders.skipped];

  // Candidate files per class; an empty class folder is structural, so report it before any decoding.
  const perClass: string[][] = [];
  for (const name of classes) {
    const listing = await listClassFiles(join(folders.root, name), extensions);
    skipped.push(...listing.skipped);
    perClass.push(listing.files);
    if (listing.files.length === 0 && onError === 'throw') throw emptyClass(join(folders.root, name), listing.skipped.length);
  }

  const candidates = perClass.flatMap((files, label) => files.map((path) => ({ path, label })));
  let done = 0;
  const checked = await mapLimit(candidates, concurrency, async ({ path }) => {
    try {
      const info = await readImageInfo(path, decodeOptions);
      if (options.verify === 'decode') await decodeWithInfo(path, info, decodeOptions);
      return { info, error: null };
    } catch (error) {
      return { info: null, error: error as CxrError };
    } finally {
      options.onProgress?.({ phase: 'scan', current: ++done, total: candidates.length });
    }
  });

  const failures = checked.flatMap((c) => (c.error ? [c.error] : []));
  if (failures.length > 0 && onError === 'throw') {
    const first = failures[0] as CxrError;
    if (failures.length === 1) throw first;
    throw new CxrError(first.code, `${first.message} (${failures.length - 1} more unusable file(s) in ${folders.root}; onError: 'skip' lists them all in report())`, {
      path: first.path,
      cause: first,
    });
  }
  for (const error of failures) skipped.push({ file: error.path ?? '?', code: error.code, reason: error.message });

  const items = candidates.flatMap(({ path, label }, k) => {
    const info = checked[k]?.info;
    return info ? [{ source: { path, info }, label, file: path }] : [];
  });
  const usable = new Set(items.map((item) => item.label));
  classes.forEach((name, label) => {
    if (!usable.has(label)) skipped.push({ file: join(folders.root, name), code: 'E_EMPTY_CLASS', reason: 'class folder has no usable image; the class has 0 samples' });
  });
  if (items.length === 0) {
    throw new CxrError('E_EMPTY_CLASS', `No usable image in any class folder of ${folders.root}. Put images in ${join(folders.root, '<class>')}/.`, {
      path: folders.root,
    });
  }

  const dataset = fromSources<FolderSource>({
    classes,
    items,
    decode: (source) => decodeWithInfo(source.path, source.info, decodeOptions),
    onError,
    skipped,
    prefetch: options.prefetch ?? 8,
  });
  return options.seed === undefined ? dataset : dataset.shuffle(options.seed);
}

/** The classes to load: all folders, or the requested subset (checked, sorted); at least two. */
function selectClasses(root: string, available: readonly string[], requested: readonly string[] | undefined): string[] {
  if (available.length === 0) {
    throw new CxrError('E_NO_CLASSES', `${root} has no class folders. Put each class's images in its own sub-folder, e.g. ${join(root, 'NORMAL')}/*.png and ${join(root, 'COVID19')}/*.png.`, {
      path: root,
    });
  }
  if (requested === undefined && available.every((name) => SPLIT_NAMES.has(name.toLowerCase()))) {
    // `cxr3/` instead of `cxr3/train/` would otherwise "work" as a train-vs-test classifier.
    throw new CxrError(
      'E_NO_CLASSES',
      `${root} holds split folders (${available.join(', ')}), not class folders. Pass one split, e.g. ${join(root, available[0] as string)}, ` +
        'or name the classes explicitly with the classes option if these really are classes.',
      { path: root },
    );
  }
  let classes = [...available];
  if (requested !== undefined) {
    assertArgument(requested.length > 0, 'classes must name at least two class folders, got []');
    assertArgument(new Set(requested).size === requested.length, `classes must not repeat a name, got [${requested.join(', ')}]`);
    const unknown = requested.filter((c) => !available.includes(c));
    if (unknown.length > 0) {
      throw new CxrError('E_UNKNOWN_CLASS', `No class folder ${unknown.map((c) => `'${c}'`).join(', ')} in ${root}; available: ${available.join(', ')}. Class names are case-sensitive.`, {
        path: root,
      });
    }
    classes = [...requested].sort();
  }
  if (classes.length < 2) {
    throw new CxrError(
      'E_SINGLE_CLASS',
      `Only one class ('${classes[0]}') in ${root}, but a classifier needs at least two. Add the other class folder(s) next to it` +
        (requested ? ` or pick more of: ${available.join(', ')}.` : ', e.g. NORMAL/ beside COVID19/.'),
      { path: root },
    );
  }
  return classes;
}

function emptyClass(classDir: string, ignored: number): CxrError {
  const detail = ignored > 0 ? ` (only ${ignored} hidden or non-image file(s))` : '';
  return new CxrError('E_EMPTY_CLASS', `Class folder ${classDir} has no images${detail}. Add images, remove the folder, or pass onError: 'skip' to keep the class with 0 samples.`, {
    path: classDir,
  });
}
