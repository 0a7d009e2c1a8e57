# scratchgpt. `make` builds ./train; `make test` runs the tests; `make run` trains on Tiny Shakespeare.
# Switches: DEBUG=1 (-O0 -g, sanitizers), NO_OMP=1 (serial, for checking), BLAS=openblas, CXX=clang++, MPI=1.
CXX       ?= g++
# MPI=1: ./train for mpirun -np N (model/train/distributed.cpp), through OpenMPI's compiler wrapper
ifeq ($(MPI),1)
CXX       := mpicxx
endif
OPT       := -O3 -march=native
LDLIBS    :=
ifeq ($(DEBUG),1)
OPT       := -O0 -g -fsanitize=address,undefined
LDLIBS    += -fsanitize=address,undefined
endif
# SANITIZE=1: the tests under ASan + UBSan at -O1 (CI), any UB report fails the run; FUZZ=1: what `make fuzz` builds
ifneq ($(SANITIZE)$(FUZZ),)
OPT       := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDLIBS    += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
OPT       += -fsanitize=fuzzer-no-link
endif
# Eigen, doctest and OpenMP, found by dev/deps.sh (pkg-config, Homebrew, MacPorts, /usr; Apple's clang gets
# libomp); any of the four can be given instead: make EIGEN_INC=/opt/eigen3 OMP_FLAGS=... OMP_LIBS=...
EIGEN_INC   := $(shell sh dev/deps.sh find eigen)
DOCTEST_INC := $(shell sh dev/deps.sh find doctest)
OMP_FLAGS   := $(shell sh dev/deps.sh find omp-flags "$(CXX)")
OMP_LIBS    := $(shell sh dev/deps.sh find omp-libs "$(CXX)")
CXXFLAGS  := -std=c++17 $(OPT) -Wall -Wextra -I. -isystem $(EIGEN_INC) -isystem $(DOCTEST_INC) -MMD -MP
# Eigen never threads a product itself: matmul.cpp splits products across threads so that
# results are bit-identical at any thread count (see parallel_ranges there).
CXXFLAGS  += -DEIGEN_DONT_PARALLELIZE
# g++ 12 reports a false "maybe-uninitialized" inside Eigen's AVX-512 kernels; clang does not know the
# flag (subtle: on macOS `g++` is Apple's clang, so this asks the compiler, not its name)
ifeq ($(findstring clang,$(shell $(CXX) --version)),)
CXXFLAGS  += -Wno-maybe-uninitialized
endif
ifeq ($(NO_OMP),1)
CXXFLAGS  += -DNO_OMP -Wno-unknown-pragmas
else
CXXFLAGS  += $(OMP_FLAGS)
LDLIBS    += $(OMP_LIBS)
endif
ifeq ($(MPI),1)
CXXFLAGS  += -DUSE_MPI
endif
ifeq ($(BLAS),openblas)
CXXFLAGS  += -DEIGEN_USE_BLAS
LDLIBS    += -lopenblas
endif
BUILD := build/$(notdir $(CXX))$(if $(DEBUG),-debug)$(if $(SANITIZE),-san)$(if $(FUZZ),-fuzz)$(if $(NO_OMP),-noomp)$(if $(BLAS),-$(BLAS))
LIB   := $(patsubst %.cpp,$(BUILD)/%.o,$(wildcard model/*.cpp model/*/*.cpp tokenizer/*.cpp data/*.cpp data/*/*.cpp))
TESTS := $(patsubst %.cpp,$(BUILD)/%.o,$(filter-out test/fuzz/%,$(wildcard test/*.cpp test/*/*.cpp test/*/*/*.cpp)))
FUZZERS := $(patsubst test/fuzz/%.cpp,%,$(wildcard test/fuzz/fuzz_*.cpp))
.PHONY: all deps test test-all test-mpi data run clean bench bench-gemm bench-crc32 bench-mpi FORCE gpt2-vocab gpt2-weights fuzz fuzzers

# the one binary; relinked every time so that switching flags can never leave a stale ./train
train: $(BUILD)/train.o $(LIB) FORCE
	$(CXX) -o $@ $(BUILD)/train.o $(LIB) $(LDLIBS)
# the tests (doctest); run from the repository root so test/fixtures/ and ../shared are found
test: train $(BUILD)/test_all
	./$(BUILD)/test_all
$(BUILD)/test_all: $(TESTS) $(LIB)
	$(CXX) -o $@ $^ $(LDLIBS)
# data-parallel training under mpirun -np 2 against one process, over shared memory and TCP (make MPI=1 test-mpi)
test-mpi: train $(BUILD)/test_mpi
	$(if $(filter 1,$(MPI)),./$(BUILD)/test_mpi --no-skip,$(error test-mpi needs the MPI build: make MPI=1 test-mpi))
$(BUILD)/test_mpi: $(BUILD)/test/main.o $(BUILD)/test/check.o $(BUILD)/test/test_mpi.o $(LIB)
	$(CXX) -o $@ $^ $(LDLIBS)
# every object, with header dependencies from -MMD
$(BUILD)/%.o: %.cpp Makefile | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@
# issue 16: every libFuzzer harness of test/fuzz/ (clang 16, ASan + UBSan, no OpenMP), each run FUZZ_SECONDS over its
# seeds (test/fuzz/corpus/NAME) into a scratch corpus; a finding stops with its input in build/.../crash-NAME-*
FUZZ_SECONDS ?= 30
# an input of at most 4 KB runs in milliseconds: 30 s is a hang (10 s gave false ones on a loaded machine)
FUZZ_FLAGS   ?= -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
fuzz:
	$(MAKE) CXX=clang++-16 FUZZ=1 NO_OMP=1 fuzzers
	for f in $(FUZZERS); do mkdir -p build/clang++-16-fuzz-noomp/corpus/$$f && nice -n 19 ./build/clang++-16-fuzz-noomp/$$f -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) -artifact_prefix=build/clang++-16-fuzz-noomp/crash-$$f- build/clang++-16-fuzz-noomp/corpus/$$f test/fuzz/corpus/$${f#fuzz_} || exit 1; done
fuzzers: $(addprefix $(BUILD)/,$(FUZZERS))
.SECONDARY: $(patsubst %,$(BUILD)/test/fuzz/%.o,$(FUZZERS))
$(BUILD)/fuzz_%: $(BUILD)/test/fuzz/fuzz_%.o $(LIB)
	$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
# issue 6's speed table: both builds of ./train next to PyTorch on three configs, ~9 min (dev/bench_compare.py)
bench:
	/usr/bin/python3 dev/bench_compare.py
# the bf16 GEMM kernels beside Eigen fp32, one thread, on the model's shapes (dev/bench_gemm_bf16.cpp, ~20 s)
bench-gemm: $(BUILD)/bench_gemm_bf16
	./$(BUILD)/bench_gemm_bf16
$(BUILD)/bench_gemm_bf16: $(BUILD)/dev/bench_gemm_bf16.o $(LIB)
	$(CXX) -o $@ $^ $(LDLIBS)
# the files' checksum (data/common/crc32) against Python's zlib.crc32 on 256 MB (dev/bench_crc32.py, ~10 s)
bench-crc32: $(BUILD)/bench_crc32
	/usr/bin/python3 dev/bench_crc32.py $(BUILD)
$(BUILD)/bench_crc32: $(BUILD)/dev/bench_crc32.o $(LIB)
	$(CXX) -o $@ $^ $(LDLIBS)
# 2 ranks x 1 thread against 1 process x 2 threads on the same global batch, small config (dev/bench_mpi.sh, ~2 min)
bench-mpi:
	sh dev/bench_mpi.sh
# checks the folders and flags above (as root on Debian it installs Eigen and doctest), else says what to install
deps:
	@sh dev/deps.sh check "$(CXX)" "$(NO_OMP)" "$(EIGEN_INC)" "$(DOCTEST_INC)" "$(OMP_FLAGS)"
# Tiny Shakespeare into cache/, SHA-256 checked (make run does this when there is no local copy);
# the URL and hash are read from data/corpus.h, their one copy
TS_URL := $(shell sed -n 's/^constexpr const char\* TINYSHAKESPEARE_URL = "\(.*\)";$$/\1/p' data/corpus.h)
TS_SHA := $(shell sed -n 's/^constexpr const char\* TINYSHAKESPEARE_SHA256 = "\(.*\)";$$/\1/p' data/corpus.h)
data: cache/tinyshakespeare.txt
cache/tinyshakespeare.txt:
	@$(if $(TS_URL),,$(error data/corpus.h: TINYSHAKESPEARE_URL not found, the data target reads it))$(if $(TS_SHA),,$(error data/corpus.h: TINYSHAKESPEARE_SHA256 not found))mkdir -p cache && curl -fsSL -o $@.tmp $(TS_URL) && echo "$(TS_SHA)  $@.tmp" | sha256sum -c --quiet && mv $@.tmp $@ || { rm -f $@.tmp; echo "error: could not download and verify $(TS_URL); copy that file to $@ or set SCRATCHGPT_DATA=/path/to/input.txt" >&2; exit 1; }
# the README's main command: build, find the corpus ($$SCRATCHGPT_DATA, ../shared/data/, else download),
# learn a BPE vocabulary and tokenize into out/ (both cached), train the default model (~5 min) into
# RUN_DIR (out/vVOCAB/: each vocabulary's run in its own folder; a second make run starts it over), sample.
CORPUS    := $(or $(SCRATCHGPT_DATA),$(wildcard ../shared/data/tinyshakespeare.txt),cache/tinyshakespeare.txt)
VOCAB     ?= 1024
RUN_TOK   := out/tokenizer_$(VOCAB).vocab
RUN_DIR   ?= out/v$(VOCAB)
# a time budget, not a step count: on any machine, the best this model gets in ~5 minutes; bf16
# where the CPU has bf16 units (make run PRECISION=fp32 for the exact path, BUDGET=10m for longer);
# dropout, since a fast machine gets through the 412k training tokens 25 times and would overfit
PRECISION ?= auto
BUDGET    ?= 4m30s
RUN_FLAGS ?= -e l4h4c128 -b 16 -t 128 --time-budget $(BUDGET) --precision $(PRECISION) -l 4e-3 -u 100 -q 0.1 -c 0.1 --dropout 0.1 -v 200 -m 20 -s 1000 -g 300
run: train $(CORPUS) $(RUN_TOK)
	./train prepare -i $(CORPUS) -o out/data --name tinyshakespeare_$(VOCAB) --tokenizer $(RUN_TOK)
	./train -i 'out/data/tinyshakespeare_$(VOCAB)_train_*.bin' -j 'out/data/tinyshakespeare_$(VOCAB)_val_*.bin' -o $(RUN_DIR) --overwrite --tokenizer $(RUN_TOK) $(RUN_FLAGS)
$(RUN_TOK): $(CORPUS) | train
	@mkdir -p out
	./train tokenizer train --input $(CORPUS) --vocab-size $(VOCAB) --out $@
# GPT-2's encoder.json + vocab.bpe into cache/gpt2/, for --tokenizer gpt2 where ../shared/data/gpt2 is absent
gpt2-vocab:
	curl -fsSL --create-dirs -o cache/gpt2/encoder.json https://openaipublic.blob.core.windows.net/gpt-2/models/124M/encoder.json -o cache/gpt2/vocab.bpe https://openaipublic.blob.core.windows.net/gpt-2/models/124M/vocab.bpe
# GPT-2 124M in Hugging Face's format (model.safetensors 548 MB + config.json) into cache/gpt2/, for
# `./train -e cache/gpt2`: pinned to the Hub's revision 607a30d7 and SHA-256 checked (hashes: README)
GPT2_HF := https://huggingface.co/openai-community/gpt2/resolve/607a30d783dfa663caf39e06633721c8d4cfcd7e
GPT2_SHA_model.safetensors := 248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707
GPT2_SHA_config.json := 0daed7749b4f02b8f76240d5444551d7b08712dab4d0adb8239c56ba823bb7b4
gpt2-weights: cache/gpt2/model.safetensors cache/gpt2/config.json
cache/gpt2/model.safetensors cache/gpt2/config.json: cache/gpt2/%:
	@mkdir -p cache/gpt2 && curl -fSL -o $@.tmp $(GPT2_HF)/$* && echo "$(GPT2_SHA_$*)  $@.tmp" | sha256sum -c --quiet && mv $@.tmp $@ || { rm -f $@.tmp; echo "error: could not download and verify $(GPT2_HF)/$*; copy that file (SHA-256 $(GPT2_SHA_$*)) to $@" >&2; exit 1; }
clean:
	rm -rf build train
-include $(LIB:.o=.d) $(TESTS:.o=.d) $(BUILD)/train.d
