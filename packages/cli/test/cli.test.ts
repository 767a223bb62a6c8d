import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePhantomFolder } from '@cxr/data/node';
import { defineConfig } from '@cxr/cli';
import { loadConfig, runCli } from '@cxr/cli/node';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

/** Run `cxr` in-process with captured output. */
async function cxr(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd: dir,
  });
  let json: unknown = null;
  if (argv.includes('--json')) json = JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
  return { code, stdout, stderr, json };
}

let dir: string;
let images: string[];
// defineConfig: what a cxr.config.ts default-exports; typed against the schema's input.
const config = defineConfig({
  data: { source: 'phantom', classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], trainPerClass: 10, testPerClass: 6 },
  model: { type: 'lungClassifier' },
  imageSize: 32,
  epochs: 2,
  batchSize: 8,
  learningRate: 0.005,
  outDir: 'run',
  evaluation: { bootstrap: 50, gradCamSamples: 3 },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cxr-cli-'));
  writeFileSync(join(dir, 'cxr.config.json'), JSON.stringify(config));
  const folder = await writePhantomFolder(join(dir, 'images'), { classes: ['COVID19', 'NORMAL'], train: 1, test: 1, imageSize: 48 });
  images = [join(folder.test, 'COVID19'), join(folder.test, 'NORMAL')].map((d) => join(d, readdir(d)[0]!));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readdir = (d: string): string[] => readdirSync(d).sort();

describe('cxr end to end on the phantom set (32 px, 2 epochs)', () => {
  it('train → evaluate → predict → explain → report, each with --json', async () => {
    const train = await cxr('train', '--config', 'cxr.config.json', '--json');
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    expect(train.json).toMatchObject({ ok: true, command: 'train', classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], epochs: 2 });
    expect(train.json.sizes).toEqual({ train: 24, validation: 6, test: 18 });
    for (const f of Object.values(train.json.files as Record<string, string>)) expect(existsSync(f)).toBe(true);
    expect(train.stdout.trim().split('\n')).toHaveLength(1); // --json: nothing but the result on stdout

    const evaluation = await cxr('evaluate', '-c', 'cxr.config.json', '--json');
    expect(evaluation.code).toBe(0);
    const m = evaluation.json.metrics;
    for (const key of ['accuracy', 'macroF1', 'rocAuc', 'averagePrecision', 'expectedCalibrationError']) {
      expect(m[key].lower).toBeLessThanOrEqual(m[key].upper);
      expect(m[key].valid + m[key].skipped).toBe(50);
    }
    expect(evaluation.json.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(18);
    expect(evaluation.json.gradCam).toHaveLength(3);
    expect(evaluation.json.topLosses).toHaveLength(10);

    const predict = await cxr('predict', ...images, '--model', 'run/model', '--json');
    expect(predict.code).toBe(0);
    expect(predict.json.predictions).toHaveLength(2);
    for (const p of predict.json.predictions) {
      const total = Object.values(p.probabilities as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 5);
      expect(p.probability).toBe(p.probabilities[p.predicted]);
    }
    const human = await cxr('predict', images[0]!, '--config', 'cxr.config.json');
    expect(human.stdout).toMatch(/\t(COVID19|NORMAL|PNEUMONIA)\t0\.\d{4}\n$/);

    const explain = await cxr('explain', ...images, '-c', 'cxr.config.json', '--class', 'NORMAL', '--json');
    expect(explain.code).toBe(0);
    expect(explain.json.explanations.map((e: { class: string }) => e.class)).toEqual(['NORMAL', 'NORMAL']);
    for (const e of explain.json.explanations) expect(readFileSync(e.overlay).subarray(1, 4).toString()).toBe('PNG');

    const report = await cxr('report', '--config', 'cxr.config.json', '--json');
    expect(report.code).toBe(0);
    const html = readFileSync(report.json.report, 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/); // self-contained: nothing fetched
    expect(html).toContain('95% CI');
  });

  it.skipIf(!existsSync(CHROMIUM))('the HTML report renders in headless Chromium (screenshot in artifacts/)', async () => {
    const report = join(dir, 'run', 'report.html');
    expect(existsSync(report)).toBe(true);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${report}`, { waitUntil: 'load' });
      const headings = await page.locator('h2').allTextContents();
      expect(headings.map((h) => h.split(' ')[0])).toEqual(['Metrics', 'Confusion', 'Training', 'Top', 'Dataset', 'Backend']);
      const sizes = await page.$$eval('img', (imgs) => imgs.map((i) => [i.alt, (i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight] as const));
      // 4 evaluation plots (confusion, ROC, PR, reliability), 2 history plots, 3 Grad-CAM overlays.
      expect(sizes).toHaveLength(9);
      for (const [alt, w, h] of sizes) expect([alt, w > 0 && h > 0]).toEqual([alt, true]);
      expect(await page.locator('#metrics tbody tr').count()).toBe(5);
      expect(requests.every((u) => u.startsWith('file:') || u.startsWith('data:'))).toBe(true);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'cli-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('cxr on an image folder with the one-logit covidCnn (binary path)', () => {
  it('trains, checks train/test leakage by image hash, evaluates with Brier score, reports', async () => {
    await writePhantomFolder(join(dir, 'xray'), { classes: ['COVID19', 'NORMAL'], train: 8, test: 4, imageSize: 40 });
    writeFileSync(
      join(dir, 'binary.json'),
      JSON.stringify({ data: { source: 'folder', path: 'xray' }, model: { type: 'covidCnn' }, imageSize: 32, epochs: 1, batchSize: 8, outDir: 'bin-run', evaluation: { bootstrap: 20, gradCamSamples: 2 } }),
    );
    const train = await cxr('train', '-c', 'binary.json', '--json');
    expect(train.code).toBe(0);
    expect(train.json.sizes).toEqual({ train: 14, validation: 2, test: 8 }); // Keras split: floor(0.2 × 8) per class
    // Independent phantom draws: every image hashed, none shared.
    const leakage = JSON.parse(readFileSync(train.json.files.leakage, 'utf8'));
    expect(leakage).toMatchObject({ hashed: 24, sharedFiles: [], nearDuplicates: [], skipped: [] });

    const evaluation = await cxr('evaluate', '-c', 'binary.json', '--json');
    expect(evaluation.code).toBe(0);
    expect(Object.keys(evaluation.json.metrics)).toContain('brierScore');
    expect(evaluation.json.roc.map((c: { name: string }) => c.name)).toEqual(['NORMAL']);
    expect(evaluation.json.gradCam).toHaveLength(2);
    const predictions = JSON.parse(readFileSync(join(dir, 'bin-run', 'predictions.json'), 'utf8'));
    expect(predictions.files.every((f: string) => f.startsWith(join(dir, 'xray', 'test')))).toBe(true);
    for (const row of predictions.probabilities) expect(row[0] + row[1]).toBeCloseTo(1, 6);

    const report = await cxr('report', '--run', 'bin-run', '--out', 'binary-report.html');
    expect(report.code).toBe(0);
    expect(readFileSync(join(dir, 'binary-report.html'), 'utf8')).toContain('Brier score');
  });
});

describe('bad input: exit code 2 and a message that says what to fix', () => {
  it('unknown flags and commands', async () => {
    const flag = await cxr('train', '--config', 'cxr.config.json', '--bogus');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--bogus'/);
    const command = await cxr('fly');
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'fly'/);
  });

  it('a missing config: no --config, or a file that does not exist', async () => {
    const none = await cxr('train');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/required option '-c, --config <file>' not specified/);
    const gone = await cxr('evaluate', '--config', 'nope.json', '--json');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/nope\.json does not exist/);
    expect(gone.json).toMatchObject({ ok: false, exitCode: 2, error: { name: 'UsageError' } });
  });

  it('an invalid config lists every problem with its path', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ data: { source: 'phantom', trainPerClass: -1 }, model: { type: 'resnet' }, epochs: 0, learningRate: 'fast', colour: 'red' }),
    );
    const bad = await cxr('train', '-c', 'bad.json', '--json');
    expect(bad.code).toBe(2);
    const problems: string[] = bad.json.error.problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['(config)', 'data.trainPerClass', 'epochs', 'learningRate', 'model.type']);
    expect(problems.find((p) => p.startsWith('(config)'))).toMatch(/colour/);
    expect(bad.stderr).toContain('5 problem(s)');
    for (const p of problems) expect(bad.stderr).toContain(p);

    writeFileSync(join(dir, 'broken.json'), '{ "data": ');
    expect((await cxr('train', '-c', 'broken.json')).stderr).toMatch(/broken\.json is not valid JSON/);
    writeFileSync(join(dir, 'cnn.json'), JSON.stringify({ data: { source: 'phantom', classes: ['A', 'B', 'C'] }, model: { type: 'covidCnn' } }));
    expect((await cxr('train', '-c', 'cnn.json')).stderr).toMatch(/data\.classes: covidCnn has one output \(binary\): give exactly 2 classes, got 3/);
    writeFileSync(join(dir, 'names.json'), JSON.stringify({ data: { source: 'phantom', classes: ['A', 'normal'] }, model: { type: 'lungClassifier' } }));
    const names = await cxr('train', '-c', 'names.json');
    expect(names.code).toBe(2);
    expect(names.stderr).toMatch(/data\.classes\.0: No phantom finding for class 'A'.*data\.findings: \{ 'A': 'ground-glass' \}/);
    writeFileSync(join(dir, 'mapped.json'), JSON.stringify({ data: { source: 'phantom', classes: ['A', 'normal'], findings: { A: 'effusion' } }, model: { type: 'lungClassifier' } }));
    expect((await loadConfig('mapped.json', dir)).config.data).toMatchObject({ findings: { A: 'effusion' } });
  });

  it('paths that do not exist: data folder, images, model, run folder', async () => {
    writeFileSync(join(dir, 'folder.json'), JSON.stringify({ data: { source: 'folder', path: 'no-such-dir' }, model: { type: 'transfer', backbone: 'alexnet' } }));
    const folder = await cxr('train', '-c', 'folder.json');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/data\.path: .*no-such-dir does not exist/);
    expect(folder.stderr).toMatch(/model\.backbone: unknown backbone "alexnet"; one of: .*mobilenetv2/);
    expect(folder.stderr).toMatch(/data\.channels: transfer backbones take RGB images/);

    const images = await cxr('predict', 'missing-1.png', 'missing-2.png', '--model', 'run/model');
    expect(images.code).toBe(2);
    expect(images.stderr).toMatch(/2 image path\(s\) do not exist[\s\S]*missing-1\.png[\s\S]*missing-2\.png/);
    const model = await cxr('explain', images.stderr ? join(dir, 'cxr.config.json') : '', '--model', 'nowhere');
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/nowhere holds no model\.json/);
    const run = await cxr('report', '--run', 'empty');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not a finished run/);
    expect((await cxr('predict', 'x.png')).stderr).toMatch(/pass --model <dir>/);
  });

  it('--help on every command exits 0', async () => {
    for (const command of [[], ['train'], ['evaluate'], ['predict'], ['explain'], ['report']]) {
      const help = await cxr(...command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: cxr/);
    }
  });

  it('a .ts config loads through jiti', async () => {
    writeFileSync(
      join(dir, 'cxr.config.ts'),
      `const epochs: number = 3;\nexport default { data: { source: 'phantom' as const }, model: { type: 'lungClassifier' as const }, epochs, outDir: 'ts-run' };\n`,
    );
    const resolved = await loadConfig('cxr.config.ts', dir);
    expect(resolved.config).toMatchObject({ epochs: 3, imageSize: 64, data: { classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], channels: 1 } });
    expect(resolved.outDir).toBe(join(dir, 'ts-run'));
  });

  it('the cxr binary (spawned with tsx) sets exit code 2 on bad input', () => {
    const bin = (...args: string[]) =>
      spawnSync(join(repo, 'node_modules/.bin/tsx'), ['--tsconfig', join(repo, 'tsconfig.dev.json'), join(repo, 'packages/cli/src/cli.ts'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const bad = bin('train', '--config', 'bad.json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/epochs: /);
  });
});
