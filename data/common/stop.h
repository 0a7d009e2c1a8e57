// stop.h: the one global, a stop flag that Ctrl-C (SIGINT) or SIGTERM sets.
// A signal handler can only set a flag, so the long loops read it: the training loop between
// steps (it saves, then exits cleanly: Ctrl-C or `kill` never loses the run), and generate()
// between tokens (a long sample during training ends at once, then the run saves and stops).
// The run then exits with the shell's status for the signal, 128 + its number (130 for SIGINT,
// 143 for SIGTERM). A second signal ends the process at once, and so does the first when the
// run has not ended within stop_grace_seconds of it (a step that cannot finish: `timeout` works).
// `./train sample` installs no handler: Ctrl-C ends it at once the default way.
#pragma once
#include <csignal>  // sig_atomic_t

// subtle: volatile sig_atomic_t is the only type a handler may portably write.
extern volatile std::sig_atomic_t stop_requested;
// The signal that set stop_requested (SIGINT or SIGTERM), 0 before one came.
extern volatile std::sig_atomic_t stop_signal;
// Seconds the run has, after the first signal, to save and exit before the process ends without
// saving (status 128 + the signal); the training loop raises it to fit its slowest step.
extern volatile std::sig_atomic_t stop_grace_seconds;

// From now on SIGINT and SIGTERM set stop_requested instead of ending the process.
void stop_on_signals();
// The exit status of a run stopped by a signal: 128 + stop_signal (0 if none came).
int stop_exit_status();
