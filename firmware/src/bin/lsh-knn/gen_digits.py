"""Writes digits.blob: scikit-learn's handwritten digits (1 797 images of 8×8
pixels, values 0–16, labels 0–9) as a plasticore dataset blob (kind 4), from
the copy committed at tests/data/lsh/digits.csv.gz (64 pixel columns, then
the label).

    python3 firmware/src/bin/lsh-knn/gen_digits.py

The blob is encoded here, independently of the Rust encoder (layout:
core/src/blob.rs): magic, version 1, kind 4, zero meta and parameter, dims
[rows, features], rows·features pixel values row-major then rows labels, all
float32 little-endian, and the CRC-32 of everything before it.
"""
import gzip
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "../../../../tests/data/lsh/digits.csv.gz")

with gzip.open(SRC, "rt") as f:
    rows = np.loadtxt(f, delimiter=",", dtype=np.float32)
x, y = rows[:, :64], rows[:, 64]
n, d = x.shape
body = b"PLCB" + struct.pack("<HH", 1, 4) + bytes(8) + struct.pack("<f", 0.0)
body += struct.pack("<III", 2, n, d) + struct.pack("<I", n * (d + 1))
body += x.astype("<f4").tobytes() + y.astype("<f4").tobytes()
blob = body + struct.pack("<I", zlib.crc32(body))
with open(os.path.join(HERE, "digits.blob"), "wb") as f:
    f.write(blob)
print(f"wrote digits.blob: {n} rows x {d} features + labels, {len(blob)} bytes")
