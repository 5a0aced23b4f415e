// /proc, as much of proc(5) as programs need at startup and for introspection:
//   /proc/self/exe   link to the program's path in the image (readlink("/proc/self/exe"))
//   /proc/self/cwd   link to the working directory
//   /proc/self/fd/N  one link per open descriptor, naming what it refers to
// Unlike Linux's "magic" links, these resolve by their text only: opening
// /proc/self/fd/N reopens the file by its path, and fails for pipes ("pipe:[ino]").
#pragma once

#include <fs/directory.h>

#include <string_view>

namespace ingot {

// Builds the /proc tree; parent is the directory it hangs under (the root).
DirectoryRef make_proc(const DirectoryRef& parent, std::string_view program_path);

}  // namespace ingot
