#!/usr/bin/env node
// Proves that every package's browser-facing entries bundle for a browser: esbuild bundles each
// export that is not a `./node` subpath (from sources, so no build is needed) with
// platform 'browser', and the run fails listing every Node built-in (fs, path, worker_threads, …)
// or Node-only package (sharp) that such an entry pulls in, with the chain of files that imports it.
// tfjs packages are peers the page provides, so they stay external.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const packagesDir = join(root, 'packages');
const nodeOnlyPackages = new Set(['sharp', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * The source a browser bundler gets for one export: the file its `browser` condition names
 * (`./dist/browser.js` → src/browser.ts, as @cxr/native's Node-free stand-in), else the subpath's own.
 */
function browserSource(pkgDir, subpath, target) {
  const browser = typeof target === 'object' && target !== null ? target.browser : undefined;
  const file = typeof browser === 'string' ? browser : browser?.import?.default ?? browser?.default;
  const name = file ? /^\.\/dist\/(.+)\.[cm]?js$/.exec(file)?.[1] : subpath === '.' ? 'index' : subpath.slice(2);
  if (!name) throw new Error(`${pkgDir}: cannot map the browser condition ${JSON.stringify(file)} of ${subpath} to a source file`);
  return join(pkgDir, 'src', `${name}.ts`);
}

/** The public entries of one package that must run in a browser: every export but `./node*` and `./package.json`. */
function browserEntries(pkgDir) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? { '.': null })) {
    if (subpath === './package.json' || subpath === './node' || subpath.startsWith('./node/')) continue;
    const source = browserSource(pkgDir, subpath, target);
    if (!existsSync(source)) throw new Error(`${manifest.name} exports ${subpath} but ${relative(root, source)} does not exist`);
    entries.push({ id: `${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}`, source });
  }
  return entries;
}

/** True when the nearest package.json above `importer` maps `spec` to false in its `browser` field. */
function browserFieldDrops(importer, spec) {
  for (let dir = dirname(importer); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const browser = JSON.parse(readFileSync(manifest, 'utf8')).browser;
    return typeof browser === 'object' && browser !== null && browser[spec] === false;
  }
  return false;
}

/** esbuild plugin: @cxr/* resolves to sources (like vitest), Node-only imports are recorded and kept out. */
function guard(found) {
  return {
    name: 'cxr-browser-guard',
    setup(b) {
      b.onResolve({ filter: /^@cxr\/[a-z]+(\/[a-z]+)?$/ }, (args) => {
        const [, pkg, sub] = /^@cxr\/([a-z]+)(?:\/([a-z]+))?$/.exec(args.path);
        const pkgDir = join(packagesDir, pkg);
        const subpath = sub ? `./${sub}` : '.';
        const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
        return { path: browserSource(pkgDir, subpath, manifest.exports?.[subpath]) };
      });
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith('node:') ? args.path : args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
        if (builtins.has(args.path) || builtins.has(bare) || nodeOnlyPackages.has(bare)) {
          // A package that maps the module to false in its `browser` field (dicom-parser: zlib) gets an empty module from bundlers.
          if (browserFieldDrops(args.importer, args.path)) return undefined;
          found.push({ module: args.path, importer: relative(root, args.importer), kind: args.kind });
          return { path: args.path, external: true };
        }
        if (args.path.startsWith('@tensorflow/')) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}

// A literal import('node:os') breaks browser bundlers too (webpack 5: UnhandledSchemeError), even behind an isNode() check.
const DYNAMIC_HINT = ' — even a guarded dynamic import must use a computed name (see importOptional in packages/core/src/backend.ts)';

const failures = [];
let checked = 0;
// @cxr/native is a Node-API addon: its entry checked here is the `browser` condition's stand-in
// (src/browser.ts); @cxr/core imports it only by a computed name, in Node.
for (const dir of readdirSync(packagesDir).sort()) {
  const pkgDir = join(packagesDir, dir);
  if (!existsSync(join(pkgDir, 'package.json'))) continue;
  for (const entry of browserEntries(pkgDir)) {
    const found = [];
    const result = await build({
      entryPoints: [entry.source],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [guard(found)],
    }).catch((error) => ({ error }));
    checked++;
    if (result.error) {
      failures.push(`${entry.id}: does not bundle for the browser:\n    ${String(result.error.message).split('\n').join('\n    ')}`);
    } else if (found.length > 0) {
      const lines = found.map((f) => `${f.module}  (${f.kind} in ${f.importer})${f.kind === 'dynamic-import' ? DYNAMIC_HINT : ''}`);
      failures.push(`${entry.id}: imports Node-only modules:\n    ${[...new Set(lines)].join('\n    ')}`);
    } else {
      const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
      console.log(`ok  ${entry.id.padEnd(22)} ${(bytes / 1024).toFixed(0).padStart(5)} KiB (tfjs external)`);
    }
  }
}

if (failures.length > 0) {
  console.error(`\n${failures.length} browser entr${failures.length === 1 ? 'y pulls' : 'ies pull'} in Node-only code; move it behind a ./node subpath:\n`);
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`\n${checked} browser entries bundle without Node built-ins.`);
