// StaticSite: maps request targets to the files under the site's root directory.
#pragma once

#include "unique_fd.h"

#include <cstdint>
#include <string>
#include <string_view>

class StaticSite {
public:
    explicit StaticSite(std::string root) : root_(std::move(root)) {}

    struct Lookup {
        int status = 404;  // 200 with an open file; else 400, 403 or 404
        UniqueFd file;
        uint64_t size = 0;
        std::string_view content_type;
    };

    // Opens the regular file `target` names; a directory stands for its index.html. A target
    // that is malformed or climbs out of the root ("..", also percent-encoded) gets 400.
    Lookup open(std::string_view target) const;

private:
    std::string root_;
};
