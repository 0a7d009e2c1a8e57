"""fixture.py: writes the reference files that test/fixture.h reads.

Not run on its own: the other dev/reference/*.py scripts import write_fixture() (and
gpt2_bf16.py read_fixture(), to start from gpt2_v256.bin).
Format (little-endian): a 256-int32 header {magic 20241125, version 1, tensor count},
then per tensor a 64-byte zero-padded name, int32 dtype (0 float32, 1 int32),
int32 ndim, the dims, and the data in row-major (PyTorch) order.
"""
import struct

import numpy as np

FIXTURE_MAGIC = 20241125
FIXTURE_VERSION = 1


def write_fixture(path, tensors):
    """tensors: dict name -> torch tensor or numpy array (float -> float32, int -> int32)."""
    with open(path, "wb") as f:
        header = np.zeros(256, dtype=np.int32)
        header[:3] = [FIXTURE_MAGIC, FIXTURE_VERSION, len(tensors)]
        f.write(header.tobytes())
        for name, t in tensors.items():
            a = t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
            is_int = np.issubdtype(a.dtype, np.integer)
            a = np.ascontiguousarray(a, dtype=np.int32 if is_int else np.float32)
            f.write(name.encode().ljust(64, b"\0"))
            f.write(struct.pack("<ii", 1 if is_int else 0, a.ndim))
            f.write(struct.pack("<%di" % a.ndim, *a.shape))
            f.write(a.tobytes())


def read_fixture(path):
    """The tensors of a file write_fixture wrote: dict name -> numpy array (float32 or int32)."""
    with open(path, "rb") as f:
        header = np.frombuffer(f.read(256 * 4), dtype=np.int32)
        if header[0] != FIXTURE_MAGIC or header[1] != FIXTURE_VERSION:
            raise SystemExit("%s: not a fixture (magic %d version %d, want %d %d)"
                             % (path, header[0], header[1], FIXTURE_MAGIC, FIXTURE_VERSION))
        tensors = {}
        for _ in range(header[2]):
            name = f.read(64).rstrip(b"\0").decode()
            dtype, ndim = struct.unpack("<ii", f.read(8))
            shape = struct.unpack("<%di" % ndim, f.read(4 * ndim))
            a = np.frombuffer(f.read(4 * int(np.prod(shape))), dtype=np.int32 if dtype == 1 else np.float32)
            tensors[name] = a.reshape(shape).copy()
        return tensors
