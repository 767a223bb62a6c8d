import { describe, expect, it } from 'vitest';
import { averagePrecision, calibrationCurve, precisionRecallCurve } from '@cxr/metrics';
import { prCurveSpec, reliabilityDiagramSpec } from '@cxr/metrics/plot';
import { renderSpec } from '@cxr/metrics/node';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const asJson = (spec: unknown): Json => JSON.parse(JSON.stringify(spec)) as Json;
const yTrue = [0, 0, 1, 1, 0, 1, 1, 0];
const yProb = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.6, 0.7];

describe('prCurveSpec', () => {
  it('draws step curves labelled with AP, and a chance line', async () => {
    const curve = precisionRecallCurve(yTrue, yProb);
    const ap = averagePrecision(yTrue, yProb);
    const spec = asJson(prCurveSpec([{ name: 'COVID19', ...curve, averagePrecision: ap }], { chanceLevel: 0.5 }));
    expect(spec['title']).toBe('Precision-Recall Curve');
    const [chance, line] = spec['layer'];
    expect(chance.data.values).toEqual([{ recall: 0, precision: 0.5 }, { recall: 1, precision: 0.5 }]);
    expect(line.mark).toEqual({ type: 'line', interpolate: 'step-after' });
    expect(line.encoding.color.sort).toEqual([`COVID19 (AP = ${ap.toFixed(2)})`]);
    expect(line.data.values).toHaveLength(curve.recall.length);
    expect(await renderSpec(prCurveSpec([{ name: 'a', ...curve }]), { format: 'svg' })).toContain('Recall');
  });

  it('rejects empty input and mismatched arrays', () => {
    expect(() => prCurveSpec([])).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => prCurveSpec([{ name: 'a', precision: [1], recall: [1, 0] }])).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
  });
});

describe('reliabilityDiagramSpec', () => {
  it('draws the bins over the diagonal, point size by count', async () => {
    const curve = calibrationCurve(yTrue, yProb, { nBins: 4 });
    const spec = asJson(reliabilityDiagramSpec([{ name: 'model', ...curve }]));
    const [diagonal, line, points] = spec['layer'];
    expect(diagonal.mark.strokeDash).toEqual([4, 4]);
    expect(line.data.values).toEqual(curve.probPred.map((p, i) => ({ probPred: p, probTrue: curve.probTrue[i], count: curve.counts[i], curve: 'model' })));
    expect(points.encoding.size.field).toBe('count');
    expect(await renderSpec(reliabilityDiagramSpec([{ name: 'model', ...curve }]), { format: 'svg' })).toContain('Fraction of positives');
  });

  it('rejects mismatched arrays', () => {
    expect(() => reliabilityDiagramSpec([{ name: 'a', probTrue: [1], probPred: [] }])).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
  });
});
