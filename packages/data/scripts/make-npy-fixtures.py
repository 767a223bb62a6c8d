#!/usr/bin/env python3
"""Write the NumPy .npy golden fixtures that test/npy.test.ts reads (test/fixtures/npy/).

Run from packages/data:  /usr/bin/python3 scripts/make-npy-fixtures.py
The values are formulas the test recomputes, so the files stay tiny (< 10 KB in all).
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')
os.makedirs(out, exist_ok=True)

def save(name, array, version=None):
    path = os.path.join(out, name)
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, array, version=version)

base = np.arange(24).reshape(2, 3, 4)
save('f4_2x3x4.npy', (base * 0.25 - 3).astype('<f4'))
save('f8_2x3x4.npy', (base / 3.0).astype('<f8'))
save('i4_2x3x4.npy', (base * 1000 - 7000).astype('<i4'))
save('u1_4x5x3.npy', (np.arange(60).reshape(4, 5, 3) * 4).astype('u1'))
save('b1_5.npy', np.array([True, False, False, True, True]))
save('i8_labels.npy', np.array([0, 1, 2, 2, 1, 0]))  # NumPy's default int64
save('i8_too_big.npy', np.array([0, 2**40], dtype='<i8'))
save('f4_big_endian.npy', (base * 0.25 - 3).astype('>f4'))
save('i4_big_endian.npy', (base * 1000 - 7000).astype('>i4'))
save('f4_v2.npy', (base * 0.25 - 3).astype('<f4'), version=(2, 0))
save('f4_scalar.npy', np.array(2.5, dtype='<f4'))
save('f4_empty.npy', np.zeros((0, 3), dtype='<f4'))
save('f4_fortran.npy', np.asfortranarray((base * 0.25 - 3).astype('<f4')))
save('c8.npy', np.array([1 + 2j, 3 - 4j], dtype='<c8'))
print('wrote', sorted(os.listdir(out)))
