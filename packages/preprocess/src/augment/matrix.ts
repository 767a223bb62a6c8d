import type { AffineParams } from './params.js';

/** 3×3 row-major matrix in (row, col) pixel coordinates, mapping output to input like scipy. */
type Mat3 = [number, number, number, number, number, number, number, number, number];

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9) as Mat3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

const rad = (deg: number): number => (deg * Math.PI) / 180;

/**
 * The output→input map of Keras' `apply_affine_transform` for one image of `height`×`width`:
 * rotation · shift · shear · zoom, composed around the image centre ((h−1)/2, (w−1)/2), then the
 * flips (Keras flips the already-transformed image, so the flip acts first on output
 * coordinates). Returned as a tfjs projective transform [a0, a1, a2, b0, b1, b2, c0, c1]:
 * output (x, y) samples input (a0·x + a1·y + a2, b0·x + b1·y + b2).
 */
export function affineTransformVector(p: AffineParams, height: number, width: number): number[] {
  let m = I;
  if (p.theta !== 0) {
    const t = rad(p.theta);
    m = mul(m, [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1]);
  }
  if (p.tx !== 0 || p.ty !== 0) m = mul(m, [1, 0, p.tx, 0, 1, p.ty, 0, 0, 1]);
  if (p.shear !== 0) {
    const s = rad(p.shear);
    m = mul(m, [1, -Math.sin(s), 0, 0, Math.cos(s), 0, 0, 0, 1]);
  }
  if (p.zx !== 1 || p.zy !== 1) m = mul(m, [p.zx, 0, 0, 0, p.zy, 0, 0, 0, 1]);
  const oy = height / 2 - 0.5;
  const ox = width / 2 - 0.5;
  m = mul(mul([1, 0, oy, 0, 1, ox, 0, 0, 1], m), [1, 0, -oy, 0, 1, -ox, 0, 0, 1]);
  if (p.flipHorizontal) m = mul(m, [1, 0, 0, 0, -1, width - 1, 0, 0, 1]);
  if (p.flipVertical) m = mul(m, [-1, 0, height - 1, 0, 1, 0, 0, 0, 1]);
  // (row, col) → tfjs (x = col, y = row).
  return [m[4], m[3], m[5], m[1], m[0], m[2], 0, 0];
}
