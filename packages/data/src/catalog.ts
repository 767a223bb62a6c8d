import { CxrError, assertArgument, isCxrError } from '@cxr/core';
import { checkRawImage } from './pixels.js';
import type { OnError, RawImage, SkippedFile } from './types.js';

/** One element of a dataset before decoding: where to get it, its class, and a name to report. */
export interface SourceItem<S> {
  source: S;
  /** Class index into `classes`. */
  label: number;
  /** Path, URL or id shown in errors and reports. */
  file: string;
}

/** Turns a source into pixels; may be async (file reads, image decoders). Throw to reject a file. */
export type DecodeFn<S> = (source: S, file: string) => RawImage | Promise<RawImage>;

/** A fetch never rejects, so prefetched decodes that nobody awaits (early `break`) stay quiet. */
export type Fetched = { ok: true; raw: RawImage } | { ok: false; error: CxrError };

/**
 * The shared state under a dataset and all views made from it: the items, which of them are
 * still usable, and what was skipped. Views (shuffle, take, map, …) only hold indices into it, so
 * a file that fails to decode in one pass is left out of every view from then on.
 */
export class Catalog<S> {
  readonly classes: readonly string[];
  readonly items: readonly SourceItem<S>[];
  readonly onError: OnError;
  private readonly decode: DecodeFn<S>;
  private readonly alive: Uint8Array;
  private readonly skipped: SkippedFile[];
  private aliveCount: number;

  constructor(options: {
    classes: readonly string[];
    items: readonly SourceItem<S>[];
    decode: DecodeFn<S>;
    onError: OnError;
    skipped: readonly SkippedFile[];
  }) {
    const { classes, items } = options;
    assertArgument(new Set(classes).size === classes.length, `classes must be unique, got [${classes.join(', ')}]`);
    for (const item of items) {
      assertArgument(
        Number.isInteger(item.label) && item.label >= 0 && item.label < classes.length,
        `label ${item.label} of ${item.file} is not a class index in [0, ${classes.length})`,
      );
    }
    this.classes = Object.freeze([...classes]);
    this.items = items;
    this.decode = options.decode;
    this.onError = options.onError;
    this.skipped = [...options.skipped];
    this.alive = new Uint8Array(items.length).fill(1);
    this.aliveCount = items.length;
  }

  get size(): number {
    return this.aliveCount;
  }

  isAlive(index: number): boolean {
    return this.alive[index] === 1;
  }

  skippedFiles(): SkippedFile[] {
    return this.skipped.map((s) => ({ ...s }));
  }

  async fetch(index: number): Promise<Fetched> {
    const item = this.items[index] as SourceItem<S>;
    try {
      const raw = await this.decode(item.source, item.file);
      checkRawImage(raw, item.file);
      return { ok: true, raw };
    } catch (error) {
      return { ok: false, error: asDecodeError(error, item.file) };
    }
  }

  /** A decode failed during a pass: throw (onError 'throw') or leave the item out for good and report it. */
  fail(index: number, error: CxrError): void {
    if (this.onError === 'throw') throw error;
    if (this.alive[index] === 0) return;
    this.alive[index] = 0;
    this.aliveCount--;
    const item = this.items[index] as SourceItem<S>;
    this.skipped.push({ file: item.file, code: error.code, reason: error.message });
  }
}

function asDecodeError(error: unknown, file: string): CxrError {
  if (isCxrError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new CxrError(
    'E_IMAGE_DECODE',
    `Cannot decode ${file}: ${detail}. Fix or remove the file, or pass onError: 'skip' to leave it out and list it in report().`,
    { path: file, cause: error },
  );
}
