import * as tf from '@tensorflow/tfjs-core';
import { resize } from './resize.js';
import { centerCrop } from './center-crop.js';
import type { ImageTensor } from './image-tensor.js';

/** torchvision `Compose([Resize(size), CenterCrop(size)])`: shorter side to `size`, then the centre square. */
export function resizeAndCenterCrop<T extends ImageTensor>(image: T, size: number): T {
  return tf.tidy(() => centerCrop(resize(image, size), size));
}
