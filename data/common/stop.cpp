// stop.cpp: the stop flag and its handler. See stop.h.
#include "data/common/stop.h"

volatile std::sig_atomic_t stop_requested = 0;

static void on_signal(int) { stop_requested = 1; }

void stop_on_signals() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}
