// `pnpm release`: version (changesets → versions + CHANGELOGs), build, lint the packages (publint +
// arethetypeswrong), and pack every publishable package into ./release/. It never publishes:
// that is the manual last step, `pnpm changeset publish` (see docs/releasing.md).
//   --no-version  skip `changeset version` (check that the current versions build, lint and pack)
import { rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packAll, pnpm, root } from './release-pack.mjs';

const step = (what) => console.log(`\n=== ${what}`);
const skipVersion = process.argv.includes('--no-version');

if (!skipVersion) {
  step('changeset version: versions and CHANGELOGs from .changeset/*.md');
  execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: root, stdio: 'inherit' });
  // Versions changed: refresh the lockfile's workspace entries so the build sees them.
  pnpm(['install', '--lockfile-only']);
}
step('build');
pnpm(['build']);
step('publint + arethetypeswrong');
pnpm(['lint:packages']);
step('pack into release/');
const dest = join(root, 'release');
rmSync(dest, { recursive: true, force: true });
const tarballs = packAll(dest);
for (const [name, file] of Object.entries(tarballs)) console.log(`${name.padEnd(18)} ${file.slice(root.length)}`);
console.log(`\nReady. Review the CHANGELOGs and versions, commit them, then publish with: npx -y pnpm@10.34.9 changeset publish`);
