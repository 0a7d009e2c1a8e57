// safe_text.h: model output made safe for a terminal. A sample is raw bytes: an untrained model
// emits ESC, backspace and invalid UTF-8, which move the cursor, recolour the terminal or make
// grep call the output binary. Like llm.c's safe_printf, we print only what is harmless, but we
// show the rest instead of skipping it, and we keep whole UTF-8 characters:
//   kept:    printable ASCII, '\n', '\t', valid UTF-8 characters of 2 to 4 bytes
//   escaped: every other byte, as the 4 visible characters \xHH: control bytes (also '\r'), DEL,
//            C1 controls (U+0080..U+009F, encoded C2 80..C2 9F), and bytes of invalid UTF-8
//            (stray continuation bytes, overlong forms, surrogates, past U+10FFFF, cut short).
// subtle: a token may end in the middle of a character; its first bytes wait in `pending` until
// the rest comes with the next token (RFC 3629 gives the valid byte ranges).
#pragma once
#include <string>

struct SafeText {
    std::string pending;  // the first 1..3 bytes of a UTF-8 character whose last bytes are still to come
};

// The printable form of the next bytes of the stream (a whole character may wait for later bytes).
std::string safe_text_feed(SafeText& st, const std::string& bytes);
// The end of the stream (or a break in it): a character still incomplete is escaped byte by byte.
std::string safe_text_end(SafeText& st);
