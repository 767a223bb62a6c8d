import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { MetricsError } from '../errors';
import type { VegaLiteSpec } from '../plot/spec';
import { renderSpec, type PlotFormat } from './render';

export interface WritePlotOptions {
  /** Pixels per spec unit; see `renderSpec`. */
  scale?: number;
}

/**
 * Render a vega-lite spec to `path`, as SVG or PNG by the file's extension (`.svg` / `.png`).
 * Missing parent directories are created.
 */
export async function writePlot(spec: VegaLiteSpec, path: string, options: WritePlotOptions = {}): Promise<void> {
  const format = formatOf(path);
  const data = await renderSpec(spec, { format, ...(options.scale === undefined ? {} : { scale: options.scale }) });
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  } catch (cause) {
    throw new MetricsError('E_IO', `could not write the plot to ${path}: ${(cause as Error).message}`, { path, cause });
  }
}

function formatOf(path: string): PlotFormat {
  const ext = typeof path === 'string' ? extname(path).toLowerCase() : '';
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new MetricsError('E_BAD_ARGUMENT', `cannot tell the plot format of ${String(path)}: end the file name in .svg or .png.`, {
    path: String(path),
  });
}
