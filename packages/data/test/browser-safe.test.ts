import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module specifier reachable from `entry` through relative imports. */
function importGraph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)) {
      const spec = (match[1] ?? match[2] ?? match[3]) as string;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(join(src, entry));
  return { files: [...files].map((f) => f.slice(src.length + 1)), external: [...external] };
}

describe('main entry is browser-safe', () => {
  it('reaches no Node built-in, no sharp and nothing under src/node/', () => {
    const { files, external } = importGraph('index.ts');
    const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(external.filter((spec) => node.has(spec) || spec === 'sharp')).toEqual([]);
    expect(external.sort()).toEqual(['@cxr/core', '@tensorflow/tfjs-core', 'dicom-parser', 'jpeg-js']);
    expect(files.filter((f) => f.startsWith('node'))).toEqual([]);
  });

  it('the node entry does use them (sanity check of the scan)', () => {
    const { external } = importGraph('node.ts');
    expect(external).toContain('sharp');
    expect(external).toContain('node:fs/promises');
  });
});
