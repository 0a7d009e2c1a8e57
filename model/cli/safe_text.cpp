// safe_text.cpp: the terminal-safe form of a byte stream, one byte at a time. See safe_text.h.
#include "model/cli/safe_text.h"

// "\xHH": a byte shown, not sent
static void escape(std::string& out, unsigned char b) {
    static const char* hex = "0123456789abcdef";
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 15];
}

// The length of the character a lead byte starts (2, 3 or 4), or 0 if it starts none: C0 and C1
// would start overlong 2-byte forms, F5..FF characters past U+10FFFF.
static size_t utf8_length(unsigned char lead) {
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// Whether b can be byte `pos` (1, 2 or 3) of the character that `lead` starts. Every continuation
// byte is 80..BF; the second byte is narrower after four leads (RFC 3629's table):
static bool continues(unsigned char lead, size_t pos, unsigned char b) {
    if (b < 0x80 || b > 0xBF) return false;
    if (pos > 1) return true;
    if (lead == 0xE0) return b >= 0xA0;  // below: an overlong 3-byte form of a 2-byte character
    if (lead == 0xED) return b <= 0x9F;  // above: the surrogates U+D800..U+DFFF
    if (lead == 0xF0) return b >= 0x90;  // below: an overlong 4-byte form
    if (lead == 0xF4) return b <= 0x8F;  // above: past U+10FFFF
    return true;
}

std::string safe_text_feed(SafeText& st, const std::string& bytes) {
    std::string out;
    for (unsigned char b : bytes) {
        if (!st.pending.empty()) {
            const unsigned char lead = (unsigned char)st.pending[0];
            if (continues(lead, st.pending.size(), b)) {
                st.pending += (char)b;
                if (st.pending.size() < utf8_length(lead)) continue;  // the character goes on
                // complete; subtle: C2 80..9F are the C1 controls (C2 9B is CSI to some terminals)
                if (lead == 0xC2 && (unsigned char)st.pending[1] <= 0x9F) out += safe_text_end(st);
                else out += st.pending, st.pending.clear();
                continue;
            }
            // cut short: its bytes are shown, and b starts afresh (it may start a character itself)
            out += safe_text_end(st);
        }
        if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7F)) out += (char)b;  // printable ASCII
        else if (utf8_length(b) > 0) st.pending = (char)b;                      // a character begins
        else escape(out, b);  // control bytes, DEL, a stray continuation, a lead that starts nothing
    }
    return out;
}

std::string safe_text_end(SafeText& st) {
    std::string out;
    for (unsigned char b : st.pending) escape(out, b);
    st.pending.clear();
    return out;
}
