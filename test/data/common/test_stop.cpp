// test_stop.cpp: the stop flag (data/common/stop.h): a SIGINT or SIGTERM after stop_on_signals
// sets it and the process goes on. (Its readers, the training loop and generate(), are run end
// to end in test/test_cli.cpp.)
#include <doctest.h>

#include <csignal>
#include <initializer_list>  // the loop over the two signals

#include "data/common/stop.h"

TEST_CASE("stop/SIGINT and SIGTERM set the flag instead of ending the process") {
    for (int sig : {SIGINT, SIGTERM}) {
        stop_requested = 0;
        stop_on_signals();
        std::raise(sig);
        CHECK(stop_requested == 1);
    }
    stop_requested = 0;
    std::signal(SIGINT, SIG_DFL);  // the test binary's default again
    std::signal(SIGTERM, SIG_DFL);
}
