import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { isCxrError } from '@cxr/core';
import { evaluateCommand } from './commands/evaluate';
import { explainCommand } from './commands/explain';
import { predictCommand } from './commands/predict';
import { reportCommand } from './commands/report';
import { trainCommand } from './commands/train';
import { loadConfig, type ResolvedConfig } from './config/load';
import { createContext, type CliIo, type CommandContext } from './context';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { runFiles } from './run-files';
import { version } from '../package.json';

interface Common {
  json?: boolean;
  config?: string;
  out?: string;
  model?: string;
  run?: string;
  class?: string;
}

const jsonOption = () => new Option('--json', 'print one JSON object on stdout (no logs, no progress bar) for scripts');
const configOption = () => new Option('-c, --config <file>', 'cxr.config.json or cxr.config.ts');

/**
 * Run `cxr` with `argv` (without the node and script paths) and return the exit code: 0 ok,
 * 1 the run failed, 2 a usage or config error (unknown flag, invalid config, missing path).
 */
export async function runCli(argv: readonly string[], partialIo: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), ...partialIo };
  const wantsJson = argv.includes('--json');
  let result: { command: string; value: unknown } | undefined;

  const run = (command: string, body: (opts: Common, ctx: CommandContext, args: string[]) => Promise<unknown>) =>
    async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const opts = cmd.opts<Common>();
      const args = cmd.args;
      const ctx = await createContext(io, opts.json === true);
      try {
        result = { command, value: await body(opts, ctx, args) };
      } finally {
        ctx.done();
      }
    };
  const config = (opts: Common): Promise<ResolvedConfig> => {
    if (!opts.config) throw new UsageError('this command needs --config <file> (a cxr.config.json or cxr.config.ts).');
    return loadConfig(opts.config, io.cwd);
  };
  /** `--model DIR`, else `<outDir>/model` of `--config`. */
  const modelDir = async (opts: Common): Promise<string> => {
    if (opts.model) return resolve(io.cwd, opts.model);
    if (opts.config) return runFiles((await config(opts)).outDir).model;
    throw new UsageError('pass --model <dir> (the model folder `cxr train` wrote) or --config <file>.');
  };

  const program = new Command('cxr')
    .description('Chest X-ray classification with cxr: train, evaluate, predict, explain, report.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(add --help for usage)');

  program
    .command('train')
    .description('train the model a config describes; writes <outDir>/model, history.json, train.json, leakage.json')
    .addOption(configOption().makeOptionMandatory())
    .addOption(jsonOption())
    .action(run('train', async (opts, ctx) => trainCommand(await config(opts), ctx)));

  program
    .command('evaluate')
    .description('score the test set: metrics with bootstrap 95% CIs, curves, top losses + Grad-CAM; writes evaluation.json')
    .addOption(configOption().makeOptionMandatory())
    .option('--model <dir>', 'model folder (default <outDir>/model)')
    .addOption(jsonOption())
    .action(run('evaluate', async (opts, ctx) => {
      const resolved = await config(opts);
      return evaluateCommand(resolved, opts.model ? resolve(io.cwd, opts.model) : runFiles(resolved.outDir).model, ctx);
    }));

  program
    .command('predict')
    .description('class probabilities of each image')
    .argument('<images...>', 'image files (PNG, JPEG, ...)')
    .option('--model <dir>', 'model folder `cxr train` wrote')
    .option('-c, --config <file>', 'use <outDir>/model of this config (instead of --model)')
    .addOption(jsonOption())
    .action(run('predict', async (opts, ctx, args) => predictCommand(args, await modelDir(opts), ctx)));

  program
    .command('explain')
    .description('Grad-CAM overlay PNG for each image')
    .argument('<images...>', 'image files (PNG, JPEG, ...)')
    .option('--model <dir>', 'model folder `cxr train` wrote')
    .option('-c, --config <file>', 'use <outDir>/model of this config (instead of --model)')
    .option('--out <dir>', 'where the overlays go (default <outDir>/explain, or ./cxr-explain with --model)')
    .option('--class <name>', 'explain this class (default: the predicted one)')
    .addOption(jsonOption())
    .action(run('explain', async (opts, ctx, args) => {
      const model = await modelDir(opts);
      const out = opts.out ? resolve(io.cwd, opts.out) : opts.config ? runFiles((await config(opts)).outDir).explain : resolve(io.cwd, 'cxr-explain');
      return explainCommand(args, model, out, opts.class, ctx);
    }));

  program
    .command('report')
    .description('one self-contained HTML report of a trained and evaluated run')
    .addOption(configOption())
    .option('--run <dir>', 'the run folder (outDir) instead of --config')
    .option('--out <file>', 'HTML file to write (default <outDir>/report.html)')
    .addOption(jsonOption())
    .action(run('report', async (opts, ctx) => {
      const outDir = opts.run ? resolve(io.cwd, opts.run) : opts.config ? (await config(opts)).outDir : undefined;
      if (!outDir) throw new UsageError('pass --config <file> or --run <dir> (the outDir of a trained and evaluated run).');
      return reportCommand(outDir, opts.out ? resolve(io.cwd, opts.out) : undefined, ctx);
    }));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (wantsJson && result) io.stdout.write(`${JSON.stringify({ ok: true, command: result.command, ...(result.value as object) })}\n`);
    return EXIT_OK;
  } catch (error) {
    return fail(error, io, wantsJson);
  }
}

function fail(error: unknown, io: CliIo, json: boolean): number {
  let exitCode: number;
  let payload: { name: string; code?: string; message: string; problems?: string[] };
  if (error instanceof CommanderError) {
    // Help and version are successes; `cxr` with no command prints help as an error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    exitCode = EXIT_USAGE;
    payload = { name: 'UsageError', code: error.code, message: error.message.replace(/^error: /, '') };
  } else if (error instanceof UsageError) {
    exitCode = EXIT_USAGE;
    payload = { name: 'UsageError', message: error.message, problems: error.problems };
    io.stderr.write(`error: ${error.message}\n`);
  } else if (isCxrError(error)) {
    exitCode = EXIT_FAILURE;
    payload = { name: 'CxrError', code: error.code, message: error.message };
    io.stderr.write(`error ${error.code}: ${error.message}\n`);
  } else {
    exitCode = EXIT_FAILURE;
    const e = error instanceof Error ? error : new Error(String(error));
    payload = { name: e.name, message: e.message };
    io.stderr.write(`error: ${e.stack ?? e.message}\n`);
  }
  if (json) io.stdout.write(`${JSON.stringify({ ok: false, exitCode, error: payload })}\n`);
  return exitCode;
}
