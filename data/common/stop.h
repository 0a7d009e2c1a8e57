// stop.h: the one global, a stop flag that Ctrl-C (SIGINT) or SIGTERM sets.
// A signal handler can only set a flag, so the long loops read it: the training loop between
// steps (it saves, then exits cleanly: Ctrl-C or `kill` never loses the run), and generate()
// between tokens (a long sample during training ends at once, then the run saves and stops).
// `./train sample` installs no handler: Ctrl-C ends it at once the default way.
#pragma once
#include <csignal>  // sig_atomic_t

// subtle: volatile sig_atomic_t is the only type a handler may portably write.
extern volatile std::sig_atomic_t stop_requested;

// From now on SIGINT and SIGTERM set stop_requested instead of ending the process.
void stop_on_signals();
