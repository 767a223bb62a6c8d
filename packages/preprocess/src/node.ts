export { writeImage, tensorToSharp, toPixels } from './node/write-image.js';
export { writeImageGrid } from './node/write-grid.js';
export type { ImageGridOptions } from './node/write-grid.js';
export { writeTitledGrid } from './node/titled-grid.js';
export type { CellTitle, TitledGridOptions } from './node/titled-grid.js';
export { writePredictionGrid, PREDICTION_COLORS } from './node/prediction-grid.js';
export type { PredictionGridOptions, ClassLabel } from './node/prediction-grid.js';
export { writeAugmentationPreview } from './node/augmentation-preview.js';
export type { AugmentationPreviewOptions } from './node/augmentation-preview.js';
