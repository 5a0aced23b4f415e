// The ext2 image fuzzer's harness: mounts an arbitrary byte string as an ext2/ext4 disk,
// walks and reads everything reachable, then links, renames, unlinks, writes into, preallocates,
// punches and truncates files of the image and new ones, syncs, trims, walks again and unmounts. Any crash,
// sanitizer report or hang is a bug in the driver. Shared by the libFuzzer target and the
// unit test that replays the corpus.
#pragma once

#include <cstdint>
#include <span>

namespace ingot::fuzz {

// True when the image mounted (the seeds must; damaged images mostly do not).
bool run_ext2_image(std::span<const uint8_t> image);

}  // namespace ingot::fuzz
