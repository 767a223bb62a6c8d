// `pnpm pack` for every publishable package (packages/*, not private) into one folder. pnpm pack
// rewrites `workspace:^` ranges to real versions, so the tarballs install anywhere with npm.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

/** Runs pnpm (the exact `packageManager` version, through npx like every command in this repo). */
export function pnpm(args, options = {}) {
  // Started by pnpm itself (`pnpm release`): reuse that pnpm rather than paying npx per call.
  const self = process.env.npm_execpath;
  const [cmd, pre] = self && /pnpm/.test(self) && process.env.npm_config_user_agent?.includes(`pnpm/${pnpmVersion}`)
    ? [process.execPath, [self]]
    : ['npx', ['-y', `pnpm@${pnpmVersion}`]];
  return execFileSync(cmd, [...pre, ...args], { cwd: root, stdio: 'inherit', ...options });
}

/** The publishable packages: `{ name, version, dir }`, sorted by folder. */
export function publishablePackages() {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((dir) => ({ dir: join(root, 'packages', dir), file: join(root, 'packages', dir, 'package.json') }))
    .flatMap(({ dir, file }) => {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        return pkg.private ? [] : [{ name: pkg.name, version: pkg.version, dir }];
      } catch {
        return [];
      }
    });
}

/** Packs every publishable package (already built) into `dest`; returns `{ name: tarballPath }`. */
export function packAll(dest) {
  const out = resolve(dest);
  mkdirSync(out, { recursive: true });
  const tarballs = {};
  for (const pkg of publishablePackages()) {
    const before = new Set(readdirSync(out));
    pnpm(['pack', '--pack-destination', out], { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const added = readdirSync(out).filter((f) => f.endsWith('.tgz') && !before.has(f));
    const expected = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
    const tarball = added.includes(expected) ? expected : added[0] ?? expected;
    tarballs[pkg.name] = join(out, tarball);
  }
  return tarballs;
}
