import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createBackbone, getBackbone, listBackbones } from '@cxr/models';

describe('backbone registry', () => {
  it('lists every backbone of the seed articles', () => {
    expect(listBackbones()).toEqual(
      ['densenet121', 'densenet201', 'efficientnetb0', 'efficientnetb7', 'mobilenet', 'mobilenetv2', 'resnet50', 'vgg16'],
    );
  });

  it.each(['mobilenet', 'vgg16', 'densenet121', 'efficientnetb0'])('createBackbone(%s) gives its Keras parameter count', async (name) => {
    await tf.setBackend('cpu');
    const spec = getBackbone(name);
    const model = createBackbone(name, { inputShape: [64, 64, 3], seed: 1 });
    // Convolutional backbones without top: the count does not depend on the input size.
    expect(model.countParams()).toBe(spec.kerasParams);
    model.dispose();
  });

  it('unknown names and inputs below a backbone minimum are coded errors', () => {
    expect(() => createBackbone('alexnet')).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringContaining('vgg16') }));
    expect(() => createBackbone('vgg16', { inputShape: [16, 16, 3] })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
