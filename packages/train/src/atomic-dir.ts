import { access, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Phases of `replaceDirAtomic`, for tests that interrupt it. */
export type ReplacePhase = 'writing' | 'written' | 'swapping';

const exists = (path: string) => access(path).then(() => true, () => false);
const tag = () => `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;

/**
 * Put a complete directory in place of `target`: `write` fills a temporary sibling directory
 * (`<target>.tmp-*`); then the old `target` is renamed away (`<target>.old-*`), the temporary
 * directory renamed to `target`, and the old one removed. A crash while writing leaves the
 * old directory untouched; a crash between the two renames leaves a complete `.old-*` and a
 * complete `.tmp-*` sibling, which `recoverDir` (called by the next write and by loaders) puts back.
 */
export async function replaceDirAtomic(
  target: string,
  write: (tmpDir: string) => Promise<void>,
  onPhase?: (phase: ReplacePhase, tmpDir: string) => Promise<void> | void,
  /** What makes a directory complete, for `recoverDir` (default: it has a model.json). */
  complete?: (dir: string) => Promise<boolean>,
): Promise<void> {
  const abs = resolve(target);
  await recoverDir(abs, complete);
  const tmp = `${abs}.tmp-${tag()}`;
  try {
    await onPhase?.('writing', tmp);
    await write(tmp);
    await onPhase?.('written', tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = `${abs}.old-${tag()}`;
  const hadOld = await exists(abs);
  if (hadOld) await rename(abs, old);
  await onPhase?.('swapping', tmp);
  await rename(tmp, abs);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/**
 * Repair what an interrupted `replaceDirAtomic` left beside `target`: when `target` is missing,
 * the newest complete `.tmp-*` (one with `complete(dir)` true: by default a model.json, which
 * saveModel writes last) or else an `.old-*` is renamed back to `target`; leftovers are removed.
 */
export async function recoverDir(target: string, complete: (dir: string) => Promise<boolean> = (d) => exists(join(d, 'model.json'))): Promise<void> {
  const abs = resolve(target);
  const parent = dirname(abs);
  const name = basename(abs);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const tmps = entries.filter((e) => e.startsWith(`${name}.tmp-`)).map((e) => join(parent, e));
  const olds = entries.filter((e) => e.startsWith(`${name}.old-`)).map((e) => join(parent, e));
  if (tmps.length === 0 && olds.length === 0) return;
  if (!(await exists(abs))) {
    // Only an interrupted swap leaves an .old-*, and its .tmp-* was complete by then.
    const candidates = olds.length ? [...tmps.sort().reverse(), ...olds] : [];
    for (const candidate of candidates) {
      if (await complete(candidate)) {
        await rename(candidate, abs);
        break;
      }
    }
  }
  for (const leftover of [...tmps, ...olds]) {
    if (leftover !== abs) await rm(leftover, { recursive: true, force: true });
  }
}
