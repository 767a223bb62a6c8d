export { saliencyMap } from './saliency.js';
export type { SaliencyOptions } from './saliency.js';
export { applyColormap } from './colormap.js';
export type { ColormapName } from './colormap.js';
export { overlayHeatmap } from './overlay.js';
export type { OverlayOptions } from './overlay.js';
export { gradCam, gradCamPlusPlus, defaultGradCamLayer } from './gradcam.js';
export type { GradCamOptions } from './gradcam.js';
export { convLayerCandidates } from './graph.js';
