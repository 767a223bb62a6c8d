import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every runtime (non-type) import reachable from an entry file, as [importer, specifier]. */
function runtimeImports(entry: string): [string, string][] {
  const seen = new Set<string>();
  const found: [string, string][] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
      if (m[1]) continue; // type-only: erased at build time
      const spec = m[2]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), `${spec}.ts`));
      else found.push([file.slice(src.length + 1), spec]);
    }
    for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push([file.slice(src.length + 1), m[1]!]);
  };
  visit(resolve(src, entry));
  return found;
}

describe('public entries', () => {
  it.each(['index.ts', 'plot.ts'])('%s is browser-safe: no runtime imports of other packages or Node built-ins', (entry) => {
    expect(runtimeImports(entry)).toEqual([]);
  });

  it('node.ts is where vega, vega-lite and sharp come in', () => {
    const specs = new Set(runtimeImports('node.ts').map(([, s]) => s));
    expect([...specs].sort()).toEqual(['node:fs/promises', 'node:path', 'sharp', 'vega', 'vega-lite']);
  });
});
