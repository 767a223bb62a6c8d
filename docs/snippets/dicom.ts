// docs/dicom.md — decode a DICOM chest X-ray into a tensor (browser-safe main entry + Node path reader).
import * as tf from '@tensorflow/tfjs-core';
import { decodeDicom, rawImageToTensor, type DicomImage } from '@cxr/data';
import { readDicom } from '@cxr/data/node';

export function toTensor(bytes: Uint8Array): tf.Tensor3D {
  const image: DicomImage = decodeDicom(bytes, { window: 'auto' });
  if (image.meta.inverted) console.log('MONOCHROME1: inverted so that bone is bright');
  return rawImageToTensor(image);
}

export async function lungWindowPng8(path: string): Promise<Uint8Array> {
  const image = await readDicom(path, { window: { center: -600, width: 1500 }, output: 'uint8' });
  return image.data as Uint8Array;
}
