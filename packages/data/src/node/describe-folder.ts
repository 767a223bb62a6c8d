import { join } from 'node:path';
import { CxrError, assertArgument, type OnProgress } from '@cxr/core';
import { summarizeImageStats, type ImageFacts, type ImageStats } from '../image-stats.js';
import { mapLimit } from '../map-limit.js';
import type { OnError, SkippedFile } from '../types.js';
import { readImageInfo } from './decode.js';
import { DEFAULT_IMAGE_EXTENSIONS, listClassFiles, listClassFolders } from './scan.js';

export interface DescribeImageFolderOptions {
  /** Only these class folders (default: all, sorted like `imageFolder`). */
  classes?: readonly string[];
  /** File extensions to read, case-insensitive (default: `imageFolder`'s). */
  extensions?: readonly string[];
  /**
   * A file whose header cannot be read: 'skip' (default: leave it out and list it in `skipped`,
   * so one bad file does not stop the look at the data) or 'throw'.
   */
  onError?: OnError;
  /** Refuse (or, with 'skip', list) images with more pixels than this (default: no limit). */
  maxPixels?: number;
  /** Headers read in parallel (default 16). */
  concurrency?: number;
  /** Progress, phase 'describe', one unit per file. */
  onProgress?: OnProgress;
}

/**
 * Exploratory statistics of an ImageFolder-style directory (`dir/<class>/**`): per class and in
 * total, the image count, min / max / mean width and height, and counts of channels and formats.
 * Only file headers are read (sharp metadata; EXIF orientation applied to width and height), no
 * pixel is decoded, so it is fast on big folders. Classes and files are found as `imageFolder`
 * finds them; hidden files and other extensions are in `skipped` (E_UNSUPPORTED_FILE).
 * `formatStatsTable(stats)` prints it; `JSON.stringify(stats)` saves it.
 *
 * Throws E_NOT_FOUND, E_NOT_A_DIRECTORY, E_NO_CLASSES, E_UNKNOWN_CLASS; with onError 'throw' also
 * E_IMAGE_DECODE / E_IMAGE_TOO_LARGE for the first unreadable file.
 */
export async function describeImageFolder(dir: string, options: DescribeImageFolderOptions = {}): Promise<ImageStats> {
  const onError = options.onError ?? 'skip';
  const concurrency = options.concurrency ?? 16;
  const extensions = (options.extensions ?? DEFAULT_IMAGE_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  assertArgument(onError === 'throw' || onError === 'skip', `describeImageFolder: onError must be 'throw' or 'skip', got ${String(onError)}`);
  assertArgument(Number.isInteger(concurrency) && concurrency >= 1, `describeImageFolder: concurrency must be an integer >= 1, got ${concurrency}`);
  assertArgument(extensions.length > 0, 'describeImageFolder: extensions must not be empty');

  const folders = await listClassFolders(dir);
  if (folders.classes.length === 0) {
    throw new CxrError('E_NO_CLASSES', `${folders.root} has no class folders; describeImageFolder reads <dir>/<class>/* like imageFolder.`, { path: folders.root });
  }
  let classes = folders.classes;
  if (options.classes !== undefined) {
    const unknown = options.classes.filter((c) => !folders.classes.includes(c));
    if (unknown.length > 0) {
      throw new CxrError('E_UNKNOWN_CLASS', `No class folder ${unknown.map((c) => `'${c}'`).join(', ')} in ${folders.root}; available: ${folders.classes.join(', ')}.`, {
        path: folders.root,
      });
    }
    assertArgument(options.classes.length > 0, 'describeImageFolder: classes must name at least one class folder');
    classes = [...new Set(options.classes)].sort();
  }

  const skipped: SkippedFile[] = [...folders.skipped];
  const candidates: Array<{ path: string; label: number }> = [];
  for (const [label, name] of classes.entries()) {
    const listing = await listClassFiles(join(folders.root, name), extensions);
    skipped.push(...listing.skipped);
    candidates.push(...listing.files.map((path) => ({ path, label })));
  }

  let done = 0;
  const results = await mapLimit(candidates, concurrency, async ({ path, label }) => {
    try {
      const info = await readImageInfo(path, { maxPixels: options.maxPixels ?? Infinity });
      const facts: ImageFacts = { label, width: info.width, height: info.height, channels: info.channels, format: info.format };
      return { facts, error: null };
    } catch (error) {
      if (onError === 'throw') throw error;
      const e = error as CxrError;
      return { facts: null, error: { file: e.path ?? path, code: e.code ?? 'E_IMAGE_DECODE', reason: e.message } satisfies SkippedFile };
    } finally {
      options.onProgress?.({ phase: 'describe', current: ++done, total: candidates.length });
    }
  });
  const images = results.flatMap((r) => (r.facts ? [r.facts] : []));
  skipped.push(...results.flatMap((r) => (r.error ? [r.error] : [])));
  return summarizeImageStats(classes, images, skipped);
}
