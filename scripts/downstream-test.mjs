// `pnpm test:downstream`: proves that the published packages work in other people's apps.
// Builds and packs every publishable package, copies the consumer apps of downstream/ under one
// temporary folder, installs the tarballs there with plain npm (third-party packages come from the
// registry), then type-checks each app with tsc and runs it: vitest for the ESM apps, node for the
// CommonJS one. See downstream/README.md.
//   --no-build     use the existing dist/ builds
//   --keep         leave the temporary folder for inspection
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, pnpm, root } from './release-pack.mjs';

const args = new Set(process.argv.slice(2));
const started = Date.now();
const step = (what) => console.log(`\n=== ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
// CXR_NATIVE* would point @cxr/native elsewhere: the apps must find the binary inside its tarball.
const env = Object.fromEntries(Object.entries({ ...process.env, CI: 'true' }).filter(([k]) => !k.startsWith('CXR_NATIVE')));
const run = (cmd, cmdArgs, cwd) => execFileSync(cmd, cmdArgs, { cwd, stdio: 'inherit', env });

const work = mkdtempSync(join(tmpdir(), 'cxr-downstream-'));
try {
  if (!args.has('--no-build')) {
    step('build');
    pnpm(['build']);
  }
  step('pack');
  const tarballs = Object.values(packAll(join(work, 'tarballs')));

  step(`create the consumer apps in ${work}/apps`);
  const apps = join(work, 'apps');
  cpSync(join(root, 'downstream'), apps, { recursive: true, filter: (src) => !/node_modules|dist/.test(src.slice(root.length)) });
  const appDirs = readdirSync(apps).filter((d) => statSync(join(apps, d)).isDirectory()).sort();

  step('npm install the tarballs');
  // The npm registry has no @cxr/* of these versions: the tarballs satisfy each other's ranges.
  writeFileSync(join(apps, '.npmrc'), 'fund=false\naudit=false\nupdate-notifier=false\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], apps);
  const installed = JSON.parse(readFileSync(join(apps, 'package.json'), 'utf8')).dependencies;
  console.log(Object.keys(installed).filter((n) => n.startsWith('@cxr/')).join(' '));

  const tsc = join(apps, 'node_modules/.bin/tsc');
  const vitest = join(apps, 'node_modules/.bin/vitest');
  for (const app of appDirs) {
    const dir = join(apps, app);
    step(`${app}: tsc`);
    run(tsc, ['-p', 'tsconfig.json'], dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.type === 'commonjs') {
      step(`${app}: node dist/check.js`);
      run('node', ['dist/check.js'], dir);
    } else {
      step(`${app}: vitest`);
      run(vitest, ['run', '--root', dir, '--pool', 'forks', '--testTimeout', '120000'], dir);
    }
  }
  step(`downstream: ${appDirs.join(', ')} passed`);
} finally {
  if (args.has('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
