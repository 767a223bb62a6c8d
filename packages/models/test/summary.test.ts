import { beforeAll, describe, expect, it } from 'vitest';
import { covidCnn, summarize, summary } from '@cxr/models';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

describe('summary', () => {
  it('lists every layer with type, Keras-style output shape and params, and the totals', () => {
    const model = covidCnn();
    const s = summarize(model);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual([
      ['features.0', 'Conv2D', '(None, 222, 222, 32)', 896],
      ['features.2', 'Conv2D', '(None, 220, 220, 64)', 18_496],
      ['features.4', 'MaxPooling2D', '(None, 110, 110, 64)', 0],
      ['features.5', 'Dropout', '(None, 110, 110, 64)', 0],
      ['features.6', 'Conv2D', '(None, 108, 108, 128)', 73_856],
      ['features.8', 'MaxPooling2D', '(None, 54, 54, 128)', 0],
      ['features.9', 'Dropout', '(None, 54, 54, 128)', 0],
      ['avg_pool', 'AdaptiveAveragePooling2D', '(None, 2, 2, 128)', 0],
      ['flatten', 'Flatten', '(None, 512)', 0],
      ['classifier.0', 'Dense', '(None, 64)', 32_832],
      ['classifier.2', 'Dropout', '(None, 64)', 0],
      ['classifier.3', 'Dense', '(None, 1)', 65],
    ]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([126_145, 126_145, 0]);

    const text = summary(model);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "covid_xray_detection"');
    expect(text).toMatch(/^ avg_pool \(AdaptiveAveragePooling2D\)\s+\(None, 2, 2, 128\)\s+0$/m);
    expect(text).toMatch(/^ features\.6 \(Conv2D\)\s+\(None, 108, 108, 128\)\s+73,856$/m);
    expect(text).toContain('Total params: 126,145');
    expect(text).toContain('Trainable params: 126,145');
    expect(text).toContain('Non-trainable params: 0');
    // Columns line up: every row's shape starts where the header's does.
    const col = (lines[2] as string).indexOf('Output Shape');
    expect(lines.filter((l) => l.includes('(None')).every((l) => l[col] === '(')).toBe(true);
    model.dispose();
  });

  it('counts frozen weights as non-trainable', () => {
    const model = covidCnn({ inputShape: [16, 16, 3] });
    model.getLayer('features.0').trainable = false;
    const s = summarize(model);
    expect(s.nonTrainableParams).toBe(896);
    expect(s.trainableParams).toBe(126_145 - 896);
    model.dispose();
  });
});
