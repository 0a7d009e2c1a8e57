#!/usr/bin/python3
"""The checksum's speed against Python's zlib.crc32 (the same CRC-32, zlib's C code), measured in one
run on the same bytes: 256 MB of random bytes (about half of GPT-2 124M's checkpoint), our crc32
(best of 5) and zlib.crc32 (best of 5), one thread each. Both must give the same CRC.

    /usr/bin/python3 dev/bench_crc32.py [BUILD_DIR]      # make bench-crc32
"""
import os
import subprocess
import sys
import tempfile
import time
import zlib

build = sys.argv[1] if len(sys.argv) > 1 else "build/g++"
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "bytes.bin")
    data = os.urandom(256 << 20)
    with open(path, "wb") as f:
        f.write(data)
    out = subprocess.run([os.path.join(build, "bench_crc32"), path], check=True, capture_output=True, text=True).stdout
    ours = dict(line.split(" ", 1) for line in out.strip().splitlines())
    best = 1e30
    for _ in range(5):
        start = time.perf_counter()
        want = zlib.crc32(data)
        best = min(best, time.perf_counter() - start)
    zlib_gbs = len(data) / 1e9 / best
    ours_gbs = float(ours["crc32"].split()[0])
    if int(ours["crc"], 16) != want:
        sys.exit(f"CRC differs: ours {ours['crc']}, zlib {want:08x}")
    print(f"crc32 (ours, 3 x slicing-by-8) {ours_gbs:6.2f} GB/s")
    print(f"crc32_naive (ours, plain)     {ours['naive']}")
    print(f"zlib.crc32 (Python's zlib)    {zlib_gbs:6.2f} GB/s")
    print(f"ours / zlib: {ours_gbs / zlib_gbs:.2f}x (same CRC {want:08x})")
