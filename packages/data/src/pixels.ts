import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { RawImage } from './types.js';

/** Throw a coded error unless `raw` is a well-formed image (catches decoders that return garbage). */
export function checkRawImage(raw: RawImage, file: string): void {
  const { width, height, channels, data } = raw;
  const dimsOk = [width, height, channels].every((v) => Number.isInteger(v) && v > 0);
  if (!dimsOk || data.length !== width * height * channels) {
    throw new CxrError(
      'E_IMAGE_DECODE',
      `Decoded image ${file} is malformed: ${width}x${height}x${channels} needs ${width * height * channels} values, got ${data.length}. ` +
        'The decode function must return row-major [height, width, channels] pixels.',
      { path: file },
    );
  }
}

/**
 * Pixels as a new float32 array in [0, 1] (integers scaled by their type's maximum, floats copied
 * as they are). Always a copy: a tensor may share its array with the backend, and a cached image
 * must not change when someone writes into a tensor's data.
 */
export function rawToFloat32(raw: RawImage): Float32Array {
  const { data } = raw;
  if (data instanceof Float32Array) return data.slice();
  const scale = data instanceof Uint16Array ? 1 / 65535 : 1 / 255;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) * scale;
  return out;
}

/** A float32 [height, width, channels] tensor in [0, 1]; the caller disposes it. */
export function rawImageToTensor(raw: RawImage): tf.Tensor3D {
  return tf.tensor3d(rawToFloat32(raw), [raw.height, raw.width, raw.channels], 'float32');
}

/** Read a [h, w, c] tensor back into a float32 RawImage (values as they are, no scaling). */
export function tensorToRawImage(image: tf.Tensor3D): RawImage {
  const [height, width, channels] = image.shape;
  return { data: (image.dataSync() as Float32Array).slice(), width, height, channels };
}
