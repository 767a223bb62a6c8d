import { assertArgument } from '@cxr/core';
import type { SkippedFile } from './types.js';

/**
 * Image-size statistics of a dataset (the article's EDA: count, min/max width and height per class).
 * Plain JSON: `JSON.stringify(stats)` and back gives the same object.
 */
export interface ImageStats {
  classes: string[];
  /** One row per class, in `classes` order. */
  perClass: ImageGroupStats[];
  /** All classes together. */
  total: ImageGroupStats;
  /** Files left out (unreadable header, too large), with reasons. */
  skipped: SkippedFile[];
}

export interface ImageGroupStats {
  /** Class name, or 'total'. */
  name: string;
  count: number;
  width: RangeStats;
  height: RangeStats;
  /** Images per channel count in the file ("1" gray, "3" RGB, "4" RGBA, …). */
  channels: Record<string, number>;
  /** Images per file format ("jpeg", "png", …, as sharp names them). */
  formats: Record<string, number>;
}

/** min / max / mean of a size in pixels; all null for a group with no image. */
export interface RangeStats {
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** One image's header facts, the input of `summarizeImageStats`. */
export interface ImageFacts {
  label: number;
  width: number;
  height: number;
  channels: number;
  format: string;
}

/** Group image facts per class and in total. Browser-safe; `describeImageFolder` feeds it from files. */
export function summarizeImageStats(classes: readonly string[], images: readonly ImageFacts[], skipped: readonly SkippedFile[] = []): ImageStats {
  assertArgument(Array.isArray(classes) && classes.length > 0, 'summarizeImageStats: classes must be a non-empty array of names');
  const perClass = classes.map((name, label) => group(name, images.filter((im) => im.label === label)));
  return { classes: [...classes], perClass, total: group('total', images), skipped: [...skipped] };
}

function group(name: string, images: readonly ImageFacts[]): ImageGroupStats {
  const range = (values: number[]): RangeStats =>
    values.length === 0
      ? { min: null, max: null, mean: null }
      : { min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)), mean: values.reduce((a, b) => a + b, 0) / values.length };
  const tally = (keys: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    name,
    count: images.length,
    width: range(images.map((im) => im.width)),
    height: range(images.map((im) => im.height)),
    channels: tally(images.map((im) => String(im.channels))),
    formats: tally(images.map((im) => im.format)),
  };
}

/**
 * A fixed-width text table, one row per class and a total row, like the article's Table 2 / a
 * pandas `describe()`: count, min / max / mean width and height, channels and formats.
 *
 * ```
 * class      count  min_w  max_w  mean_w  min_h  max_h  mean_h  channels  formats
 * COVID19      111    240   4095  1234.5  ...
 * ```
 * Means have `decimals` digits (default 1); an empty class shows '-'.
 */
export function formatStatsTable(stats: ImageStats, options: { decimals?: number } = {}): string {
  const decimals = options.decimals ?? 1;
  assertArgument(Number.isInteger(decimals) && decimals >= 0 && decimals <= 10, `formatStatsTable: decimals must be an integer in [0, 10], got ${decimals}`);
  assertArgument(stats !== null && typeof stats === 'object' && Array.isArray(stats.perClass) && stats.total !== undefined, 'formatStatsTable needs the object describeImageFolder / summarizeImageStats returns');
  const num = (v: number | null, mean = false): string => (v === null ? '-' : mean ? v.toFixed(decimals) : String(v));
  const tally = (t: Record<string, number>): string =>
    Object.entries(t)
      .map(([k, n]) => `${k}:${n}`)
      .join(' ') || '-';
  const header = ['class', 'count', 'min_w', 'max_w', 'mean_w', 'min_h', 'max_h', 'mean_h', 'channels', 'formats'];
  const rows = [...stats.perClass, stats.total].map((g) => [
    g.name,
    String(g.count),
    num(g.width.min),
    num(g.width.max),
    num(g.width.mean, true),
    num(g.height.min),
    num(g.height.max),
    num(g.height.mean, true),
    tally(g.channels),
    tally(g.formats),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  // Text columns left-aligned, numbers right-aligned, two spaces between columns.
  const left = new Set([0, 8, 9]);
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (left.has(c) ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
