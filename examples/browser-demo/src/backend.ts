import * as tf from '@tensorflow/tfjs-core';
// The page registers every backend it may use; selectBackend picks among the registered ones.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, selectBackend, type BackendChoice, type BackendName } from '@cxr/core';

export interface BackendInfo {
  choice: BackendChoice;
  /** WebGL only: whether float32 textures can be rendered to; false means fp16 math (≈3 significant digits). */
  webglFloat32?: boolean;
  /** WebGL only: the GL renderer string (e.g. SwiftShader when there is no GPU). */
  webglRenderer?: string;
}

/** `?backend=wasm` (or the select box) forces one; default 'auto' = webgl → webgpu → wasm → cpu. */
export function requestedBackend(): BackendName | 'auto' {
  const value = new URLSearchParams(location.search).get('backend') ?? 'auto';
  return (BACKEND_NAMES as readonly string[]).includes(value) ? (value as BackendName) : 'auto';
}

export async function startBackend(): Promise<BackendInfo> {
  // The .wasm binaries are served next to the page (vite.config.ts copies them).
  setWasmPaths(new URL('./tfjs-wasm/', location.href).href);
  const choice = await selectBackend({ backend: requestedBackend() });
  const info: BackendInfo = { choice };
  if (choice.name === 'webgl') {
    info.webglFloat32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE');
    info.webglRenderer = webglRenderer();
  }
  return info;
}

function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return 'unknown';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

export function describe(info: BackendInfo): string {
  const parts = [info.choice.reason];
  if (info.webglFloat32 !== undefined) parts.push(info.webglFloat32 ? 'float32 textures' : 'fp16 only: expect ~1e-3 differences');
  if (info.webglRenderer) parts.push(`renderer: ${info.webglRenderer}`);
  return `(${parts.join('; ')})`;
}
