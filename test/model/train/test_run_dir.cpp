// test_run_dir.cpp: the run directory (model/train/run_dir.h), the part the CLI tests do not
// reach one file at a time: which files count as a run's when a new run is pointed at a folder.
// (Checkpoint pairs, -nk and main.log's cut on resume are run end to end in test/test_cli.cpp.)
#include <doctest.h>

#include <fstream>
#include <string>

#include "data/common/files.h"  // file_exists, make_dir
#include "model/train/run_dir.h"
#include "test/check.h"  // temp_dir

static void touch(const std::string& path) { std::ofstream(path) << "x"; }

// The message of the UsageError f() throws ("" if none).
template <class F>
static std::string usage_error_of(F f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("run_dir/check_new: a folder with another run's files is refused, or emptied of them") {
    std::string dir = temp_dir("run-dir");
    run_dir_check_new("", false);                   // no -o: nothing to check
    run_dir_check_new(dir + "/not-yet", false);     // a folder that does not exist yet
    touch(dir + "/notes.txt");                      // not a run's file
    touch(dir + "/model_0000001.bin");              // 7 digits: not a checkpoint name either
    CHECK(usage_error_of([&] { run_dir_check_new(dir, false); }) == "");
    for (const char* name : {"main.log", "model_best.bin", "model_00000012.bin", "state_00000012.bin"}) {
        touch(dir + "/" + name);
        std::string e = usage_error_of([&] { run_dir_check_new(dir, false); });
        INFO(name << ": " << e);
        CHECK(e.find("-o " + dir + " holds another run (") != std::string::npos);
        CHECK(e.find("-y 1 -o " + dir + ", choose another -o, or add --overwrite") != std::string::npos);
        CHECK(file_exists(dir + "/" + name));  // refused: nothing deleted
    }
    run_dir_check_new(dir, true);
    for (const char* name : {"main.log", "model_best.bin", "model_00000012.bin", "state_00000012.bin"})
        CHECK_FALSE(file_exists(dir + "/" + std::string(name)));
    CHECK(file_exists(dir + "/notes.txt"));
    CHECK(file_exists(dir + "/model_0000001.bin"));
    CHECK(usage_error_of([&] { run_dir_check_new(dir, false); }) == "");  // now a new run may start
}
