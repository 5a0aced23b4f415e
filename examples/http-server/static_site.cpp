#include "static_site.h"

#include "mime_types.h"
#include "url_path.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace {

// Opens `path` for reading if it is a regular file: returns 200 and fills the lookup, or the
// status for the failure. O_NONBLOCK keeps a FIFO in the tree from stalling the server.
int open_regular_file(const std::string& path, StaticSite::Lookup& lookup, bool& is_directory) {
    is_directory = false;
    UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!file.valid()) return errno == EACCES ? 403 : 404;
    struct stat status {};
    if (fstat(file.get(), &status) != 0) return 404;
    if (S_ISDIR(status.st_mode)) {
        is_directory = true;
        return 404;
    }
    if (!S_ISREG(status.st_mode)) return 404;
    lookup.file = std::move(file);
    lookup.size = static_cast<uint64_t>(status.st_size);
    lookup.content_type = MimeTypes::content_type_for(path);
    return 200;
}

}  // namespace

StaticSite::Lookup StaticSite::open(std::string_view target) const {
    Lookup lookup;
    bool names_directory = false;
    std::optional<std::string> relative = UrlPath::to_relative(target, names_directory);
    if (!relative) {
        lookup.status = 400;
        return lookup;
    }
    std::string path = relative->empty() ? root_ : root_ + "/" + *relative;
    bool is_directory = false;
    if (!names_directory) {
        lookup.status = open_regular_file(path, lookup, is_directory);
        if (!is_directory) return lookup;
    }
    // "/" and every directory serve their index.html.
    lookup.status = open_regular_file(path + "/index.html", lookup, is_directory);
    return lookup;
}
