export { writeImage, tensorToSharp, toPixels } from './node/write-image.js';
export { writeImageGrid } from './node/write-grid.js';
export type { ImageGridOptions } from './node/write-grid.js';
