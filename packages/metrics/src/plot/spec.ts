import type { TopLevelSpec } from 'vega-lite';

/** A vega-lite (v6) spec: plain JSON-serializable data, render it with vega-embed or `@cxr/metrics/node`. */
export type VegaLiteSpec = TopLevelSpec;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options every plot takes. */
export interface PlotOptions {
  title?: string;
  /** Plot area size in pixels (axes, title and legend come on top). */
  width?: number;
  height?: number;
}
