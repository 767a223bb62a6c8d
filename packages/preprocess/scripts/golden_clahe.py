#!/usr/bin/python3
"""Golden fixtures for @cxr/preprocess clahe / equalizeHist / whiteBalance.

Reads a few real chest X-rays from ../shared/data (grayscale), makes small crops and resized
versions (sizes chosen so that most are NOT divisible by the tile grid), and records what
OpenCV (Debian python3-opencv) and the article's NumPy white balance give for them.

    /usr/bin/python3 packages/preprocess/scripts/golden_clahe.py [DATA_DIR]

Writes packages/preprocess/test/fixtures/clahe-golden.json and white-balance-golden.json.
Only small processed crops are stored (base64 uint8), never whole dataset files.
"""
import base64
import json
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'test', 'fixtures')
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data')

# (relative path, how to make the small image, (height, width))
SOURCES = [
    ('cxr3/train/NORMAL/01.jpeg', 'resize', (80, 64)),
    ('cxr3/train/COVID19/019.png', 'resize', (61, 77)),
    ('cxr3/test/PNEUMONIA', 'crop', (97, 50)),
    ('covid-chestxray-early/images', 'resize', (72, 96)),
    ('covid-chestxray-early/images#7', 'crop', (90, 83)),
]
CONFIGS = [
    {'clipLimit': 2.0, 'tileGridSize': [8, 8]},
    {'clipLimit': 40.0, 'tileGridSize': [8, 8]},
    {'clipLimit': 2.0, 'tileGridSize': [4, 6]},
    {'clipLimit': 40.0, 'tileGridSize': [4, 6]},
]


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode('ascii')


def pick(rel):
    rel, _, index = rel.partition('#')  # a folder: its n-th file in sorted order
    path = os.path.join(DATA, rel)
    if os.path.isdir(path):
        path = os.path.join(path, sorted(os.listdir(path))[int(index or 0)])
    return path


def load(rel, how, size):
    path = pick(rel)
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise SystemExit(f'cannot read {path}')
    h, w = size
    if how == 'resize':
        small = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    else:  # a native-resolution crop around the centre-left (lung field + border)
        y0 = max(0, img.shape[0] // 2 - h // 2)
        x0 = max(0, img.shape[1] // 4 - w // 2)
        small = img[y0:y0 + h, x0:x0 + w]
        assert small.shape == (h, w), (path, img.shape)
    return os.path.relpath(path, DATA), np.ascontiguousarray(small)


# The article's white balance, verbatim.
def wb(channel, perc=0.05):
    mi, ma = (np.percentile(channel, perc), np.percentile(channel, 100.0 - perc))
    channel = np.uint8(np.clip((channel - mi) * 255.0 / (ma - mi), 0, 255))
    return channel


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    images = []
    for rel, how, size in SOURCES:
        src, img = load(rel, how, size)
        entry = {'source': src, 'how': how, 'height': img.shape[0], 'width': img.shape[1], 'data': b64(img),
                 'equalizeHist': b64(cv2.equalizeHist(img)), 'clahe': []}
        for cfg in CONFIGS:
            # OpenCV's tileGridSize is a Size: (columns, rows).
            out = cv2.createCLAHE(clipLimit=cfg['clipLimit'], tileGridSize=tuple(cfg['tileGridSize'])).apply(img)
            entry['clahe'].append({**cfg, 'data': b64(out)})
        images.append(entry)
    meta = {'generator': 'packages/preprocess/scripts/golden_clahe.py', 'opencv': cv2.__version__,
            'note': 'tileGridSize is OpenCV order [columns, rows]; data is base64 uint8, row-major [height, width]',
            'images': images}
    with open(os.path.join(FIXTURES, 'clahe-golden.json'), 'w') as f:
        json.dump(meta, f, separators=(',', ':'))

    # White balance: a grayscale crop and an "RGB-ish" one (a real X-ray with a per-channel cast).
    wbs = []
    _, gray = load('cxr3/train/COVID19/019.png', 'crop', (40, 48))
    _, base = load('covid-chestxray-early/images', 'resize', (36, 44))
    g = base.astype(np.float64)
    rgbish = np.dstack([
        np.clip(g * 0.7 + 30, 0, 255),
        np.clip(255 * (g / 255) ** 1.4, 0, 255),
        np.clip(g * 0.9 + 10, 0, 255),
    ]).astype(np.uint8)
    for name, img in [('gray', gray[:, :, None]), ('rgbish', rgbish)]:
        for perc in [0.05, 2.0]:
            out = np.dstack([wb(ch, perc) for ch in cv2.split(img)])
            lims = [[float(np.percentile(ch, perc)), float(np.percentile(ch, 100.0 - perc))] for ch in cv2.split(img)]
            wbs.append({'name': name, 'percentile': perc, 'height': img.shape[0], 'width': img.shape[1],
                        'channels': img.shape[2], 'data': b64(img), 'limits': lims, 'expected': b64(out)})
    with open(os.path.join(FIXTURES, 'white-balance-golden.json'), 'w') as f:
        json.dump({'generator': 'packages/preprocess/scripts/golden_clahe.py', 'numpy': np.__version__,
                   'note': "article's wb(channel, perc) per channel; data is base64 uint8 [h, w, c]", 'cases': wbs},
                  f, separators=(',', ':'))
    for name in ['clahe-golden.json', 'white-balance-golden.json']:
        print(name, os.path.getsize(os.path.join(FIXTURES, name)), 'bytes')


if __name__ == '__main__':
    main()
