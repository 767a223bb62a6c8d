import { createProgressBar, runMain } from '@cxr/core/node';
import { parseOptions } from './options.js';
import { runSeed004 } from './run.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  const bar = await createProgressBar();
  const started = performance.now();
  const log = (line: string): void => {
    bar.stop();
    console.log(line);
  };
  const result = await runSeed004(options, { onProgress: bar.onProgress, log });
  bar.stop();
  console.log(`\n${result.report.text}`);
  console.log(
    `test loss ${result.test.loss.toFixed(4)}, accuracy ${result.test.accuracy.toFixed(4)}, AUC ${result.test.auc.toFixed(4)}; ` +
      `train ${result.imagesPerSecond.train.toFixed(1)} img/s on ${result.backend}; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  );
  console.log(`wrote ${Object.values(result.files).join(', ')}`);
}

void runMain(main);
