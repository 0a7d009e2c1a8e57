// test_stop.cpp: the stop flag (data/common/stop.h): a SIGINT or SIGTERM after stop_on_signals
// sets it and the process goes on. (Its readers, the training loop and generate(), are run end
// to end in test/test_cli.cpp.)
#include <doctest.h>

#include <csignal>
#include <initializer_list>  // the loop over the two signals
#include <sys/wait.h>        // waitpid: the children below
#include <unistd.h>          // fork, _exit, sleep

#include "data/common/stop.h"

TEST_CASE("stop/SIGINT and SIGTERM set the flag instead of ending the process") {
    for (int sig : {SIGINT, SIGTERM}) {
        stop_requested = 0;
        stop_on_signals();
        std::raise(sig);
        alarm(0);  // the grace period's timer, armed by the signal: not in this test
        CHECK(stop_requested == 1);
        CHECK(stop_signal == sig);
        CHECK(stop_exit_status() == 128 + sig);  // 130, 143: what a shell shows for the signal
    }
    stop_requested = 0;
    stop_signal = 0;
    std::signal(SIGINT, SIG_DFL);  // the test binary's default again
    std::signal(SIGTERM, SIG_DFL);
}

// How a child that runs body() ends: its exit status, or 1000 + the signal that killed it.
template <class F>
static int child_end(F body) {
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : -1;
}

// issue 16: `timeout` could not stop a run whose step never ends: its SIGTERM only set the flag
TEST_CASE("stop/a second signal ends the process at once; so does the first after the grace period") {
    CHECK(child_end([] {
              stop_on_signals();
              std::raise(SIGTERM);
              std::raise(SIGTERM);  // the second: killed by it here
              sleep(30);
          }) == 1000 + SIGTERM);
    CHECK(child_end([] {
              stop_grace_seconds = 1;
              stop_on_signals();
              std::raise(SIGINT);
              sleep(30);  // a step that never comes back to the loop
          }) == 128 + SIGINT);
}
