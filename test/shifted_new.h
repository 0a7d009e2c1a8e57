// shifted_new.h: the test binary's own operator new, which can place blocks at a chosen offset.
// "gpt2/backward does not depend on where the buffers sit" needs the model's buffers at different
// offsets modulo 64 bytes (a cache line, the widest vector register). The heap alone decides that
// from its history (glibc: which blocks earlier tests freed; ASan: always the same offset), so the
// test says where: every block of operator new starts new_shift_bytes past a 64-byte boundary.
#pragma once
#include <cstddef>  // size_t

// 0, 16, 32 or 48 (a multiple of 16, malloc's alignment); 0 unless a test sets it, single-threaded.
extern size_t new_shift_bytes;
