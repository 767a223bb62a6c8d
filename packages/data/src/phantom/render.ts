import type { Rng } from '@cxr/core';
import type { Ellipse, Opacity, PhantomParams } from './params.js';

/** An ellipse prepared for fast point tests: centre, rotation and inverse radii. */
interface Shape {
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  irx: number;
  iry: number;
}

const shape = (e: Ellipse): Shape => ({ cx: e.cx, cy: e.cy, cos: Math.cos(e.angle), sin: Math.sin(e.angle), irx: 1 / e.rx, iry: 1 / e.ry });

/** Squared normalised radius of (x, y) in the ellipse: < 1 inside. */
function radius2(s: Shape, x: number, y: number): number {
  const dx = x - s.cx;
  const dy = y - s.cy;
  const u = (dx * s.cos + dy * s.sin) * s.irx;
  const v = (dy * s.cos - dx * s.sin) * s.iry;
  return u * u + v * v;
}

function smooth(t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}

/** 1 inside, 0 outside, with a smooth rim `edge` wide (in units of the radius): blurry anatomy edges. */
function soft(s: Shape, x: number, y: number, edge: number): number {
  const r2 = radius2(s, x, y);
  const outer = 1 + edge / 2;
  if (r2 >= outer * outer) return 0;
  return smooth((1 - Math.sqrt(r2)) / edge + 0.5);
}

/** A bump of height 1 over [0, width) of a unit period, 0 elsewhere (ribs, clavicles). */
function bump(f: number, width: number): number {
  if (f < 0 || f >= width) return 0;
  const q = (2 * f) / width - 1;
  return 1 - q * q;
}

/**
 * Rasterise one phantom into a size×size single-channel float image in [0, 1]. Everything is
 * closed-form per pixel (no canvas, no convolution), so a 64×64 image takes well under a millisecond.
 */
export function renderPhantom(p: PhantomParams, size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size * size);
  const lungMask = new Float32Array(size * size);
  const body = shape(p.body);
  const shoulders = shape(p.shoulders);
  const lungs = [shape(p.lungs[0]), shape(p.lungs[1])] as const;
  const heart = shape(p.heart);
  const { ribs, clavicles, mediastinum, effusion } = p;
  const effusionLung = effusion ? p.lungs[effusion.side] : null;

  // Pixel → anatomy is affine: x = x0 + i*xi + j*xj (and the same for y).
  const { angle, scale, shiftX, shiftY } = p.view;
  const ca = Math.cos(angle) / scale;
  const sa = Math.sin(angle) / scale;
  const step = 2 / size;
  const x0 = ca * (step / 2 - 1 - shiftX) + sa * (step / 2 - 1 - shiftY);
  const y0 = -sa * (step / 2 - 1 - shiftX) + ca * (step / 2 - 1 - shiftY);
  const xi = ca * step;
  const yi = -sa * step;
  const xj = sa * step;
  const yj = ca * step;

  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = x0 + i * xi + j * xj;
      const y = y0 + i * yi + j * yj;
      const ax = Math.abs(x);
      const inBody = Math.max(soft(body, x, y, 0.06), soft(shoulders, x, y, 0.2));
      if (inBody === 0) {
        // Air around the patient: nothing else reaches out here.
        out[j * size + i] = p.background;
        continue;
      }
      const lungR = soft(lungs[0], x, y, 0.12);
      const lungL = soft(lungs[1], x, y, 0.12);
      const heartV = soft(heart, x, y, 0.2);
      // Mediastinum: a midline band that widens downwards; the spine shows as periodic vertebrae.
      const halfWidth = mediastinum.halfWidth * (1 + 0.35 * smooth((y + 0.3) / 0.8));
      let med = y > -0.95 ? smooth((1 - ax / halfWidth) / 0.3 + 0.5) : 0;
      if (med > 0) med *= 0.8 + 0.2 * Math.cos((2 * Math.PI * (y - mediastinum.spinePhase)) / mediastinum.spinePeriod);
      const hidden = (1 - 0.85 * heartV) * (1 - med);
      const lung = Math.max(lungR, lungL) * hidden;
      // Heart and mediastinum are both soft tissue: where they overlap the denser one shows, not the sum.
      const tissue = Math.max(mediastinum.amp * med, p.heartAmp * heartV);
      let v = p.background + p.bodyAmp * inBody + tissue - p.lungDark * lung;
      // Posterior ribs: a periodic band along parabolas that fall towards the sides.
      if (inBody > 0.2 && ax > 0.05) {
        const t = (y - ribs.top - ribs.curve * ax * ax) / ribs.spacing;
        if (t > 0 && t < ribs.count) {
          v += ribs.amp * bump(t - Math.floor(t), ribs.width) * (0.4 + 0.6 * lung) * smooth((ax - 0.06) / 0.06) * inBody;
        }
      }
      if (ax > 0.06 && ax < 0.62) {
        v += clavicles.amp * bump((y - clavicles.y + clavicles.slope * ax) / 0.07 + 0.5, 1) * smooth((0.62 - ax) / 0.08);
      }
      if (effusion && effusionLung) {
        // Fluid fills the lung base; its meniscus climbs towards the chest wall.
        const level = effusion.level - 0.35 * Math.abs(x - effusionLung.cx);
        v += effusion.amp * smooth((y - level) / 0.06 + 0.5) * (effusion.side === 0 ? lungR : lungL) * hidden;
      }
      out[j * size + i] = v;
      lungMask[j * size + i] = lung;
    }
  }
  for (const opacity of p.opacities) stampOpacity(out, lungMask, size, opacity, p.view);
  finish(out, p, rng);
  return out;
}

/** Add one opacity, visible only inside the lungs, touching only the pixels of its bounding box. */
function stampOpacity(out: Float32Array, lungMask: Float32Array, size: number, o: Opacity, view: PhantomParams['view']): void {
  const s = shape(o);
  const reach = o.shape === 'haze' ? 3 * Math.max(o.rx, o.ry) : 1.2 * Math.max(o.rx, o.ry);
  // Anatomy → pixel for the centre, and the reach in pixels.
  const cos = Math.cos(view.angle);
  const sin = Math.sin(view.angle);
  const px = (view.scale * (cos * o.cx - sin * o.cy) + view.shiftX + 1) * (size / 2);
  const py = (view.scale * (sin * o.cx + cos * o.cy) + view.shiftY + 1) * (size / 2);
  const pr = reach * view.scale * (size / 2) + 1;
  const i0 = Math.max(0, Math.floor(px - pr));
  const i1 = Math.min(size - 1, Math.ceil(px + pr));
  const j0 = Math.max(0, Math.floor(py - pr));
  const j1 = Math.min(size - 1, Math.ceil(py + pr));
  const step = 2 / size;
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const mask = lungMask[j * size + i] as number;
      if (mask <= 0) continue;
      // Pixel → anatomy (inverse view transform).
      const dx = ((i + 0.5) * step - 1 - view.shiftX) / view.scale;
      const dy = ((j + 0.5) * step - 1 - view.shiftY) / view.scale;
      const x = cos * dx + sin * dy;
      const y = -sin * dx + cos * dy;
      const value = o.shape === 'haze' ? Math.exp(-0.5 * radius2(s, x, y)) : soft(s, x, y, 0.35);
      out[j * size + i] = (out[j * size + i] as number) + o.amp * value * mask;
    }
  }
}

/** Exposure (contrast, brightness, gamma) and quantum noise, then clip to [0, 1]. */
function finish(out: Float32Array, p: PhantomParams, rng: Rng): void {
  const pivot = 0.35;
  // Gamma through a lookup table and noise from an inline xorshift32: Math.pow and a closure call
  // per pixel were most of the render time.
  const levels = 256;
  const gammaLut = new Float32Array(levels + 2);
  for (let k = 0; k <= levels; k++) gammaLut[k] = Math.pow(k / levels, p.gamma);
  gammaLut[levels + 1] = 1;
  // The sum of two uniforms minus 1 has variance 1/6.
  const noiseScale = p.noise * Math.sqrt(6);
  let state = rng.seed() | 1;
  for (let k = 0; k < out.length; k++) {
    let v = ((out[k] as number) - pivot) * p.contrast + pivot + p.brightness;
    if (v <= 0) v = 0;
    else if (v >= 1) v = 1;
    else {
      const f = v * levels;
      const k = f | 0;
      const lo = gammaLut[k] as number;
      v = lo + ((gammaLut[k + 1] as number) - lo) * (f - k);
    }
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    v += noiseScale * ((state & 0xffff) / 65536 + (state >>> 16) / 65536 - 1);
    out[k] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
}
