import sharp from 'sharp';
import type { Runtime } from 'vega';
import { MetricsError } from '../errors';
import type { VegaLiteSpec } from '../plot/spec';

export type PlotFormat = 'svg' | 'png';

export interface RenderOptions<F extends PlotFormat = PlotFormat> {
  format: F;
  /**
   * Pixels per spec unit. Default 1 for SVG and 2 for PNG, so PNGs stay sharp on high-DPI screens
   * and in documents: a 480×240 plot becomes a ~1000×500 PNG.
   */
  scale?: number;
}

/**
 * Render a vega-lite spec headless: compiled with vega-lite, laid out by a vega View with no
 * renderer attached, serialized to SVG, and for PNG rasterized by sharp (librsvg with the system
 * fonts, so text needs a sans-serif font installed, e.g. DejaVu).
 */
export function renderSpec(spec: VegaLiteSpec, options: RenderOptions<'svg'>): Promise<string>;
export function renderSpec(spec: VegaLiteSpec, options: RenderOptions<'png'>): Promise<Buffer>;
export function renderSpec(spec: VegaLiteSpec, options: RenderOptions): Promise<string | Buffer>;
export async function renderSpec(spec: VegaLiteSpec, options: RenderOptions): Promise<string | Buffer> {
  const { format } = options;
  if (format !== 'svg' && format !== 'png') {
    throw new MetricsError('E_BAD_ARGUMENT', `format must be 'svg' or 'png', got ${JSON.stringify(format)}.`);
  }
  const scale = options.scale ?? (format === 'png' ? 2 : 1);
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    throw new MetricsError('E_BAD_ARGUMENT', `scale must be a positive number, got ${String(scale)}.`);
  }
  const svg = await toSvg(spec, scale);
  if (format === 'svg') return svg;
  // The SVG already carries the scaled pixel size, so rasterize it 1:1 (72 dpi = 1 px per unit).
  return sharp(Buffer.from(svg), { density: 72 }).png().toBuffer();
}

// vega's ESM graph uses top-level await, which `require()` cannot load: import it lazily so the
// CommonJS build works too (and importing this module stays cheap until something is rendered).
let modules: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;
function loadVega(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

async function toSvg(spec: VegaLiteSpec, scale: number): Promise<string> {
  const [vega, vegaLite] = await loadVega();
  let runtime: Runtime;
  try {
    runtime = vega.parse(vegaLite.compile(spec).spec);
  } catch (cause) {
    throw new MetricsError('E_BAD_ARGUMENT', `the spec is not valid vega-lite: ${(cause as Error).message}`, { cause });
  }
  const view = new vega.View(runtime, { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}
