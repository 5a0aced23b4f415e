// Bringing up the network at boot when the image or the command line asks for it (kernel
// option "ip=ADDRESS/PREFIX", optionally "gateway=ADDRESS"); without "ip" the kernel does not
// even look for a network card, so programs that need no network boot as fast as before.
#pragma once

#include <image/boot_config.h>

#include <string_view>

namespace ingot::net {

// Finds the network card, starts the stack and reports its address on the kernel channel.
// A missing card or a malformed option is reported; the program still starts.
void start_networking(std::string_view command_line, const image::BootConfig& config);

}  // namespace ingot::net
