#!/usr/bin/env node
// Compiles csrc/ into prebuilds/<platform>-<arch>/cxr_native.node with the system C++ compiler
// (g++ 12 was used for the committed linux-x64 binary). Node-API only, so one binary serves
// every Node ≥ 20; libstdc++ and libgcc are linked statically, leaving a glibc dependency.
//
//   node scripts/build-addon.mjs [--out path] [--cxx g++]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const out = arg('out', join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'cxr_native.node'));
const cxx = arg('cxx', process.env.CXX ?? 'g++');
// Node's own headers (node_api.h) ship with every Node install.
const include = join(dirname(process.execPath), '..', 'include', 'node');
const sources = readdirSync(join(root, 'csrc')).filter((f) => f.endsWith('.cc')).map((f) => join(root, 'csrc', f));
mkdirSync(dirname(out), { recursive: true });
const args = [
  '-O3', '-fno-trapping-math', '-fopenmp-simd', '-std=c++17', '-fPIC', '-shared', '-fvisibility=hidden', '-pthread',
  // Baseline x86-64 code; the AVX2 and AVX-512 micro-kernels carry their own target attributes.
  '-DNODE_GYP_MODULE_NAME=cxr_native', `-I${include}`,
  '-static-libstdc++', '-static-libgcc',
  ...sources, '-o', out,
];
console.log(`${cxx} ${args.join(' ')}`);
execFileSync(cxx, args, { stdio: 'inherit' });
console.log(`built ${out}`);
