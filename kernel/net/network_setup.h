// Bringing up the network at boot when the image or the command line asks for it, with the
// kernel option "ip=dhcp" or "ip=ADDRESS/PREFIX" (then optionally "gateway=ADDRESS" and
// "dns=ADDRESS[,ADDRESS...]"). Without "ip" the kernel does not even look for a network card,
// so programs that need no network boot as fast as before; the stack then serves loopback
// (127.0.0.0/8) alone.
#pragma once

#include <image/boot_config.h>

#include <string_view>

namespace ingot::net {

// Finds the network card, starts the stack and, with DHCP, waits (up to ten seconds) for a
// lease before the program starts. Reports the address, gateway and MAC on the kernel channel
// and writes /etc/resolv.conf and /etc/hosts unless the image brings its own. A missing card
// or a malformed option is reported; the program still starts, with loopback only.
void start_networking(std::string_view command_line, const image::BootConfig& config);

// Starts the stack for loopback (127.0.0.0/8) alone, with /etc/hosts naming localhost; what a
// kernel without network card support does at boot.
void start_loopback_networking();

}  // namespace ingot::net
