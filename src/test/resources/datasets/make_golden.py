#!/usr/bin/python3
"""Writes the IDX, NPY and NPZ golden files that the dataset format tests read.

Run from this folder with Debian's python3-numpy: /usr/bin/python3 make_golden.py
The values are fixed (no randomness), so the tests can state them.
"""
import gzip
import struct

import numpy as np

# IDX: 5 images of 3x4 pixels; pixel (i, r, c) = 10 * i + 4 * r + c; labels 7, 2, 7, 0, 9.
images = np.array([[[10 * i + 4 * r + c for c in range(4)] for r in range(3)] for i in range(5)], dtype=np.uint8)
images[4, 2, 3] = 255
labels = np.array([7, 2, 7, 0, 9], dtype=np.uint8)
image_bytes = struct.pack(">IIII", 0x803, 5, 3, 4) + images.tobytes()
label_bytes = struct.pack(">II", 0x801, 5) + labels.tobytes()
with open("tiny-images-idx3-ubyte", "wb") as f:
    f.write(image_bytes)
with open("tiny-labels-idx1-ubyte", "wb") as f:
    f.write(label_bytes)
with open("tiny-images-idx3-ubyte.gz", "wb") as f:
    f.write(gzip.compress(image_bytes, mtime=0))
with open("tiny-labels-idx1-ubyte.gz", "wb") as f:
    f.write(gzip.compress(label_bytes, mtime=0))

# NPY: features x[i, j] = i + j / 10 (4 rows, 3 columns), integer labels, float targets.
x = np.array([[i + j / 10 for j in range(3)] for i in range(4)])
np.save("features_f4.npy", x.astype(np.float32))
np.save("features_f8_fortran.npy", np.asfortranarray(x))
np.save("features_i8.npy", (x * 10).astype(np.int64))
np.save("labels_i8.npy", np.array([1, 0, 1, 2], dtype=np.int64))
np.save("targets_f8.npy", np.array([1.0, 2.0, 3.0, 6.0]))
np.savez("xy.npz", x=x.astype(np.float32), y=np.array([1, 0, 1, 2], dtype=np.int32))
np.savez_compressed("features_labels_compressed.npz", labels=np.array([3, 3, 5, 5], dtype=np.uint8), features=x)
