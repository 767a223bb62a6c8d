import { createProgressBar, runMain } from '@cxr/core/node';
import { parseOptions } from './options.js';
import { runSeed002 } from './run.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  const bar = await createProgressBar();
  const started = performance.now();
  const log = (line: string): void => {
    bar.stop();
    console.log(line);
  };
  const result = await runSeed002(options, { onProgress: bar.onProgress, log });
  bar.stop();
  console.log(`${result.rows.length} models compared on ${result.backend}; ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
  console.log(`wrote ${Object.values(result.files).join(', ')}`);
}

void runMain(main);
