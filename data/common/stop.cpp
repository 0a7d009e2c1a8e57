// stop.cpp: the stop flag and its handlers. See stop.h.
#include "data/common/stop.h"

#include <unistd.h>  // alarm, write, _exit: all async-signal-safe

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t stop_signal = 0;
volatile std::sig_atomic_t stop_grace_seconds = 60;

// The grace period ran out: the step never came back to the loop, so nothing can be saved.
static void on_alarm(int) {
    static const char msg[] = "error: the run did not stop within the grace period after the signal; ended without saving\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(128 + stop_signal);
}

static void on_signal(int sig) {
    if (stop_requested) {  // the second signal: the default action, at once (the status says which)
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    stop_requested = 1;
    stop_signal = sig;
    std::signal(SIGALRM, on_alarm);
    alarm((unsigned)stop_grace_seconds);
}

void stop_on_signals() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

int stop_exit_status() { return stop_signal ? 128 + stop_signal : 0; }
