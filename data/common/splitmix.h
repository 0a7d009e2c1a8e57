// splitmix.h: splitmix64 (Steele, Lea and Flood 2014, in Vigna's public-domain form), the one
// mixer behind every seeded stream here: dropout masks, data shuffling and sampling.
// The finaliser turns any 64-bit number into a well-mixed one (every input bit flips about half
// the output bits); the generator walks a counter by the golden ratio and mixes it, so its whole
// state is one integer. https://prng.di.unimi.it/splitmix64.c
#pragma once
#include <cstdint>  // uint64_t

// The finaliser: a hash of all 64 bits of z.
inline uint64_t splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The generator: advances the state and returns its next number.
inline uint64_t splitmix64_next(uint64_t& state) { return splitmix64_mix(state += 0x9E3779B97F4A7C15ull); }
