// File access for the tool, with errors as one-line ToolErrors naming the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::tool {

// Reads a whole regular file. Throws input_error for a missing file, a directory, or a read error.
std::vector<uint8_t> read_file(const std::string& path);

// Writes `bytes` to `path` so that it either appears complete or not at all: the data goes to a
// temporary file in the same directory, which is renamed over `path` only after a full write.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes);

// A file in $TMPDIR (or /tmp) that is deleted when this object goes away.
class TemporaryFile {
public:
    // Creates the file with `bytes` as its contents; `suffix` ends the name (e.g. ".img").
    TemporaryFile(std::span<const uint8_t> bytes, const std::string& suffix);
    ~TemporaryFile();
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The description of errno value `error` ("No such file or directory"), for messages.
std::string error_text(int error);

}  // namespace ingot::tool
