// sha256.h: SHA-256 (FIPS 180-4) of a byte string, as lowercase hex. For tests that compare
// against a committed hash instead of committed data (the GPT-2 ids of Tiny Shakespeare).
#pragma once
#include <string>

std::string sha256_hex(const std::string& data);
