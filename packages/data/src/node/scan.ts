import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { CxrError } from '@cxr/core';
import type { SkippedFile } from '../types.js';

/** Extensions read by default (case-insensitive): what sharp decodes out of the box, and DICOM (@cxr/data's own reader). */
export const DEFAULT_IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif', '.avif', '.dcm'];

export interface ClassFolders {
  /** The folder, resolved to an absolute path. */
  root: string;
  /** Sub-folder names, sorted by code point like Python's `sorted()` (ImageFolder's class order). */
  classes: string[];
  /** Files and hidden folders at the top level, which belong to no class. */
  skipped: SkippedFile[];
}

/** The class folders of an ImageFolder-style directory (`root/<class>/...`). */
export async function listClassFolders(dir: string): Promise<ClassFolders> {
  const root = resolve(dir);
  const st = await stat(root).catch((error: unknown) => {
    throw ioError(error, root, 'directory');
  });
  if (!st.isDirectory()) {
    throw new CxrError('E_NOT_A_DIRECTORY', `${root} is a file, not a directory. Pass the folder that holds one sub-folder per class (e.g. data/train with data/train/NORMAL/*.png).`, {
      path: root,
    });
  }
  const classes: string[] = [];
  const skipped: SkippedFile[] = [];
  const rootReal = await realpath(root);
  for (const entry of await readEntries(root)) {
    const path = join(root, entry.name);
    if (entry.name.startsWith('.')) {
      skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: entry.isDir ? 'hidden folder, not a class' : 'hidden file' });
    } else if (entry.isDir && entry.isLink && (await loopsBack(path, rootReal))) {
      skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: 'symbolic link loop (it points to the dataset folder or above), not a class' });
    } else if (entry.isDir) {
      classes.push(entry.name);
    } else {
      skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: 'file outside any class folder (images go in <dir>/<class>/)' });
    }
  }
  return { root, classes: classes.sort(), skipped };
}

/**
 * Image files under one class folder, recursively (like ImageFolder's os.walk, symlinks followed),
 * sorted by folder then name. Hidden entries, other extensions and links back up the tree (a loop
 * torchvision would follow until the path is too long) are reported, not returned.
 */
export async function listClassFiles(classDir: string, extensions: readonly string[]): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const found: Array<[dir: string, name: string]> = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return; // reached twice through links: list its files once
    seen.add(real);
    for (const entry of await readEntries(dir)) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: entry.isDir ? 'hidden folder' : 'hidden file' });
      } else if (entry.isDir && entry.isLink && (await loopsBack(path, real))) {
        // Following it would walk the dataset again and file other classes' images under this one.
        skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: 'symbolic link loop (it points to a folder above it), not followed' });
      } else if (entry.isDir) {
        await walk(path);
      } else if (extensions.includes(extname(entry.name).toLowerCase())) {
        found.push([dir, entry.name]);
      } else {
        skipped.push({ file: path, code: 'E_UNSUPPORTED_FILE', reason: `not an image extension (reads ${extensions.join(' ')})` });
      }
    }
  };
  await walk(classDir);
  found.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
  return { files: found.map(([dir, name]) => join(dir, name)), skipped };
}

interface Entry {
  name: string;
  isDir: boolean;
  isLink: boolean;
}

/** Whether the linked folder at `path` is `fromReal` itself or one of its ancestors (following it loops). */
async function loopsBack(path: string, fromReal: string): Promise<boolean> {
  const target = await realpath(path).catch(() => null);
  if (target === null) return false;
  return fromReal === target || fromReal.startsWith(target.endsWith(sep) ? target : target + sep);
}

async function readEntries(dir: string): Promise<Entry[]> {
  const dirents = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw ioError(error, dir, 'directory');
  });
  const entries: Entry[] = [];
  for (const d of dirents) {
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) isDir = (await stat(join(dir, d.name)).catch(() => null))?.isDirectory() ?? false;
    entries.push({ name: d.name, isDir, isLink: d.isSymbolicLink() });
  }
  return entries.sort((a, b) => compare(a.name, b.name));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function ioError(error: unknown, path: string, what: string): CxrError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new CxrError('E_NOT_FOUND', `No such ${what}: ${path}. Check the path; it should hold one sub-folder per class (e.g. ${join(path, 'NORMAL')}/*.png).`, {
      path,
      cause: error,
    });
  }
  if (code === 'ENOTDIR') return new CxrError('E_NOT_A_DIRECTORY', `${path} is not a directory.`, { path, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new CxrError('E_IO', `Cannot read ${what} ${path}: ${message}. Check that it exists and is readable.`, { path, cause: error });
}
