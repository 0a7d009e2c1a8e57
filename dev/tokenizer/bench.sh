#!/bin/sh
# bench.sh: the tokenizer's figures for the README, all on this machine in one run.
# Purpose: BPE training time at vocab 512/4096/16384 and GPT-2 encoding MB/s (1 thread, all threads),
# next to js-tiktoken's MB/s on the same text. Targets: train to 4096 < 2 s on 2 cores; 1 thread >= 5x js-tiktoken.
# Command (from the repository root, after `make train` and `cd dev/tokenizer && npm install`):
#     sh dev/tokenizer/bench.sh [../shared/data/tinyshakespeare.txt]
# Writes: build/tokenizer_bench (the compiled dev/tokenizer/bench.cpp). Prints the figures; the lead copies them.
set -eu
CORPUS=${1:-../shared/data/tinyshakespeare.txt}
OBJ=build/g++
${CXX:-g++} -std=c++17 -O3 -march=native -fopenmp -I. -o build/tokenizer_bench dev/tokenizer/bench.cpp $OBJ/tokenizer/*.o $OBJ/data/common/files.o
echo "threads: ${OMP_NUM_THREADS:-$(nproc)}   cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
./build/tokenizer_bench "$CORPUS"
node dev/tokenizer/bench_tiktoken.mjs "$CORPUS"
