// bench_crc32.cpp: the checksum every binary file carries (data/common/crc32.h), timed on a file's
// bytes: the slicing-by-8 crc32 against the bit-at-a-time crc32_naive, one thread.
//   build/g++/bench_crc32 FILE     prints "crc32 ... GB/s", "naive ... GB/s" and the CRC (hex)
// dev/bench_crc32.py runs it beside Python's zlib.crc32 on the same file (`make bench-crc32`).
#include <chrono>
#include <cstdio>
#include <string>

#include "data/common/crc32.h"
#include "data/common/files.h"  // read_file

// seconds of the fastest of `repeats` runs of f
template <class F>
static double best_seconds(int repeats, F f) {
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        auto start = std::chrono::steady_clock::now();
        f();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (s < best) best = s;
    }
    return best;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    try {
        const std::string bytes = read_file(argv[1]);
        const double gb = (double)bytes.size() / 1e9;
        uint32_t fast = 0, naive = 0;
        double t_fast = best_seconds(5, [&] { fast = crc32(0, bytes.data(), bytes.size()); });
        // the plain loop on a 1/16 slice, scaled: it is ~8x slower and would dominate the run
        const size_t slice = bytes.size() / 16;
        double t_naive = best_seconds(2, [&] { naive = crc32_naive(0, bytes.data(), slice); }) * 16;
        if (naive != crc32(0, bytes.data(), slice)) {
            std::fprintf(stderr, "crc32 and crc32_naive disagree\n");
            return 1;
        }
        std::printf("crc32 %.2f GB/s\nnaive %.2f GB/s\ncrc %08x\n", gb / t_fast, gb / t_naive, fast);
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
