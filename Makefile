# scratchgpt. `make` builds ./train; `make test` runs the tests; `make run` trains on Tiny Shakespeare.
# Switches: DEBUG=1 (-O0 -g, sanitizers), NO_OMP=1 (serial, for checking), BLAS=openblas, CXX=clang++.
CXX       ?= g++
OPT       := -O3 -march=native
LDLIBS    :=
ifeq ($(DEBUG),1)
OPT       := -O0 -g -fsanitize=address,undefined
LDLIBS    += -fsanitize=address,undefined
endif
CXXFLAGS  := -std=c++17 $(OPT) -Wall -Wextra -isystem /usr/include/eigen3 -isystem /usr/include/doctest -MMD -MP
# Eigen never threads a product itself: matmul.cpp splits products across threads so that
# results are bit-identical at any thread count (see parallel_ranges there).
CXXFLAGS  += -DEIGEN_DONT_PARALLELIZE
# g++ 12 reports a false "maybe-uninitialized" inside Eigen's AVX-512 kernels
ifneq ($(findstring clang,$(CXX)),clang)
CXXFLAGS  += -Wno-maybe-uninitialized
endif
ifeq ($(NO_OMP),1)
CXXFLAGS  += -DNO_OMP -Wno-unknown-pragmas
else
CXXFLAGS  += -fopenmp
LDLIBS    += -fopenmp
endif
ifeq ($(BLAS),openblas)
CXXFLAGS  += -DEIGEN_USE_BLAS
LDLIBS    += -lopenblas
endif
BUILD := build/$(notdir $(CXX))$(if $(DEBUG),-debug)$(if $(NO_OMP),-noomp)$(if $(BLAS),-$(BLAS))
LIB   := $(patsubst %.cpp,$(BUILD)/%.o,$(wildcard model/*.cpp tokenizer/*.cpp data/*.cpp))
TESTS := $(patsubst %.cpp,$(BUILD)/%.o,$(wildcard test/*.cpp))
.PHONY: all deps test test-all run clean FORCE

# the one binary; relinked every time so that switching flags can never leave a stale ./train
train: $(BUILD)/train.o $(LIB) FORCE
	$(CXX) -o $@ $(BUILD)/train.o $(LIB) $(LDLIBS)
# the tests (doctest); run from the repository root so test/fixtures/ and ../shared are found
test: $(BUILD)/test_all
	./$(BUILD)/test_all
$(BUILD)/test_all: $(TESTS) $(LIB)
	$(CXX) -o $@ $^ $(LDLIBS)
# every object, with header dependencies from -MMD
$(BUILD)/%.o: %.cpp Makefile | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@
# installs Eigen and doctest when run as root, otherwise says which command to run
deps:
	@sh dev/deps.sh
clean:
	rm -rf build train
-include $(LIB:.o=.d) $(TESTS:.o=.d) $(BUILD)/train.d
