import { describe, expect, it } from 'vitest';
import { rocCurvesOvr } from '@cxr/metrics';
import golden from './fixtures/golden-roc-ovr.json';

const close = (actual: number[], expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
};

describe(`rocCurvesOvr matches scikit-learn ${golden.sklearn}'s multiclass ROC example`, () => {
  it.each(golden.cases)('$name', (c) => {
    const curves = rocCurvesOvr(c.yTrue, c.yScore);
    close(curves.perClass.map((p) => p.auc), c.perClassAuc);
    close(curves.micro.fpr, c.micro.fpr);
    close(curves.micro.tpr, c.micro.tpr);
    expect(curves.micro.auc).toBeCloseTo(c.micro.auc, 12);
    close(curves.macro.fpr, c.macro.fpr);
    close(curves.macro.tpr, c.macro.tpr);
    expect(curves.macro.auc).toBeCloseTo(c.macro.auc, 12);
  });

  it('rejects mismatched shapes and a single score column', () => {
    expect(() => rocCurvesOvr([0, 1], [[0.5, 0.5]])).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => rocCurvesOvr([0, 0], [[1], [1]])).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
