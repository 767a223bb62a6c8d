import { createProgressBar, runMain } from '@cxr/core/node';
import { parseOptions } from './options.js';
import { runSeed000 } from './run.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  const bar = await createProgressBar();
  const started = performance.now();
  const result = await runSeed000(options, { onProgress: bar.onProgress, log: (line) => { bar.stop(); console.log(line); } });
  bar.stop();
  console.log(
    `\naccuracy ${result.accuracy.toFixed(4)} on ${result.confusionMatrix.flat().reduce((a, b) => a + b, 0)} held-out images; ` +
      `train ${result.imagesPerSecond.train.toFixed(1)} img/s, inference ${result.imagesPerSecond.inference.toFixed(1)} img/s on ${result.backend}; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  );
  console.log(`wrote ${Object.values(result.files).join(', ')}`);
}

void runMain(main);
