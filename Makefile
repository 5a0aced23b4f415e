# Entry points. The build itself is CMake's (CMakeLists.txt); this file only sequences it.
#   make        configure and build everything into build/
#   make demo   install dependencies, build, boot the demo image, then the HTTP server image
#               and fetch pages from it with curl
#   make test   install dependencies, build, run every test (unit and boot)
#   make bench  install dependencies, build, run the benchmarks (bench/boot.sh, bench/threads.sh,
#               bench/http.sh, bench/servers.sh, bench/disk.sh)
#   make fuzz   install clang, build the network receive and ext2 image fuzzers into
#               build-fuzz/ and run each for FUZZ_SECONDS over a copy of its corpus
#               (tests/fuzz/corpus/network_receive, tests/fuzz/corpus/ext2_image)
#   make clean  remove build/ and build-fuzz/

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Boot tests run QEMU under TCG, one busy core each: more parallelism than this only thrashes.
TEST_JOBS ?= 2

# The fuzzers need clang and a build of their own (sanitizers, coverage instrumentation).
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 300
# Disk images are inputs of up to 256 KiB (the seeds are 128-256 KiB mke2fs images).
EXT2_FUZZ_MAX_LEN := 262144

INGOT := $(BUILD_DIR)/bin/ingot
DEMO_IMAGE := $(BUILD_DIR)/examples/demo/demo.img
HTTP_IMAGE := $(BUILD_DIR)/examples/http-server/http-server.img

.PHONY: all build deps bench-deps fuzz-deps demo test bench fuzz clean

all: build

build:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) --log-level=WARNING
	@cmake --build $(BUILD_DIR) -j$(JOBS)

deps:
	@scripts/install-deps.sh

bench-deps:
	@scripts/install-deps.sh --bench

fuzz-deps:
	@scripts/install-deps.sh --fuzz

# Each target installs, then builds, then runs, in that order even under make -j.
demo: deps
	@$(MAKE) --no-print-directory build
	@echo
	@echo "\$$ $(INGOT) run $(DEMO_IMAGE)"
	@$(INGOT) run $(DEMO_IMAGE)
	@echo
	@echo "image: $(DEMO_IMAGE), $$(du -k --apparent-size $(DEMO_IMAGE) | cut -f1) KiB" \
	      "(the program alone: $$(du -k --apparent-size $(BUILD_DIR)/examples/demo/demo | cut -f1) KiB)"
	@echo
	@examples/http-server/demo.sh $(INGOT) $(HTTP_IMAGE)

test: deps
	@$(MAKE) --no-print-directory build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(TEST_JOBS)

bench: bench-deps
	@$(MAKE) --no-print-directory build
	@BUILD_DIR=$(BUILD_DIR) bench/boot.sh
	@BUILD_DIR=$(BUILD_DIR) bench/threads.sh
	@BUILD_DIR=$(BUILD_DIR) bench/http.sh
	@BUILD_DIR=$(BUILD_DIR) bench/servers.sh
	@BUILD_DIR=$(BUILD_DIR) bench/disk.sh

fuzz: fuzz-deps
	@cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	       -DCMAKE_CXX_COMPILER=clang++ -DINGOT_FUZZ=ON --log-level=WARNING
	@cmake --build $(FUZZ_BUILD_DIR) --target network-receive-fuzzer ext2-image-fuzzer -j$(JOBS)
	@tests/fuzz/run_fuzzer.sh $(FUZZ_BUILD_DIR)/fuzz/network-receive-fuzzer \
	       tests/fuzz/corpus/network_receive $(FUZZ_BUILD_DIR)/run/network_receive $(FUZZ_SECONDS)
	@tests/fuzz/run_fuzzer.sh $(FUZZ_BUILD_DIR)/fuzz/ext2-image-fuzzer \
	       tests/fuzz/corpus/ext2_image $(FUZZ_BUILD_DIR)/run/ext2_image $(FUZZ_SECONDS) $(EXT2_FUZZ_MAX_LEN)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR)
