#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers: test/fuzz/corpus/NAME/, one small valid input (or a
few) per harness, so that libFuzzer starts from files that load and mutates from there.

    python3 test/fuzz/seeds.py        # from the repository root; rewrites test/fuzz/corpus/

Files written: checkpoint (a 1-layer C=4 model), train_state (6 parameters, an argv), shard (20
tokens), vocab_text / vocab_llmc (our two vocabulary formats, 260 tokens), the binary ones also with
our checksums (as llm.c writes them and as we do), vocab_gpt2 (a tiny
encoder.json + vocab.bpe joined by a NUL), round_trip and bpe_train (texts), cli (argv strings).
Read by `make fuzz` and by .ci/run. Prints nothing."""
import json
import os
import struct
import zlib

ROOT = "test/fuzz/corpus"


def put(name, file, data):
    os.makedirs(f"{ROOT}/{name}", exist_ok=True)
    with open(f"{ROOT}/{name}/{file}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def header(values):
    h = [0] * 256
    for i, v in values.items():
        h[i] = v
    return struct.pack("<256i", *h)


def sealed(file):
    """The file with our checksum slots (data/common/binary_header.h): 253 the tag "CRC1", 254 the
    CRC-32 of the body, 255 the CRC-32 of the header with slot 255 zero."""
    h = list(struct.unpack("<256I", file[:1024]))
    h[253], h[254], h[255] = 0x31435243, zlib.crc32(file[1024:]), 0
    h[255] = zlib.crc32(struct.pack("<256I", *h))
    return struct.pack("<256I", *h) + file[1024:]


# checkpoint: llm.c's header (magic 20240326, version 3, maxT, V, L, NH, C, Vp), then the floats
maxT, V, L, NH, C, Vp = 2, 8, 1, 1, 4, 8
n = Vp * C + maxT * C + L * (2 * C + 3 * C * C + 3 * C + C * C + C + 2 * C + 4 * C * C + 4 * C + 4 * C * C + C) + 2 * C
tiny = header({0: 20240326, 1: 3, 2: maxT, 3: V, 4: L, 5: NH, 6: C, 7: Vp}) + struct.pack(f"<{n}f", *[(i % 7 - 3) * 0.1 for i in range(n)])
put("checkpoint", "tiny.bin", tiny)  # as llm.c writes it
put("checkpoint", "tiny-crc.bin", sealed(tiny))  # as we write it

# train state: magic 20241127, version 1, step 2, evals 0, argv bytes, params 6; m, v; argv
argv = b"-b\x004\x00-t\x0064\x00-i\x00data.txt\x00"
put("train_state", "six.bin", header({0: 20241127, 1: 1, 2: 2, 4: len(argv), 5: 6, 20: 1, 22: 0, 24: 1}) +
    struct.pack("<12f", *[0.5] * 12) + argv)
# version 2 (issue 16): slot 34 the model file's checksum, and the checksum slots
put("train_state", "six-v2.bin", sealed(header({0: 20241127, 1: 2, 2: 2, 4: len(argv), 5: 6, 20: 1, 24: 1, 34: 12345}) +
                                        struct.pack("<12f", *[0.5] * 12) + argv))

# shard: magic 20240520, version 1, tokens, vocab, bytes; then uint16 tokens
tokens = [i * 7 % 50 for i in range(20)]
put("shard", "twenty.bin", sealed(header({0: 20240520, 1: 1, 2: len(tokens), 3: 50, 4: 40}) +
                                  struct.pack(f"<{len(tokens)}H", *tokens)))
put("shard", "llmc.bin", header({0: 20240520, 1: 1, 2: 9}) + struct.pack("<9H", *range(9)))

# our vocabularies: 256 bytes, three merges, <|endoftext|> as the special
vocab = [bytes([b]) for b in range(256)] + [b"th", b"the", b" the", b"<|endoftext|>"]


def quote(s):
    out = '"'
    for c in s:
        if c in (0x22, 0x5C):
            out += "\\" + chr(c)
        elif 0x20 <= c < 0x7F:
            out += chr(c)
        else:
            out += "\\x%02x" % c
    return out + '"'


text = "scratchgpt tokenizer 1\nvocab_size %d\nspecial %d\n" % (len(vocab), len(vocab) - 1)
text += "".join("%d %s\n" % (i, quote(t)) for i, t in enumerate(vocab))
put("vocab_text", "small.vocab", text)
put("vocab_llmc", "small.bin", header({0: 20240328, 1: 2, 2: len(vocab), 3: len(vocab) - 1}) +
    b"".join(bytes([len(t)]) + t for t in vocab))
put("vocab_llmc", "small-crc.bin", sealed(header({0: 20240328, 1: 2, 2: len(vocab), 3: len(vocab) - 1}) +
                                          b"".join(bytes([len(t)]) + t for t in vocab)))


# GPT-2's files: bytes spelled as printable code points (bytes_to_unicode), merges as "left right"
def spell(bs):
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, moved = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + moved)
            moved += 1
    return "".join(table[b] for b in bs)


enc = {spell(bytes([b])): b for b in range(256)}
merges = [(b"t", b"h"), (b"th", b"e"), (b" ", b"the")]
for i, (a, b) in enumerate(merges):
    enc[spell(a + b)] = 256 + i
enc["<|endoftext|>"] = 256 + len(merges)
bpe = "#version: 0.2\n" + "".join(spell(a) + " " + spell(b) + "\n" for a, b in merges)
put("vocab_gpt2", "tiny", json.dumps(enc).encode() + b"\x00" + bpe.encode("utf-8"))

# texts
put("round_trip", "words.txt", "The quick brown fox's 12 jumps<|endoftext|> caf\u00e9  \n\t\u65e5\u672c <|end|>x")
put("round_trip", "bytes.bin", bytes(range(256)))
put("bpe_train", "text.txt", b"\x10" + b"aaa bbb aaa ccc aaab<|endoftext|>the the then there 's 've\n\n  x")
put("bpe_train", "one_word.txt", b"\xff" + b"a" * 300)

# argv: NUL-separated after a first byte that picks the table (0 tokenizer, 1 prepare, 2 sample, 3 bench, 4 all kinds)
put("cli", "tokenizer", b"\x00encode\x00--tokenizer\x00gpt2\x00--allow-special")
put("cli", "prepare", b"\x01-i\x00in.txt\x00-o\x00out\x00--name=x")
put("cli", "sample", b"\x02-e\x00model.bin\x00-g\x00100\x00--temperature\x000.8")
put("cli", "bench", b"\x03d12\x00-b\x004\x00--threads\x002")
put("cli", "kinds", b"\x04-b\x008\x00-d\x00-1\x00--seed\x0018446744073709551615\x00-l\x001e-3\x00--frac=0.5\x00--profile\x00--special\x00<|x|>\x00-o\x00dir")
put("cli", "duration", b"\x041h30m")
