// distributed.cpp: the MPI calls of data-parallel training, and their one-process stand-ins. See distributed.h.
// subtle: this is the only file with #ifdef USE_MPI. Every function works before MPI starts (and in
// the test binary, which never starts it) as a job of one rank.
#include "model/train/distributed.h"

#include <algorithm>  // max
#include <chrono>     // steady_clock: the time spent in MPI calls
#include <climits>    // INT_MAX: MPI counts are int
#include <cstdio>     // freopen
#include <cstdlib>    // getenv
#include <sched.h>    // sched_getaffinity: the cores this process may run on
#include <unistd.h>   // sysconf: the cores of the machine
#include <vector>

#include "data/common/errors.h"  // Error

#ifdef USE_MPI
#define OMPI_SKIP_MPICXX 1   // the C API only: OpenMPI's deprecated C++ bindings warn under -Wextra
#define MPICH_SKIP_MPICXX 1  // (the same for MPICH)
#include <mpi.h>
#endif

// The job as this process sees it: set once by distributed_init, read everywhere.
static int g_rank = 0, g_size = 1;  // rank 0 of 1 until MPI starts
static int g_local_size = 1;        // ranks on this machine (MPI_COMM_TYPE_SHARED)
static double g_comm_seconds = 0;   // inside MPI calls so far

// Adds the time from its construction to its end to g_comm_seconds.
struct CommTimer {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    ~CommTimer() { g_comm_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
};

int distributed_rank() { return g_rank; }
int distributed_size() { return g_size; }
double distributed_comm_seconds() { return g_comm_seconds; }

uint64_t hash_bytes(uint64_t h, const void* data, size_t n) {
    const unsigned char* p = (const unsigned char*)data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;  // FNV-1a: xor the byte, times the FNV prime
    return h;
}

int distributed_default_threads() {
    if (g_local_size == 1 || std::getenv("OMP_NUM_THREADS")) return 0;
    cpu_set_t mask;
    const long machine = sysconf(_SC_NPROCESSORS_ONLN);
    const int mine = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : (int)machine;
    // bound by mpirun (--bind-to core/socket): these cores are this rank's; else the machine's, shared
    if (mine < machine) return mine;
    return std::max(1, mine / g_local_size);
}

#ifdef USE_MPI
// ----------------------------------------------------------------------------
// with MPI

// MPI counts are int: a call over more elements goes in pieces of at most this many.
static const size_t MAX_COUNT = (size_t)1 << 30;

void distributed_init(int* argc, char*** argv) {
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    // the ranks sharing this machine's memory, to share its cores among them
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &g_local_size);
    MPI_Comm_free(&local);
    if (g_rank > 0 && !std::freopen("/dev/null", "w", stdout)) throw Error("rank " + std::to_string(g_rank) + ": cannot silence stdout");
}

void distributed_finalize() { MPI_Finalize(); }

int distributed_exit(int status) {
    std::fflush(stdout);
    std::fflush(stderr);
    if (g_size > 1) MPI_Abort(MPI_COMM_WORLD, status);  // ends every rank, mpirun exits with status
    return status;
}

// One all-reduce in place, in pieces of MAX_COUNT.
template <class T>
static void allreduce(T* x, size_t n, MPI_Datatype type, MPI_Op op) {
    if (g_size == 1) return;
    CommTimer timer;
    for (size_t i = 0; i < n; i += MAX_COUNT)
        MPI_Allreduce(MPI_IN_PLACE, x + i, (int)std::min(MAX_COUNT, n - i), type, op, MPI_COMM_WORLD);
}
void distributed_sum(float* x, size_t n) { allreduce(x, n, MPI_FLOAT, MPI_SUM); }
void distributed_sum(double* x, size_t n) { allreduce(x, n, MPI_DOUBLE, MPI_SUM); }
void distributed_max(double* x, size_t n) { allreduce(x, n, MPI_DOUBLE, MPI_MAX); }

// Every rank's shard: counts and offsets (size) as MPI wants them, int.
static void shard_layout(const std::vector<size_t>& cuts, std::vector<int>& counts, std::vector<int>& offsets) {
    if (cuts.size() != (size_t)g_size + 1) throw Error("ZeRO-1: " + std::to_string(cuts.size()) + " cuts for " + std::to_string(g_size) + " ranks");
    if (cuts.back() > (size_t)INT_MAX) throw Error("-z 1: " + std::to_string(cuts.back()) + " parameters are more than MPI's int counts reach");
    counts.resize(g_size), offsets.resize(g_size);
    for (int r = 0; r < g_size; r++) offsets[r] = (int)cuts[r], counts[r] = (int)(cuts[r + 1] - cuts[r]);
}

void distributed_allgather(float* x, const std::vector<size_t>& cuts) {
    if (g_size == 1) return;
    CommTimer timer;
    std::vector<int> counts, offsets;
    shard_layout(cuts, counts, offsets);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, x, counts.data(), offsets.data(), MPI_FLOAT, MPI_COMM_WORLD);
}

void distributed_gather(const float* slice, float* full, const std::vector<size_t>& cuts) {
    if (g_size == 1) {
        std::copy(slice, slice + cuts.back(), full);
        return;
    }
    CommTimer timer;
    std::vector<int> counts, offsets;
    shard_layout(cuts, counts, offsets);
    MPI_Gatherv(slice, counts[g_rank], MPI_FLOAT, full, counts.data(), offsets.data(), MPI_FLOAT, 0, MPI_COMM_WORLD);
}

void distributed_check_agreement(uint64_t hash, const std::string& what) {
    if (g_size == 1) return;
    uint64_t rank0 = hash;
    MPI_Bcast(&rank0, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    int first_bad = rank0 == hash ? g_size : g_rank;  // the lowest rank that differs, or size: none
    MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first_bad == g_size) return;
    if (g_rank == 0)
        throw Error("rank " + std::to_string(first_bad) + " was started with another " + what +
                    " than rank 0: every rank must run the same ./train command on the same files");
    // subtle: only rank 0 says it, once; its error ends the job (distributed_exit), so wait for that
    MPI_Barrier(MPI_COMM_WORLD);
}

#else
// ----------------------------------------------------------------------------
// without MPI: one process, rank 0 of 1

void distributed_init(int*, char***) {}
void distributed_finalize() {}
int distributed_exit(int status) { return status; }
void distributed_sum(float*, size_t) {}
void distributed_sum(double*, size_t) {}
void distributed_max(double*, size_t) {}
void distributed_allgather(float*, const std::vector<size_t>&) {}
void distributed_gather(const float* slice, float* full, const std::vector<size_t>& cuts) {
    std::copy(slice, slice + cuts.back(), full);
}
void distributed_check_agreement(uint64_t, const std::string&) {}

#endif
