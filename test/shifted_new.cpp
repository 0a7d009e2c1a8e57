// shifted_new.cpp: operator new and delete of the test binary. See shifted_new.h.
// Replacing them is standard C++ (every new and delete in the program, the library's std::vector
// included, comes here). Each block is malloc'd with room for a 64-byte boundary, the shift and the
// pointer free() needs, which sits just before the block.
#include "test/shifted_new.h"

#include <cstdint>  // uintptr_t
#include <cstdlib>  // malloc, free
#include <new>      // bad_alloc, nothrow_t

size_t new_shift_bytes = 0;

void* operator new(std::size_t n) {
    const size_t room = 64 + 64 + sizeof(void*);  // a boundary, the largest shift, the saved pointer
    void* base = std::malloc(n + room);
    if (!base) throw std::bad_alloc();
    uintptr_t boundary = ((uintptr_t)base + sizeof(void*) + 63) & ~(uintptr_t)63;  // >= 8 bytes past base
    char* block = (char*)boundary + new_shift_bytes;
    ((void**)block)[-1] = base;  // for delete
    return block;
}
void operator delete(void* block) noexcept {
    if (block) std::free(((void**)block)[-1]);
}
void operator delete(void* block, std::size_t) noexcept { operator delete(block); }
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete[](void* block) noexcept { operator delete(block); }
void operator delete[](void* block, std::size_t) noexcept { operator delete(block); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return operator new(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return operator new(n, tag); }
void operator delete(void* block, const std::nothrow_t&) noexcept { operator delete(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { operator delete(block); }
