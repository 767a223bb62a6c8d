// The `browser` export of @cxr/native: the same names and types as the Node entry, without the
// addon, so a bundler that meets the package (a dependency of @cxr/core) never sees node:fs or a
// .node binary. Nothing is registered; callers keep the backend's own kernels.
export type { NativeAddon, NativeLoad } from './addon.js';
export type { NativeStatus } from './kernels.js';
import type { NativeLoad } from './addon.js';
import type { NativeStatus } from './kernels.js';

const reason = 'native kernels run only in Node';

/** There is no binary to find outside Node. */
export function addonPath(): string {
  throw new Error(`cxr native: ${reason}`);
}

export function loadNativeAddon(): NativeLoad {
  return { addon: null, reason };
}

export function registerNativeKernels(_backendName: 'wasm' | 'cpu'): NativeStatus {
  return { active: false, reason, kernels: [] };
}

// The same process-wide switch as the Node entry (kernels.ts), so the two never disagree.
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('cxr.native.kernels')] ??= {
  enabled: true,
  registered: new Map<string, NativeStatus>(),
}) as { enabled: boolean };

export function setNativeKernelsEnabled(on: boolean): void {
  state.enabled = on;
}
export function nativeKernelsEnabled(): boolean {
  return state.enabled;
}
