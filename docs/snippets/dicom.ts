// docs/dicom.md — decode a DICOM chest X-ray into a tensor (browser-safe main entry + Node path reader).
import type * as tf from '@tensorflow/tfjs-core';
import { decodeDicom, rawImageToTensor } from '@cxr/data'; // browser-safe
import { readDicom } from '@cxr/data/node'; // reads a path

export async function example(bytes: Uint8Array): Promise<[tf.Tensor3D, Uint8Array]> {
  // #region usage
  const image = decodeDicom(bytes); // Uint8Array | ArrayBuffer (e.g. await file.arrayBuffer())
  console.log(image.width, image.height, image.meta.photometricInterpretation, image.meta.voi);
  // image.data: Float32Array in [0, 1], row-major, one channel (MONOCHROME1 already inverted)
  const tensor = rawImageToTensor(image); // [rows, columns, 1] float32; the caller disposes it

  // Your own window (modality units, e.g. after rescale to HU), 8-bit output:
  const lung = await readDicom('scan.dcm', { window: { center: -600, width: 1500 }, output: 'uint8' });
  // #endregion usage
  return [tensor, lung.data as Uint8Array];
}
