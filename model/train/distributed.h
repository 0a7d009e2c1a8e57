// distributed.h: data-parallel training over several processes (MPI), the one file that talks to MPI.
// `make MPI=1` builds ./train with MPI; `mpirun -np N ./train ...` then runs N ranks, each with the
// whole model, each computing the gradient of its own micro-batches (llm.c's -pn/-pr set-up, with
// rank and size taken from MPI): the gradients are summed across ranks (all-reduce), and every rank
// applies the same AdamW step, so the N copies stay equal bit for bit. ZeRO-1 (-z 1) shards AdamW's
// m and v: each rank updates its slice of the parameters, and the slices are gathered.
// Without MPI=1 every function here is the identity of a job of one process: rank 0 of 1, a sum over
// one rank is the value itself, the shard is everything. So the trainer reads the same either way.
// Also the MPI-free parts of a job: the agreement hash and the default thread count.
// References: llm.c train_gpt2.cu (multi_gpu_config, ZeRO-1), MPI 3.1 standard chapter 5 (collectives).
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint64_t
#include <string>
#include <vector>

// Starts MPI when built with it (a no-op otherwise). Call once, first thing in main. On ranks > 0
// stdout goes to /dev/null: rank 0 alone prints (errors still reach stderr from any rank).
void distributed_init(int* argc, char*** argv);
// Ends MPI after a clean run (a no-op without MPI).
void distributed_finalize();
// After an error: the status this process exits with; with more than one rank, MPI_Abort ends the
// whole job at once with that status (no rank is left waiting in a collective), else it returns.
int distributed_exit(int status);

// This process's rank (0 = the one that prints and writes files), and the number of ranks.
int distributed_rank();
int distributed_size();
// The default thread count of a rank: 0 (OpenMP's own default, $OMP_NUM_THREADS or all cores) when
// alone on its machine or when $OMP_NUM_THREADS is set; else the cores it may run on, divided among
// the ranks of its machine when they share them (never oversubscribed), at least 1.
int distributed_default_threads();

// x = the sum of every rank's x, in place, on every rank (MPI_Allreduce). (n) each.
void distributed_sum(float* x, size_t n);
void distributed_sum(double* x, size_t n);
// x = the largest of every rank's x, in place, on every rank. (n)
void distributed_max(double* x, size_t n);

// ZeRO-1: rank r owns elements [cuts[r], cuts[r+1]) of an array of n (cuts: size + 1 entries, 0 .. n;
// adamw.h's gpt2_update_cuts makes them).
// x (n): every rank's shard of x, copied into every rank's x (MPI_Allgatherv, in place).
void distributed_allgather(float* x, const std::vector<size_t>& cuts);
// slice (this rank's shard) from every rank into full (n) on rank 0 (MPI_Gatherv); full is unused
// on the other ranks (may be null).
void distributed_gather(const float* slice, float* full, const std::vector<size_t>& cuts);

// A 64-bit FNV-1a hash of n bytes, continued from h (start from HASH_START).
constexpr uint64_t HASH_START = 14695981039346656037ull;
uint64_t hash_bytes(uint64_t h, const void* data, size_t n);
// Every rank compares its hash of the command line, the model and the data with rank 0's: if any
// differs, rank 0 throws Error ("rank R was started with another ..." + what) and the others wait
// to be ended by it (distributed_exit), so the job stops within seconds, never hangs.
void distributed_check_agreement(uint64_t hash, const std::string& what);

// Seconds this process spent inside MPI calls so far (./train bench prints it per step).
double distributed_comm_seconds();
