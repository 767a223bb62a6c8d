export { addonPath, loadNativeAddon, type NativeAddon, type NativeLoad } from './addon.js';
export { nativeKernelsEnabled, registerNativeKernels, setNativeKernelsEnabled, type NativeStatus } from './kernels.js';
