import { describe, expect, it } from 'vitest';
import { MetricsError } from '@cxr/metrics';
import { VEGA_LITE_SCHEMA, confusionMatrixSpec, lossCurveSpec, rocCurveSpec, trainingCurveSpec } from '@cxr/metrics/plot';

// The specs are data: look into them through JSON, as a browser page would receive them.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const asJson = (spec: unknown): Json => JSON.parse(JSON.stringify(spec)) as Json;

describe('lossCurveSpec', () => {
  it('draws loss and val_loss by epoch from 1, titled like the article', () => {
    const spec = asJson(lossCurveSpec({ loss: [0.7, 0.5, 0.4], val_loss: [0.8, 0.6, 0.55], accuracy: [0.5, 0.7, 0.8] }));
    expect(spec['$schema']).toBe(VEGA_LITE_SCHEMA);
    expect(spec['title']).toBe('Model Training Loss by Epoch');
    expect(spec['mark']).toMatchObject({ type: 'line' });
    expect(spec['encoding'].x).toMatchObject({ field: 'epoch', title: 'Epochs' });
    expect(spec['encoding'].y).toMatchObject({ field: 'value', title: 'Loss' });
    expect(spec['encoding'].color.sort).toEqual(['loss', 'val_loss']);
    expect(spec['data'].values).toEqual([
      { epoch: 1, series: 'loss', value: 0.7 },
      { epoch: 2, series: 'loss', value: 0.5 },
      { epoch: 3, series: 'loss', value: 0.4 },
      { epoch: 1, series: 'val_loss', value: 0.8 },
      { epoch: 2, series: 'val_loss', value: 0.6 },
      { epoch: 3, series: 'val_loss', value: 0.55 },
    ]);
  });

  it("takes Keras/tfjs' History shape with its own epoch numbers, and options", () => {
    const spec = asJson(
      lossCurveSpec({ epoch: [0, 1], history: { loss: [0.9, 0.8] } }, { title: 'T', width: 300, height: 100 }),
    );
    expect(spec['data'].values.map((v: Json) => v['epoch'])).toEqual([0, 1]);
    expect(spec).toMatchObject({ title: 'T', width: 300, height: 100 });
  });

  it('leaves out non-finite values so the spec stays JSON', () => {
    const spec = lossCurveSpec({ loss: [0.5, Number.NaN, 0.3] });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(asJson(spec)['data'].values.map((v: Json) => v['epoch'])).toEqual([1, 3]);
  });

  it('says what is missing', () => {
    expect(() => lossCurveSpec({ accuracy: [0.5] })).toThrow(MetricsError);
    expect(() => trainingCurveSpec({ loss: [1] }, { metrics: ['auc'] })).toThrow(/no series "auc".*loss/);
    expect(() => trainingCurveSpec({ epoch: [1], history: { loss: [1, 2] } })).toThrow(/one epoch number per value/);
    expect(() => trainingCurveSpec(null as never)).toThrow(MetricsError);
  });
});

describe('trainingCurveSpec', () => {
  it('draws the chosen metrics in the given order', () => {
    const spec = asJson(trainingCurveSpec({ loss: [1], accuracy: [0.5], val_accuracy: [0.4] }, { metrics: ['val_accuracy', 'accuracy'], yTitle: 'Accuracy' }));
    expect(spec['encoding'].color.sort).toEqual(['val_accuracy', 'accuracy']);
    expect(spec['encoding'].y.title).toBe('Accuracy');
    expect(spec['data'].values.map((v: Json) => v['series'])).toEqual(['val_accuracy', 'accuracy']);
  });
});

describe('confusionMatrixSpec', () => {
  const cm = [
    [58, 2],
    [3, 57],
  ];

  it('is a heatmap with annotated cells: x = predicted, y = true, in matrix order', () => {
    const spec = asJson(confusionMatrixSpec(cm, { labels: ['COVID19', 'NORMAL'], title: 'Test Data Confusion Matrix' }));
    expect(spec['title']).toBe('Test Data Confusion Matrix');
    expect(spec['encoding'].x).toMatchObject({ field: 'predictedLabel', title: 'Predicted Labels', sort: ['COVID19', 'NORMAL'] });
    expect(spec['encoding'].y).toMatchObject({ field: 'trueLabel', title: 'True Labels', sort: ['COVID19', 'NORMAL'] });
    expect(spec['layer'].map((l: Json) => l['mark'].type)).toEqual(['rect', 'text']);
    expect(spec['layer'][1].encoding.text).toMatchObject({ field: 'value', format: 'd' });
    expect(spec['data'].values).toContainEqual({ trueLabel: 'NORMAL', predictedLabel: 'COVID19', value: 3 });
    expect(spec['data'].values).toHaveLength(4);
  });

  it('normalizes on request and formats ratios with two decimals', () => {
    const spec = asJson(confusionMatrixSpec(cm, { normalize: 'true' }));
    expect(spec['layer'][1].encoding.text.format).toBe('.2f');
    expect(spec['data'].values[0]).toEqual({ trueLabel: '0', predictedLabel: '0', value: 58 / 60 });
  });

  it('rejects matrices that are not square or labels that do not fit', () => {
    expect(() => confusionMatrixSpec([[1, 2]])).toThrow(/square/);
    expect(() => confusionMatrixSpec([])).toThrow(MetricsError);
    expect(() => confusionMatrixSpec([[Number.NaN]])).toThrow(/finite/);
    expect(() => confusionMatrixSpec(cm, { labels: ['a'] })).toThrow(/one unique name per class/);
    expect(() => confusionMatrixSpec(cm, { labels: ['a', 'a'] })).toThrow(MetricsError);
  });
});

describe('rocCurveSpec', () => {
  const curves = [
    { name: 'COVID19', fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1] },
    { name: 'NORMAL', fpr: [0, 0.5, 1], tpr: [0, 0.5, 1], auc: 0.5 },
  ];

  it('draws one line per curve with the AUC in its legend label, over a dashed chance diagonal', () => {
    const spec = asJson(rocCurveSpec(curves, { title: 'ROC' }));
    expect(spec['$schema']).toBe(VEGA_LITE_SCHEMA);
    expect(spec['title']).toBe('ROC');
    const [chance, lines] = spec['layer'];
    expect(chance.data.values).toEqual([{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }]);
    expect(chance.mark).toMatchObject({ type: 'line', strokeDash: [4, 4] });
    expect(chance.encoding.color).toBeUndefined();
    expect(lines.encoding.color.sort).toEqual(['COVID19 (AUC = 0.88)', 'NORMAL (AUC = 0.50)']);
    expect(lines.encoding.x).toMatchObject({ field: 'fpr', title: 'False Positive Rate' });
    expect(lines.encoding.y).toMatchObject({ field: 'tpr', title: 'True Positive Rate' });
    expect(lines.data.values.filter((v: Json) => v['curve'] === 'NORMAL (AUC = 0.50)')).toHaveLength(3);
  });

  it('leaves out non-finite points and the AUC of an undefined curve; rejects bad curves', () => {
    const spec = asJson(rocCurveSpec([{ name: 'x', fpr: [Number.NaN, Number.NaN], tpr: [0, 1] }], { chanceLine: false }));
    expect(spec['layer']).toHaveLength(1);
    expect(spec['layer'][0].data.values).toEqual([]);
    expect(spec['layer'][0].encoding.color.sort).toEqual(['x']);
    expect(() => rocCurveSpec([])).toThrow(MetricsError);
    expect(() => rocCurveSpec([{ name: 'a', fpr: [0, 1], tpr: [0] }])).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => rocCurveSpec([curves[0]!, curves[0]!])).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
