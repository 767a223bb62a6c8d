// Generates the TypeDoc API reference as markdown under docs/api/ (gitignored).
// One TypeDoc module per public entry point of every publishable package, read from the
// package.json `exports` maps, so a new package or subpath appears without editing this file.
// TypeDoc reads the sources (tsconfig.dev.json paths), so no build is needed first.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;
const entriesDir = join(root, 'docs/.vitepress/.api-entries');
rmSync(entriesDir, { recursive: true, force: true });
mkdirSync(entriesDir, { recursive: true });

const entryPoints = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (pkg.private || !pkg.exports) continue;
  for (const subpath of Object.keys(pkg.exports)) {
    if (!subpath.startsWith('.') || subpath.endsWith('.json')) continue;
    const sub = subpath === '.' ? '' : subpath.slice(2);
    const source = join(root, 'packages', dir, 'src', `${sub || 'index'}.ts`);
    const name = `${pkg.name}${sub ? `/${sub}` : ''}`;
    const file = join(entriesDir, `${dir}${sub ? `-${sub}` : ''}.ts`);
    // A wrapper per entry point names the module as users import it (`@cxr/data/node`).
    const description = sub ? `The \`${sub}\` subpath of ${pkg.name}.` : (pkg.description ?? pkg.name);
    writeFileSync(file, `/**\n * ${description}\n * @module ${name}\n */\nexport * from '${source.replace(/\.ts$/, '.js')}';\n`);
    entryPoints.push(file);
  }
}

const options = {
  entryPoints,
  tsconfig: join(root, 'docs/tsconfig.json'),
  plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
  out: join(root, 'docs/api'),
  docsRoot: join(root, 'docs'),
  readme: 'none',
  name: 'API reference',
  entryFileName: 'index',
  excludePrivate: true,
  excludeInternal: true,
  hideGenerator: true,
  disableSources: true,
  // Some sources document parameters they destructure or re-export third-party types; those are
  // warnings, not reasons to fail the docs build.
  treatWarningsAsErrors: false,
  validation: { notExported: false, invalidLink: false },
  logLevel: 'Warn',
};
const configFile = join(entriesDir, 'typedoc.json');
writeFileSync(configFile, JSON.stringify(options, null, 2));
execFileSync(join(root, 'node_modules/.bin/typedoc'), ['--options', configFile], { stdio: 'inherit', cwd: root });
console.log(`API reference: ${entryPoints.length} entry points → docs/api/`);
