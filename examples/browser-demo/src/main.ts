import * as tf from '@tensorflow/tfjs-core';
import { isCxrError } from '@cxr/core';
import { filesFromDataTransfer, type FolderFile } from '@cxr/data/browser';
import { describe, requestedBackend, startBackend } from './backend.js';
import { fineTune } from './fine-tune.js';
import { LossChart } from './loss-chart.js';
import { defaultClassNames, loadFromFiles, loadFromUrl, type LoadedModel } from './model.js';
import { drawOverlay } from './overlay.js';
import { predictImage, type InputScaling, type Prediction } from './predict.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
};

interface Shown {
  canvas: HTMLCanvasElement;
  prediction: Prediction;
}

let loaded: LoadedModel | null = null;
let shown: Shown[] = [];
let trainFiles: FolderFile[] | File[] | null = null;
let training: AbortController | null = null;
const chart = new LossChart($<HTMLCanvasElement>('loss-chart'));

/** A failure as one readable line: cxr's coded message, or the error's own. */
function explain(error: unknown): string {
  if (isCxrError(error)) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

function showMessage(text: string | null): void {
  const el = $('message');
  el.hidden = text === null;
  el.textContent = text ?? '';
}

function setStatus(id: string, text: string, isError = false): void {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', isError);
}

function classNames(): string[] {
  const typed = $<HTMLInputElement>('class-names').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!loaded) return typed;
  const k = loaded.units === 1 ? 2 : loaded.units;
  if (typed.length === k) return typed;
  return loaded.classes?.length === k ? loaded.classes : defaultClassNames(loaded.units);
}

const scaling = (): InputScaling => $<HTMLSelectElement>('input-scaling').value as InputScaling;
const opacity = (): number => Number($<HTMLInputElement>('opacity').value);

async function useModel(load: () => Promise<LoadedModel>): Promise<void> {
  setStatus('model-status', 'loading…');
  document.body.dataset['modelState'] = 'loading';
  showMessage(null);
  try {
    const next = await load();
    loaded?.model.dispose();
    loaded = next;
    const [h, w, c] = next.inputShape;
    const names = classNames();
    $<HTMLInputElement>('class-names').value = names.join(',');
    setStatus('model-status', `Loaded ${next.source}: input ${h}×${w}×${c}, ${names.length} classes (${names.join(', ')}), ${next.model.countParams().toLocaleString('en-US')} parameters.`);
    document.body.dataset['modelState'] = 'ready';
    countTensors();
    $<HTMLButtonElement>('train-start').disabled = trainFiles === null;
  } catch (error) {
    setStatus('model-status', `Could not use this model: ${explain(error)}`, true);
    document.body.dataset['modelState'] = 'error';
  }
}

function clearResults(): void {
  for (const s of shown) tf.dispose([s.prediction.display, s.prediction.heatmap]);
  shown = [];
  $('results').replaceChildren();
  countTensors();
}

/** Live tensor count on the page (what a leak would grow), for people and for the tests. */
function countTensors(): void {
  document.body.dataset['tensors'] = String(tf.memory().numTensors);
}

async function predictFiles(files: File[]): Promise<void> {
  showMessage(null);
  if (!loaded) {
    showMessage('Load a model first (step 1).');
    return;
  }
  const model = loaded;
  document.body.dataset['predicting'] = 'true';
  for (const file of files) {
    const item = document.createElement('li');
    item.className = 'result';
    item.dataset['file'] = file.name;
    item.innerHTML = `<div class="file"></div><p class="status">working…</p>`;
    item.querySelector('.file')!.textContent = file.name;
    $('results').append(item);
    try {
      const prediction = await predictImage(model, file, file.name, scaling());
      renderResult(item, prediction);
    } catch (error) {
      item.classList.add('error');
      item.dataset['error'] = isCxrError(error) ? error.code : 'ERROR';
      item.querySelector('.status')!.textContent = explain(error);
    }
    await tf.nextFrame(); // let the page paint between images
  }
  document.body.dataset['predicting'] = 'false';
  countTensors();
}

function renderResult(item: HTMLLIElement, prediction: Prediction): void {
  const names = classNames();
  const best = prediction.probabilities.indexOf(Math.max(...prediction.probabilities));
  item.dataset['probs'] = JSON.stringify(prediction.probabilities);
  item.dataset['predicted'] = names[best] ?? String(best);
  item.dataset['backend'] = tf.getBackend();
  const { decodeMs, predictMs, gradCamMs } = prediction.timings;
  const bars = prediction.probabilities
    .map((p, i) => `<div class="bar${i === best ? ' top' : ''}"><span class="name"></span><span class="fill" style="width:${(p * 150).toFixed(1)}px"></span>${(p * 100).toFixed(1)}%</div>`)
    .join('');
  item.innerHTML =
    `<div class="file"></div><canvas></canvas>${bars}` +
    `<p class="latency">${tf.getBackend()}: predict ${predictMs.toFixed(1)} ms · Grad-CAM ${gradCamMs.toFixed(1)} ms · decode ${decodeMs.toFixed(1)} ms · decoded at ${prediction.decoded.width}×${prediction.decoded.height}</p>`;
  item.querySelector('.file')!.textContent = `${item.dataset['file']} → ${item.dataset['predicted']}`;
  item.querySelectorAll('.bar .name').forEach((el, i) => (el.textContent = names[i] ?? `class ${i}`));
  item.dataset['predictMs'] = predictMs.toFixed(2);
  const canvas = item.querySelector('canvas')!;
  shown.push({ canvas, prediction });
  void drawOverlay(canvas, prediction.display, prediction.heatmap, opacity()).then(() => (item.dataset['overlay'] = 'drawn'));
}

async function redrawOverlays(): Promise<void> {
  $('opacity-value').textContent = opacity().toFixed(2);
  for (const s of shown) await drawOverlay(s.canvas, s.prediction.display, s.prediction.heatmap, opacity());
  document.body.dataset['opacity'] = opacity().toFixed(2);
}

async function startTraining(): Promise<void> {
  if (!loaded || !trainFiles) return;
  showMessage(null);
  training = new AbortController();
  $<HTMLButtonElement>('train-start').disabled = true;
  $<HTMLButtonElement>('train-stop').disabled = false;
  chart.reset();
  setStatus('train-status', 'reading the folder…');
  document.body.dataset['training'] = 'running';
  try {
    const { history, skipped, size } = await fineTune(loaded, trainFiles, {
      epochs: Math.max(1, Number($<HTMLInputElement>('train-epochs').value) || 1),
      learningRate: Number($<HTMLInputElement>('train-lr').value) || 0.001,
      scaling: scaling(),
      classes: classNames(),
      signal: training.signal,
      onStep: (loss, epoch, step, total) => {
        chart.push(loss);
        setStatus('train-status', `epoch ${epoch}, step ${step}${total ? `/${total}` : ''}: loss ${loss.toFixed(4)}`);
      },
    });
    const last = history.history['loss']?.at(-1);
    setStatus('train-status', `Trained on ${size} images (${skipped} files skipped) for ${history.epoch.length} epochs; last loss ${last?.toFixed(4) ?? '?'}. Drop images above to use the fine-tuned model.`);
    document.body.dataset['training'] = 'done';
  } catch (error) {
    setStatus('train-status', training.signal.aborted ? 'Stopped; the model keeps the weights of the last step.' : `Training failed: ${explain(error)}`, !training.signal.aborted);
    document.body.dataset['training'] = training.signal.aborted ? 'stopped' : 'error';
  } finally {
    training = null;
    $<HTMLButtonElement>('train-start').disabled = false;
    $<HTMLButtonElement>('train-stop').disabled = true;
  }
}

function dropZone(el: HTMLElement, onDrop: (dt: DataTransfer) => void): void {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    el.classList.add('over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    el.classList.remove('over');
    if (e.dataTransfer) onDrop(e.dataTransfer);
  });
}

async function main(): Promise<void> {
  // A page that cannot drop files should never navigate away to the dropped file.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  $<HTMLSelectElement>('backend-select').value = requestedBackend();
  $<HTMLSelectElement>('backend-select').addEventListener('change', (e) => {
    const url = new URL(location.href);
    url.searchParams.set('backend', (e.target as HTMLSelectElement).value);
    location.href = url.href;
  });
  try {
    const info = await startBackend();
    $('backend').textContent = info.choice.name;
    $('backend-detail').textContent = describe(info);
    document.body.dataset['backend'] = info.choice.name;
    if (info.webglFloat32 !== undefined) document.body.dataset['webglFloat32'] = String(info.webglFloat32);
    if (info.webglRenderer) document.body.dataset['webglRenderer'] = info.webglRenderer;
  } catch (error) {
    $('backend').textContent = 'none';
    showMessage(`No TensorFlow.js backend could start: ${explain(error)}`);
    document.body.dataset['backend'] = 'none';
    return;
  }

  $('model-url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = $<HTMLInputElement>('model-url').value.trim();
    if (url) void useModel(() => loadFromUrl(new URL(url, location.href).href));
  });
  $<HTMLInputElement>('model-files').addEventListener('change', (e) => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (files.length > 0) void useModel(() => loadFromFiles(files));
  });
  dropZone($('model-drop'), (dt) => void useModel(() => loadFromFiles(Array.from(dt.files))));
  $<HTMLInputElement>('image-files').addEventListener('change', (e) => void predictFiles(Array.from((e.target as HTMLInputElement).files ?? [])));
  dropZone($('image-drop'), (dt) => void predictFiles(Array.from(dt.files)));
  $('opacity').addEventListener('input', () => void redrawOverlays());
  $('clear-results').addEventListener('click', clearResults);
  $('input-scaling').addEventListener('change', clearResults);

  $<HTMLInputElement>('train-folder').addEventListener('change', (e) => {
    trainFiles = Array.from((e.target as HTMLInputElement).files ?? []);
    $<HTMLButtonElement>('train-start').disabled = !loaded || trainFiles.length === 0;
    setStatus('train-status', `${trainFiles.length} files picked.`);
  });
  dropZone($('train-folder').parentElement!, (dt) => {
    void filesFromDataTransfer(dt).then((files) => {
      trainFiles = files;
      $<HTMLButtonElement>('train-start').disabled = !loaded;
      setStatus('train-status', `${files.length} files dropped.`);
    });
  });
  $('train-start').addEventListener('click', () => void startTraining());
  $('train-stop').addEventListener('click', () => training?.abort());

  // ?model=URL loads a model on start (how the tests and links to a hosted model use the page).
  const preset = new URLSearchParams(location.search).get('model');
  if (preset) {
    $<HTMLInputElement>('model-url').value = preset;
    await useModel(() => loadFromUrl(new URL(preset, location.href).href));
  }
  document.body.dataset['ready'] = 'true';
}

window.addEventListener('unhandledrejection', (e) => showMessage(`Unexpected error: ${explain(e.reason)}`));
void main();
