import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CxrError, assertArgument } from '@cxr/core';
import type { SampleDataset } from '../types.js';

export interface ExportToFoldersOptions {
  /** Folder name per class (default: the class name), e.g. `{ 'COVID-19': 'covid_positive', other: 'covid_negative' }`. */
  folderNames?: Readonly<Record<string, string>>;
  /** Replace files already in `outDir` (default false: E_IO if one exists). */
  overwrite?: boolean;
}

export interface ExportedFolders {
  outDir: string;
  /** Files written per class folder. */
  counts: Record<string, number>;
  files: { from: string; to: string; className: string }[];
}

/**
 * Copy a dataset's image files into `outDir/<class>/<file name>` (the article's covid_positive /
 * covid_negative folders), byte for byte: nothing is decoded. The result is an `imageFolder` layout.
 * Throws E_BAD_ARGUMENT for a folder name with a path separator or two files with one name in one
 * class, E_IO when a target exists (without overwrite) or a copy fails.
 */
export async function exportToFolders(dataset: SampleDataset, outDir: string, options: ExportToFoldersOptions = {}): Promise<ExportedFolders> {
  const classes = dataset.classes;
  const folder = (c: string): string => options.folderNames?.[c] ?? c;
  for (const c of classes) {
    const name = folder(c);
    assertArgument(name !== '' && name !== '.' && name !== '..' && !/[\\/]/.test(name), `exportToFolders: '${name}' (class '${c}') cannot be a folder name; pass folderNames`);
  }
  const labels = dataset.labels();
  const plan = dataset.files().map((from, i) => {
    const className = classes[labels[i] as number] as string;
    return { from, to: join(outDir, folder(className), basename(from)), className };
  });
  const seen = new Map<string, string>();
  for (const p of plan) {
    const other = seen.get(p.to);
    assertArgument(other === undefined, `exportToFolders: ${other} and ${p.from} would both become ${p.to}`);
    seen.set(p.to, p.from);
  }
  for (const c of classes) await mkdir(join(outDir, folder(c)), { recursive: true });
  const counts: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
  for (const p of plan) {
    try {
      await copyFile(p.from, p.to, options.overwrite ? 0 : 1 /* COPYFILE_EXCL */);
    } catch (error) {
      const exists = (error as { code?: unknown }).code === 'EEXIST';
      throw new CxrError('E_IO', exists ? `${p.to} exists already; pass overwrite: true or use an empty outDir` : `Cannot copy ${p.from} to ${p.to}: ${(error as Error).message}`, {
        path: p.to,
        cause: error,
      });
    }
    counts[p.className]! += 1;
  }
  return { outDir, counts, files: plan };
}
