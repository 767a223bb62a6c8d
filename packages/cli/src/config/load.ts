import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { findingForClass, type PhantomFinding } from '@cxr/data';
import { listBackbones } from '@cxr/models';
import type { z } from 'zod';
import { UsageError } from '../errors';
import { configSchema, type CxrConfig } from './schema';

/** A validated config with absolute paths, and where it came from. */
export interface ResolvedConfig {
  config: CxrConfig;
  /** The config file (absolute). */
  file: string;
  /** `outDir`, absolute. */
  outDir: string;
  /** `data.path` for folder data, absolute. */
  dataPath?: string;
}

/** `path: message` for each issue, e.g. `epochs: Too small: expected number to be >0`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    return `${where}: ${issue.message}`;
  });
}

/**
 * Read, validate and resolve a config: `.json` with `JSON.parse`, `.ts`/`.mts`/`.js`/`.mjs` through
 * jiti (its default export). Every problem is collected — schema issues, an unknown backbone, a data
 * folder that does not exist — and thrown as one `UsageError` (exit code 2).
 */
export async function loadConfig(path: string, cwd: string = process.cwd()): Promise<ResolvedConfig> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) {
    throw new UsageError(`config file ${file} does not exist: pass --config with the path of a cxr.config.json or cxr.config.ts.`);
  }
  const raw = await readRaw(file);
  const base = dirname(file);
  const parsed = configSchema.safeParse(raw);
  // Schema issues and file-system checks are reported together, so one run lists every problem.
  const problems = [...(parsed.success ? [] : formatIssues(parsed.error.issues)), ...checkPaths(raw, base)];
  if (!parsed.success || problems.length > 0) {
    throw new UsageError(`${file} is not a valid cxr config (${problems.length} problem(s)):`, problems);
  }
  const config = parsed.data;
  const dataPath = config.data.source === 'folder' ? resolve(base, config.data.path) : undefined;
  const outDir = isAbsolute(config.outDir) ? config.outDir : join(base, config.outDir);
  return { config, file, outDir, ...(dataPath ? { dataPath } : {}) };
}

/** What the schema cannot know: backbone names in the registry, data folders on disk. Reads the raw config, best effort. */
function checkPaths(raw: unknown, base: string): string[] {
  const problems: string[] = [];
  const config = (raw ?? {}) as {
    model?: { type?: unknown; backbone?: unknown };
    data?: { source?: unknown; path?: unknown; classes?: unknown; findings?: unknown };
  };
  const backbone = config.model?.backbone;
  if (config.model?.type === 'transfer' && typeof backbone === 'string' && !listBackbones().includes(backbone)) {
    problems.push(`model.backbone: unknown backbone "${backbone}"; one of: ${listBackbones().join(', ')}.`);
  }
  const { classes, findings } = config.data ?? {};
  if (config.data?.source === 'phantom' && Array.isArray(classes)) {
    const overrides = (findings !== null && typeof findings === 'object' ? findings : {}) as Record<string, PhantomFinding>;
    classes.forEach((name, i) => {
      if (typeof name !== 'string' || name === '') return; // the schema reports it
      try {
        findingForClass(name, overrides);
      } catch (error) {
        problems.push(`data.classes.${i}: ${(error as Error).message.replace(/findings: \{/, 'data.findings: {')}`);
      }
    });
  }
  const path = config.data?.path;
  if (config.data?.source === 'folder' && typeof path === 'string' && path !== '') {
    const dataPath = resolve(base, path);
    if (!existsSync(dataPath) || !statSync(dataPath).isDirectory()) {
      problems.push(`data.path: ${dataPath} does not exist or is not a folder.`);
    } else {
      for (const sub of ['train', 'test']) {
        if (!existsSync(join(dataPath, sub))) problems.push(`data.path: ${dataPath} has no ${sub}/ folder (it needs train/ and test/ class folders).`);
      }
    }
  }
  return problems;
}

async function readRaw(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext)) {
    // jiti is loaded only for code configs, so JSON configs work without it.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(file, { moduleCache: false });
    try {
      return await jiti.import(file, { default: true });
    } catch (error) {
      throw new UsageError(`could not load ${file}: ${(error as Error).message}`);
    }
  }
  throw new UsageError(`cannot read a config from ${file}: use a .json or .ts file.`);
}
