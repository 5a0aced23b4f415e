# Entry points. The build itself is CMake's (CMakeLists.txt); this file only sequences it.
#   make        configure and build everything into build/
#   make demo   install dependencies, build, boot the demo image
#   make test   install dependencies, build, run every test (unit and boot)
#   make bench  install dependencies, build, run the boot benchmark (bench/boot.sh)
#   make clean  remove build/

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Boot tests run QEMU under TCG, one busy core each: more parallelism than this only thrashes.
TEST_JOBS ?= 2

INGOT := $(BUILD_DIR)/bin/ingot
DEMO_IMAGE := $(BUILD_DIR)/examples/demo/demo.img

.PHONY: all build deps bench-deps demo test bench clean

all: build

build:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) --log-level=WARNING
	@cmake --build $(BUILD_DIR) -j$(JOBS)

deps:
	@scripts/install-deps.sh

bench-deps:
	@scripts/install-deps.sh --bench

# Each target installs, then builds, then runs, in that order even under make -j.
demo: deps
	@$(MAKE) --no-print-directory build
	@echo
	@echo "\$$ $(INGOT) run $(DEMO_IMAGE)"
	@$(INGOT) run $(DEMO_IMAGE)
	@echo
	@echo "image: $(DEMO_IMAGE), $$(du -k --apparent-size $(DEMO_IMAGE) | cut -f1) KiB" \
	      "(the program alone: $$(du -k --apparent-size $(BUILD_DIR)/examples/demo/demo | cut -f1) KiB)"

test: deps
	@$(MAKE) --no-print-directory build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(TEST_JOBS)

bench: bench-deps
	@$(MAKE) --no-print-directory build
	@BUILD_DIR=$(BUILD_DIR) bench/boot.sh

clean:
	rm -rf $(BUILD_DIR)
