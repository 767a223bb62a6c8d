import type { Rng } from '@cxr/core';
import type { PhantomFinding } from './findings.js';

/**
 * Everything random about one phantom image, drawn up front so rendering is a pure function.
 * Coordinates are "anatomy" coordinates: x, y in [-1, 1], x to the image right (the patient's
 * left, where the heart is), y downwards; the view transform maps them onto pixels.
 */
export interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** Rotation in radians. */
  angle: number;
}

/** An opacity inside the lungs: a gaussian haze (`rx`, `ry` are sigmas) or a dense patch with a soft edge. */
export interface Opacity extends Ellipse {
  shape: 'haze' | 'patch';
  amp: number;
}

export interface PhantomParams {
  view: { angle: number; scale: number; shiftX: number; shiftY: number };
  background: number;
  body: Ellipse;
  shoulders: Ellipse;
  bodyAmp: number;
  /** [patient's right (image left), patient's left (image right)]. */
  lungs: [Ellipse, Ellipse];
  lungDark: number;
  mediastinum: { halfWidth: number; amp: number; spinePeriod: number; spinePhase: number };
  heart: Ellipse;
  heartAmp: number;
  ribs: { top: number; spacing: number; curve: number; count: number; width: number; amp: number };
  clavicles: { y: number; slope: number; amp: number };
  opacities: Opacity[];
  effusion: { side: 0 | 1; level: number; amp: number } | null;
  contrast: number;
  brightness: number;
  gamma: number;
  noise: number;
}

export function samplePhantom(rng: Rng, finding: PhantomFinding): PhantomParams {
  const u = (min: number, max: number): number => rng.uniform(min, max);
  const bodyRx = u(0.78, 0.9);
  const lungRy = u(0.5, 0.6);
  const lungCy = u(-0.06, 0.04);
  const lungs: [Ellipse, Ellipse] = [
    { cx: -u(0.36, 0.42), cy: lungCy + u(-0.02, 0.02), rx: u(0.25, 0.3), ry: lungRy, angle: u(-0.12, -0.02) },
    { cx: u(0.36, 0.42), cy: lungCy + u(-0.02, 0.02), rx: u(0.23, 0.28), ry: lungRy * u(0.95, 1.02), angle: u(0.02, 0.12) },
  ];
  const heart: Ellipse = { cx: u(0.1, 0.17), cy: u(0.28, 0.38), rx: u(0.24, 0.29), ry: u(0.17, 0.21), angle: u(-0.5, -0.3) };
  if (finding === 'cardiomegaly') {
    heart.rx *= u(1.4, 1.55);
    heart.ry *= u(1.2, 1.3);
    heart.cx += 0.05;
  }
  return {
    view: { angle: u(-0.07, 0.07), scale: u(0.9, 1.04), shiftX: u(-0.05, 0.05), shiftY: u(-0.05, 0.05) },
    background: u(0.02, 0.08),
    body: { cx: 0, cy: 0.15, rx: bodyRx, ry: 1.0, angle: 0 },
    shoulders: { cx: 0, cy: -0.62, rx: bodyRx * 1.12, ry: 0.3, angle: 0 },
    bodyAmp: u(0.45, 0.55),
    lungs,
    lungDark: u(0.26, 0.33),
    mediastinum: { halfWidth: u(0.09, 0.12), amp: u(0.2, 0.26), spinePeriod: u(0.09, 0.11), spinePhase: u(0, 1) },
    heart,
    heartAmp: u(0.2, 0.26),
    ribs: { top: u(-0.62, -0.55), spacing: u(0.13, 0.16), curve: u(0.3, 0.45), count: 9, width: u(0.3, 0.4), amp: u(0.07, 0.11) },
    clavicles: { y: u(-0.62, -0.56), slope: u(0.15, 0.3), amp: u(0.1, 0.14) },
    opacities: sampleOpacities(rng, finding, lungs),
    effusion: finding === 'effusion' ? sampleEffusion(rng, lungs) : null,
    contrast: u(0.85, 1.2),
    brightness: u(-0.05, 0.05),
    gamma: u(0.85, 1.2),
    noise: u(0.01, 0.03),
  };
}

function sampleOpacities(rng: Rng, finding: PhantomFinding, lungs: [Ellipse, Ellipse]): Opacity[] {
  const u = (min: number, max: number): number => rng.uniform(min, max);
  const out: Opacity[] = [];
  if (finding === 'ground-glass') {
    // Bilateral, peripheral (lateral half of each lung) and lower-zone hazes.
    for (const lung of lungs) {
      const lateral = Math.sign(lung.cx);
      const count = 3 + rng.int(3);
      for (let k = 0; k < count; k++) {
        const r = u(0.08, 0.14);
        out.push({
          shape: 'haze',
          cx: lung.cx + lateral * u(0.25, 0.75) * lung.rx,
          cy: lung.cy + u(0.0, 0.7) * lung.ry,
          rx: r,
          ry: r * u(0.8, 1.3),
          angle: u(-0.5, 0.5),
          amp: u(0.2, 0.32),
        });
      }
    }
  } else if (finding === 'consolidation') {
    // One dense lobar patch (upper, middle or lower zone of one lung) with a faint satellite.
    const lung = lungs[rng.int(2)] as Ellipse;
    const zone = [-0.45, 0.05, 0.5][rng.int(3)] as number;
    const patch: Opacity = {
      shape: 'patch',
      // Kept lateral of the heart and mediastinum, which would hide it.
      cx: lung.cx + Math.sign(lung.cx) * u(0.0, 0.35) * lung.rx,
      cy: lung.cy + (zone + u(-0.1, 0.1)) * lung.ry,
      rx: lung.rx * u(0.7, 0.95),
      ry: lung.ry * u(0.3, 0.45),
      angle: u(-0.4, 0.4),
      amp: u(0.4, 0.5),
    };
    out.push(patch, {
      shape: 'haze',
      cx: patch.cx + u(-0.1, 0.1),
      cy: patch.cy + patch.ry * u(0.8, 1.2),
      rx: u(0.05, 0.08),
      ry: u(0.05, 0.08),
      angle: 0,
      amp: u(0.1, 0.16),
    });
  }
  return out;
}

function sampleEffusion(rng: Rng, lungs: [Ellipse, Ellipse]): PhantomParams['effusion'] {
  const side = rng.int(2) as 0 | 1;
  const lung = lungs[side];
  return { side, level: lung.cy + lung.ry * rng.uniform(0.3, 0.6), amp: rng.uniform(0.3, 0.4) };
}
