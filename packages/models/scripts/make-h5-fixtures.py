#!/usr/bin/env python3
"""Write Keras-layout .h5 weight files that test/h5.test.ts loads (test/fixtures/h5/).

Run from anywhere:  /usr/bin/python3 packages/models/scripts/make-h5-fixtures.py
Needs h5py and NumPy only (Debian: apt-get install python3-h5py): no TensorFlow here, so the
files are written the way Keras 2 writes them (keras/saving/legacy/hdf5_format.py:
save_model_to_hdf5 / save_weights_to_hdf5_group / save_attributes_to_hdf5_group):

- save_weights layout: root attrs `layer_names` (byte strings, model order), `backend`,
  `keras_version`; one group per layer (created in sorted name order) with attr `weight_names`
  (byte strings like b'conv1/kernel:0', an empty float64 array for layers without weights) and
  one dataset per weight at `<layer>/<weight name>` (so `conv1/conv1/kernel:0`);
- full-model layout: the same under `model_weights/`, plus root attrs `model_config`,
  `training_config`, `keras_version`, `backend` and an `optimizer_weights` group.

The architectures are described here from Keras' own code (keras/applications/mobilenet.py, the
seed-004 article's Sequential), independently of the TypeScript models they are loaded into.
Weight values follow a formula the test recomputes, so no golden arrays are needed:
  value(name, i) = ((7 * i + key(name)) % 61 - 30) / 32,   key(name) = sum((j + 1) * ord(c)) % 997
for the i-th element (C order) of the weight named `layer/weight`. The period keeps the gzip'd
MobileNet file small (Keras itself writes uncompressed datasets; readers do not care).
"""
import json
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'h5')
os.makedirs(OUT, exist_ok=True)
KERAS_VERSION = b'2.13.1'


def key(name):
    return sum((j + 1) * ord(c) for j, c in enumerate(name)) % 997


def values(name, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((7 * i + key(name)) % 61 - 30) / 32).astype(np.float32).reshape(shape)


def conv_bn(name, channels):
    return [(name, [(f'{name}/{w}', (channels,)) for w in ('gamma', 'beta', 'moving_mean', 'moving_variance')])]


def mobilenet(alpha=0.25):
    """keras.applications.MobileNet(include_top=False, alpha) layers with their weights (TF >= 2.x)."""
    layers = [('input_1', [])]
    c = int(32 * alpha)
    layers += [('conv1', [('conv1/kernel', (3, 3, 3, c))])] + conv_bn('conv1_bn', c) + [('conv1_relu', [])]
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for block_id, (filters, stride) in enumerate(blocks, start=1):
        f = int(filters * alpha)
        if stride == 2:
            layers.append((f'conv_pad_{block_id}', []))
        layers.append((f'conv_dw_{block_id}', [(f'conv_dw_{block_id}/depthwise_kernel', (3, 3, c, 1))]))
        layers += conv_bn(f'conv_dw_{block_id}_bn', c) + [(f'conv_dw_{block_id}_relu', [])]
        layers.append((f'conv_pw_{block_id}', [(f'conv_pw_{block_id}/kernel', (1, 1, c, f))]))
        layers += conv_bn(f'conv_pw_{block_id}_bn', f) + [(f'conv_pw_{block_id}_relu', [])]
        c = f
    return layers


def lung_classifier(side=64, classes=3):
    """The seed-004 article's Sequential (input side x side x 1): Sequential models list no InputLayer."""
    s = ((side - 4) // 3 - 2) // 2  # conv 5 valid, pool 3/3, conv 3 valid, pool 2/2
    return [
        ('1stConvLayer', [('1stConvLayer/kernel', (5, 5, 1, 4)), ('1stConvLayer/bias', (4,))]),
        ('1stPoolLayer', []),
        ('2ndConvLayer', [('2ndConvLayer/kernel', (3, 3, 4, 4)), ('2ndConvLayer/bias', (4,))]),
        ('2ndPoolLayer', []),
        ('Flatten', []),
        ('FinalClassifier', [('FinalClassifier/kernel', (s * s * 4, classes)), ('FinalClassifier/bias', (classes,))]),
    ]


def save_attributes(group, name, data, min_chunks=1):
    """keras save_attributes_to_hdf5_group: split into name0, name1, … past the 64 KB header limit.

    min_chunks > 1 forces the split that Keras makes for models with very many layers
    (EfficientNetB7, DenseNet201) on this small model, so the reader's join is tested.
    """
    data_npy = np.asarray(data)
    chunks = min_chunks
    parts = np.array_split(data_npy, chunks)
    while any(p.nbytes > 64512 for p in parts):
        chunks += 1
        parts = np.array_split(data_npy, chunks)
    if chunks > 1:
        for i, part in enumerate(parts):
            group.attrs['%s%d' % (name, i)] = part
    else:
        group.attrs[name] = data


def save_weights_group(f, layers, compress=False, prefix_of=None, name_chunks=1):
    """keras save_weights_to_hdf5_group for `layers` = [(layer name, [(weight name, shape)])]."""
    save_attributes(f, 'layer_names', [n.encode('utf8') for n, _ in layers], min_chunks=name_chunks)
    f.attrs['backend'] = b'tensorflow'
    f.attrs['keras_version'] = KERAS_VERSION
    for layer, weights in sorted(layers, key=lambda x: x[0]):
        g = f.create_group(layer)
        names = [(w + ':0').encode('utf8') for w, _ in weights]
        save_attributes(g, 'weight_names', names)
        for (w, shape), h5name in zip(weights, names):
            value = values(prefix_of(w) if prefix_of else w, shape)
            options = {'compression': 'gzip', 'compression_opts': 9, 'shuffle': True} if compress and value.size > 64 else {}
            d = g.create_dataset(h5name.decode(), shape, dtype=value.dtype, **options)
            d[()] = value


def full_model(path, layers, model_config, compress=False, name_chunks=1):
    # libver 'latest' (compact chunk indexes) only for the compressed file, to keep it small.
    with h5py.File(path, 'w', **({'libver': 'latest'} if compress else {})) as f:
        f.attrs['keras_version'] = KERAS_VERSION
        f.attrs['backend'] = b'tensorflow'
        f.attrs['model_config'] = json.dumps(model_config).encode('utf8')
        f.attrs['training_config'] = json.dumps({'loss': 'categorical_crossentropy', 'optimizer_config': {'class_name': 'Adam', 'config': {}}}).encode('utf8')
        save_weights_group(f.create_group('model_weights'), layers, compress=compress, name_chunks=name_chunks)
        opt = f.create_group('optimizer_weights')
        save_attributes(opt, 'weight_names', [b'Adam/iter:0'])
        opt.create_dataset('Adam/iter:0', data=np.int64(7))


# 1. save_weights layout: model.save_weights('lung-classifier.weights.h5') of the 64x64x1 article model.
lung = lung_classifier()
with h5py.File(os.path.join(OUT, 'lung-classifier.weights.h5'), 'w') as f:
    save_weights_group(f, lung)

# 1b. The same weights as Keras 2 on TF1 could name them (variables `1stConvLayer_1/kernel:0` when a
#     model was built twice in a session), stored as float64: matched by their layer group, cast.
with h5py.File(os.path.join(OUT, 'lung-classifier.tf1-names.weights.h5'), 'w') as f:
    save_attributes(f, 'layer_names', [n.encode('utf8') for n, _ in lung])
    f.attrs['backend'] = b'tensorflow'
    f.attrs['keras_version'] = b'2.2.4'
    for layer, weights in sorted(lung, key=lambda x: x[0]):
        g = f.create_group(layer)
        names = [w.replace(layer + '/', layer + '_1/') + ':0' for w, _ in weights]
        save_attributes(g, 'weight_names', [n.encode('utf8') for n in names])
        for (w, shape), n in zip(weights, names):
            g.create_dataset(n, data=values(w, shape).astype(np.float64))

# 2. Full model whose only weighted layer is a nested model (Sequential([LungClassifier])), as Keras
#    writes a wrapped sub-model: one group named after it, weight names without its prefix.
with h5py.File(os.path.join(OUT, 'lung-classifier.nested.h5'), 'w') as f:
    f.attrs['keras_version'] = KERAS_VERSION
    f.attrs['backend'] = b'tensorflow'
    f.attrs['model_config'] = json.dumps({'class_name': 'Sequential', 'config': {'name': 'wrapper'}}).encode('utf8')
    mw = f.create_group('model_weights')
    save_attributes(mw, 'layer_names', [b'LungClassifier'])
    mw.attrs['backend'] = b'tensorflow'
    mw.attrs['keras_version'] = KERAS_VERSION
    g = mw.create_group('LungClassifier')
    inner = [w for _, ws in lung for w in ws]
    save_attributes(g, 'weight_names', [(w + ':0').encode('utf8') for w, _ in inner])
    for w, shape in inner:
        g.create_dataset(w + ':0', data=values(w, shape))

# 3. Full model of the MobileNet backbone at alpha 0.25 (model.save('mobilenet-0.25.h5')), gzip'd,
#    with layer_names split in 3 chunks (layer_names0/1/2) as Keras does for big models.
full_model(
    os.path.join(OUT, 'mobilenet-0.25.h5'),
    mobilenet(0.25),
    {'class_name': 'Functional', 'config': {'name': 'mobilenet_0.25_224', 'layers': '… (not read by cxr)'}},
    compress=True,
    name_chunks=3,
)

# 4. A Keras 3 `.weights.h5` (layers/<name>/vars/<i>): cxr reports it with a coded error.
with h5py.File(os.path.join(OUT, 'keras3.weights.h5'), 'w') as f:
    v = f.create_group('layers').create_group('dense').create_group('vars')
    v.create_dataset('0', data=values('dense/kernel', (4, 2)))
    v.create_dataset('1', data=values('dense/bias', (2,)))
    f.create_group('optimizer').create_group('vars')

# 5. An HDF5 file that is no Keras file at all.
with h5py.File(os.path.join(OUT, 'not-keras.h5'), 'w') as f:
    f.create_dataset('x', data=np.arange(6, dtype=np.float32))

total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
print(f'wrote {len(os.listdir(OUT))} files, {total / 1024:.0f} KB, to {os.path.normpath(OUT)}')
