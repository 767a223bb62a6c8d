#!/usr/bin/env python3
"""Write the DICOM fixtures and their golden pixels that test/dicom.test.ts reads (test/fixtures/dicom/).

Run from anywhere:  /usr/bin/python3 packages/data/scripts/make-dicom-fixtures.py
Needs pydicom 2.x, NumPy and Pillow (Debian: apt-get install python3-pydicom python3-pil).

Every file is a small 16x12 image written by pydicom (RLE compressed by pydicom's own encoder,
JPEG baseline by Pillow). The golden values come from pydicom's `apply_modality_lut` and
`apply_voi_lut` (windowing per PS3.3 C.11.2.1.2, VOI LUT sequence), normalised to [0, 1] by the
output range pydicom windows into, and inverted for MONOCHROME1 — the contract of decodeDicom.
Stored values have junk in the bits above BitsStored; the golden masks (and sign-extends) them
explicitly, since that is what the standard asks a reader to do.
"""
import io
import json
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import (
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    RLELossless,
    generate_uid,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'dicom')
os.makedirs(OUT, exist_ok=True)
ROWS, COLS = 12, 16
rng = np.random.default_rng(11)


def base_dataset(syntax, photometric='MONOCHROME2', bits_allocated=16, bits_stored=12, signed=0, frames=1):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.1.1'  # Digital X-Ray Image Storage - For Presentation
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[syntax, photometric, str(bits_stored), str(frames)])
    meta.TransferSyntaxUID = syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = syntax != ExplicitVRBigEndian
    ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'DX'
    ds.ViewPosition = 'PA'
    ds.Rows, ds.Columns = ROWS, COLS
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = signed
    if frames > 1:
        ds.NumberOfFrames = frames
    return ds


def stored_values(bits_allocated, bits_stored, signed, frames=1, junk=True):
    """Random stored values in the BitsStored range, with junk in the unused high bits."""
    shape = (frames, ROWS, COLS) if frames > 1 else (ROWS, COLS)
    if signed:
        values = rng.integers(-(2 ** (bits_stored - 1)), 2 ** (bits_stored - 1), size=shape)
    else:
        values = rng.integers(0, 2 ** bits_stored, size=shape)
    dtype = {8: np.uint8, 16: np.uint16}[bits_allocated]
    raw = (values & (2 ** bits_stored - 1)).astype(np.int64)
    if junk and bits_stored < bits_allocated:
        raw |= rng.integers(0, 2 ** (bits_allocated - bits_stored), size=shape) << bits_stored
    return values, raw.astype(dtype)


def output_range(ds):
    """The [y_min, y_max] pydicom's apply_windowing maps a window onto (pydicom 2.3, util.py)."""
    if ds.PixelRepresentation == 0:
        y_min, y_max = 0, 2 ** ds.BitsStored - 1
    else:
        y_min, y_max = -(2 ** (ds.BitsStored - 1)), 2 ** (ds.BitsStored - 1) - 1
    if 'RescaleSlope' in ds and 'RescaleIntercept' in ds:
        y_min = y_min * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        y_max = y_max * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    return y_min, y_max


golden = {}


def record(name, ds, values, window='auto', frame=0, note='', bare=False):
    """Save ds and its golden pixels; `values` are the true (masked, sign-extended) stored values.

    bare: write the data set alone (no preamble, no "DICM", no meta header), as old ACR-NEMA-style
    files and some exports are; the reader has to guess its encoding.
    """
    path = os.path.join(OUT, name)
    syntax = str(ds.file_meta.TransferSyntaxUID)
    if bare:
        del ds.file_meta
        ds.preamble = None
        pydicom.filewriter.dcmwrite(path, ds, write_like_original=True)
    else:
        ds.save_as(path, write_like_original=False)
    check = pydicom.dcmread(path, force=bare)
    frame_values = values[frame] if values.ndim == 3 else values
    modality = apply_modality_lut(frame_values.astype(np.int64), check).astype(np.float64)
    if 'VOILUTSequence' in check:
        lut = check.VOILUTSequence[0]
        lut_input = modality.astype(np.int64) if np.all(modality == np.round(modality)) else modality  # LUTs index integers
        voi = apply_voi_lut(lut_input, check, index=0, prefer_lut=True).astype(np.float64)
        display = voi / (2 ** int(lut.LUTDescriptor[2]) - 1)
        applied = 'voi-lut'
    elif 'WindowCenter' in check:
        voi = apply_voi_lut(modality, check, index=0).astype(np.float64)
        y_min, y_max = output_range(check)
        display = (voi - y_min) / (y_max - y_min)
        applied = 'window'
    else:
        lo, hi = modality.min(), modality.max()
        display = (modality - lo) / (hi - lo)
        applied = 'min-max'
    if check.PhotometricInterpretation == 'MONOCHROME1':
        display = 1.0 - display
    golden[name] = {
        'note': note,
        'frame': frame,
        'transferSyntaxUid': syntax,
        'photometricInterpretation': check.PhotometricInterpretation,
        'rows': ROWS,
        'columns': COLS,
        'bitsAllocated': int(check.BitsAllocated),
        'bitsStored': int(check.BitsStored),
        'pixelRepresentation': int(check.PixelRepresentation),
        'numberOfFrames': int(check.get('NumberOfFrames', 1)),
        'applied': applied,
        'modality': [round(float(v), 6) for v in modality.ravel()],
        'display': [round(float(v), 7) for v in display.ravel()],
    }


# 1. The common case: 12-in-16 bit unsigned, explicit VR, rescale to HU-like values, one window.
ds = base_dataset(ExplicitVRLittleEndian)
values, raw = stored_values(16, 12, 0)
ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
ds.WindowCenter, ds.WindowWidth = 1000, 2200
ds.PixelData = raw.tobytes()
record('mono2-u12-explicit.dcm', ds, values, note='12 of 16 bits, junk high bits, rescale, one window')

# 2. MONOCHROME1 (inverted), implicit VR, full 16 bits, slope 2, two windows (the first applies).
ds = base_dataset(ImplicitVRLittleEndian, photometric='MONOCHROME1', bits_stored=16)
values, raw = stored_values(16, 16, 0)
ds.RescaleSlope, ds.RescaleIntercept = 2, 10
ds.WindowCenter, ds.WindowWidth = [60000, 70000], [50000, 90000]
ds.PixelData = raw.tobytes()
record('mono1-u16-implicit.dcm', ds, values, note='MONOCHROME1, implicit VR, two windows')

# 3. Signed 12-in-16 bit (CT-like), LINEAR_EXACT window, negative slope-free values.
ds = base_dataset(ExplicitVRLittleEndian, signed=1)
values, raw = stored_values(16, 12, 1)
ds.RescaleSlope, ds.RescaleIntercept = '0.5', '-20'
ds.WindowCenter, ds.WindowWidth = -100, 900
ds.VOILUTFunction = 'LINEAR_EXACT'
ds.PixelData = raw.tobytes()
record('mono2-s12-exact.dcm', ds, values, note='signed 12 bits (sign extension), LINEAR_EXACT')

# 4. SIGMOID window on unsigned 10-in-16 bits.
ds = base_dataset(ExplicitVRLittleEndian, bits_stored=10)
values, raw = stored_values(16, 10, 0)
ds.WindowCenter, ds.WindowWidth = 500, 400
ds.VOILUTFunction = 'SIGMOID'
ds.PixelData = raw.tobytes()
record('mono2-u10-sigmoid.dcm', ds, values, note='SIGMOID VOI LUT function, no rescale')

# 5. 8-bit, no window at all: the reader stretches min..max.
ds = base_dataset(ExplicitVRLittleEndian, bits_allocated=8, bits_stored=8)
values, raw = stored_values(8, 8, 0)
ds.PixelData = raw.tobytes()
record('mono2-u8-nowindow.dcm', ds, values, note='8 bits, no window: min-max')

# 6. VOI LUT sequence (preferred over the window that is also present).
ds = base_dataset(ExplicitVRLittleEndian)
values, raw = stored_values(16, 12, 0)
lut = Dataset()
first, entries = 1000, 2048
lut.LUTDescriptor = [entries, first, 12]
lut_data = np.clip(np.sqrt(np.arange(entries) / (entries - 1)) * 4095, 0, 4095).astype(np.uint16)
lut.add_new(0x00283006, 'US', lut_data.tolist())  # LUT Data as US (the keyword would pick OW)
lut.LUTExplanation = 'square root'
ds.VOILUTSequence = Sequence([lut])
ds.WindowCenter, ds.WindowWidth = 2048, 4096
ds.PixelData = raw.tobytes()
record('mono2-u12-voilut.dcm', ds, values, note='VOI LUT sequence (12-bit entries, first mapped 1000)')

# 6b. Modality LUT sequence instead of rescale, no window (min-max of the LUT output).
ds = base_dataset(ExplicitVRLittleEndian, bits_stored=8, bits_allocated=8)
values, raw = stored_values(8, 8, 0)
lut = Dataset()
lut.LUTDescriptor = [200, 20, 16]
lut.add_new(0x00283006, 'US', [int(1000 + 30 * i + (i % 7) * 11) for i in range(200)])
lut.ModalityLUTType = 'OD'
ds.ModalityLUTSequence = Sequence([lut])
ds.PixelData = raw.tobytes()
record('mono2-u8-modlut.dcm', ds, values, note='Modality LUT sequence, min-max')

# 7. Explicit VR big endian (retired, still met in archives).
ds = base_dataset(ExplicitVRBigEndian)
values, raw = stored_values(16, 12, 0)
ds.WindowCenter, ds.WindowWidth = 2000, 3000
ds.PixelData = raw.astype('>u2').tobytes()
record('mono2-u12-bigendian.dcm', ds, values, note='explicit VR big endian')

# 7b/7c. Bare data sets (no preamble / meta header): explicit VR little and big endian.
for syntax, suffix in ((ExplicitVRLittleEndian, 'le'), (ExplicitVRBigEndian, 'be')):
    ds = base_dataset(syntax)
    values, raw = stored_values(16, 12, 0)
    ds.WindowCenter, ds.WindowWidth = 1800, 2500
    ds.PixelData = raw.astype('<u2' if suffix == 'le' else '>u2').tobytes()
    record(f'bare-explicit-{suffix}.dcm', ds, values, note=f'no preamble or meta header, explicit VR {suffix}', bare=True)

# 8. RLE lossless, 16 bits (two byte segments), encoded by pydicom's own RLE encoder.
ds = base_dataset(ExplicitVRLittleEndian, bits_stored=16)
values, raw = stored_values(16, 16, 0)
ds.WindowCenter, ds.WindowWidth = 30000, 50000
ds.compress(RLELossless, raw, encoding_plugin='pydicom')
record('mono2-u16-rle.dcm', ds, values, note='RLE lossless, 16 bits')

# 9. RLE lossless, 8 bits, 3 frames; the golden is frame 1. Runs of equal bytes exercise replicate runs.
ds = base_dataset(ExplicitVRLittleEndian, bits_allocated=8, bits_stored=8, frames=3)
values, raw = stored_values(8, 8, 0, frames=3)
values[:, 3:7, :] = 200
raw = values.astype(np.uint8)
ds.WindowCenter, ds.WindowWidth = 128, 200
ds.compress(RLELossless, raw, encoding_plugin='pydicom')
record('mono2-u8-rle-3frames.dcm', ds, values, frame=1, note='RLE lossless, 8 bits, 3 frames, frame 1')

# 10. JPEG baseline (8-bit, lossy) encoded by Pillow; golden from Pillow's decode of the same bytes.
from PIL import Image  # noqa: E402

ds = base_dataset(JPEGBaseline8Bit, bits_allocated=8, bits_stored=8)
yy, xx = np.mgrid[0:ROWS, 0:COLS]
smooth = (40 + 10 * xx + 5 * yy).astype(np.uint8)  # smooth so the lossy error stays small
buf = io.BytesIO()
Image.fromarray(smooth, mode='L').save(buf, format='JPEG', quality=95)
decoded = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('L')).astype(np.int64)
ds.PixelData = encapsulate([buf.getvalue()])
ds['PixelData'].is_undefined_length = True
ds.WindowCenter, ds.WindowWidth = 128, 256
ds.LossyImageCompression = '01'
record('mono2-u8-jpeg-baseline.dcm', ds, decoded, note='JPEG baseline via Pillow (decoders may differ by ±1)')

# Bad input: the tests expect coded errors, no golden pixels.
ds = base_dataset('1.2.840.10008.1.2.4.90', bits_allocated=16, bits_stored=12)
ds.PixelData = encapsulate([b'\xff\x4f\xff\x51' + b'\x00' * 60])
ds['PixelData'].is_undefined_length = True
ds.save_as(os.path.join(OUT, 'bad-jpeg2000.dcm'), write_like_original=False)

ds = base_dataset(ExplicitVRLittleEndian, photometric='RGB', bits_allocated=8, bits_stored=8)
ds.SamplesPerPixel = 3
ds.PlanarConfiguration = 0
ds.PixelData = np.zeros((ROWS, COLS, 3), np.uint8).tobytes()
ds.save_as(os.path.join(OUT, 'bad-rgb.dcm'), write_like_original=False)

ds = base_dataset(ExplicitVRLittleEndian)
ds.save_as(os.path.join(OUT, 'bad-no-pixels.dcm'), write_like_original=False)

with open(os.path.join(OUT, 'golden.json'), 'w') as f:
    json.dump({'generator': f'pydicom {pydicom.__version__}, numpy {np.__version__}', 'files': golden}, f, indent=1)
    f.write('\n')
print('wrote', len(golden), 'golden images to', os.path.normpath(OUT))
