// @cxr/metrics/node — render the specs of @cxr/metrics/plot to SVG/PNG in Node (vega + sharp).
export { renderSpec, type RenderOptions, type PlotFormat } from './node/render';
export { writePlot, type WritePlotOptions } from './node/write';
