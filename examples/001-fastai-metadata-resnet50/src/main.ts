import { createProgressBar, runMain } from '@cxr/core/node';
import { parseOptions } from './options.js';
import { runSeed001 } from './run.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  const bar = await createProgressBar();
  const started = performance.now();
  const log = (line: string): void => {
    bar.stop();
    console.log(line);
  };
  const result = await runSeed001(options, { onProgress: bar.onProgress, log });
  bar.stop();
  console.log(`\nconfusion matrix ${JSON.stringify(result.confusionMatrix)}; most confused ${JSON.stringify(result.mostConfused)}`);
  console.log(result.caveat);
  console.log(
    `validation accuracy ${result.valid.accuracy.toFixed(4)}, precision ${result.valid.precision.toFixed(4)}, recall ${result.valid.recall.toFixed(4)} ` +
      `on ${result.sizes.valid} images; lr ${result.learningRate.toExponential(2)}; ` +
      `on ${result.backend}; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  );
  console.log(`wrote ${Object.values(result.files).join(', ')}`);
}

void runMain(main);
