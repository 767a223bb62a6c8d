import { CxrError } from '@cxr/core';

/**
 * What a phantom image shows besides normal anatomy.
 * - `normal`: clear lungs.
 * - `ground-glass`: bilateral, peripheral, lower-zone hazy opacities (the typical COVID-19 pattern).
 * - `consolidation`: one dense lobar opacity in one lung (bacterial / viral pneumonia).
 * - `effusion`: fluid filling the base of one lung with a meniscus.
 * - `cardiomegaly`: an enlarged heart shadow.
 */
export type PhantomFinding = 'normal' | 'ground-glass' | 'consolidation' | 'effusion' | 'cardiomegaly';

export const PHANTOM_FINDINGS: readonly PhantomFinding[] = ['normal', 'ground-glass', 'consolidation', 'effusion', 'cardiomegaly'];

// Class names as they appear in public datasets (folder names, CSV labels), lower-case, letters and digits only.
const ALIASES: Record<string, PhantomFinding> = {
  normal: 'normal',
  nofinding: 'normal',
  healthy: 'normal',
  groundglass: 'ground-glass',
  ggo: 'ground-glass',
  covid: 'ground-glass',
  covid19: 'ground-glass',
  sarscov2: 'ground-glass',
  consolidation: 'consolidation',
  pneumonia: 'consolidation',
  viralpneumonia: 'consolidation',
  bacterialpneumonia: 'consolidation',
  lungopacity: 'consolidation',
  effusion: 'effusion',
  pleuraleffusion: 'effusion',
  cardiomegaly: 'cardiomegaly',
};

/** The finding a class name stands for (`'COVID19'` → ground-glass, `'PNEUMONIA'` → consolidation, …). */
export function findingForClass(name: string, overrides: Readonly<Record<string, PhantomFinding>> = {}): PhantomFinding {
  const explicit = overrides[name];
  if (explicit !== undefined) {
    if (!PHANTOM_FINDINGS.includes(explicit)) {
      throw new CxrError('E_BAD_ARGUMENT', `Unknown phantom finding '${explicit}' for class '${name}'; use one of ${PHANTOM_FINDINGS.join(', ')}.`);
    }
    return explicit;
  }
  const found = ALIASES[name.toLowerCase().replace(/[^a-z0-9]/g, '')];
  if (found === undefined) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `No phantom finding for class '${name}'. Name classes like ${Object.keys(ALIASES).slice(0, 8).join(', ')}, … ` +
        `or map it: findings: { '${name}': 'ground-glass' } (one of ${PHANTOM_FINDINGS.join(', ')}).`,
    );
  }
  return found;
}
