#include <ingot/file_io.h>

#include <ingot/tool_error.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ingot::tool {

namespace {

// Writes all bytes, retrying short writes and EINTR; returns 0 or an errno value.
int write_all(int fd, std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        done += static_cast<size_t>(n);
    }
    return 0;
}

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

std::string error_text(int error) { return std::strerror(error); }

std::vector<uint8_t> read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw input_error(path + ": " + error_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int error = errno;
        ::close(fd);
        throw input_error(path + ": " + error_text(error));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw input_error(path + ": " + (S_ISDIR(st.st_mode) ? error_text(EISDIR) : "not a regular file"));
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (true) {
        if (done == bytes.size()) bytes.resize(bytes.size() + 65536);  // the file may have grown
        ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            throw input_error(path + ": " + error_text(error));
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    bytes.resize(done);
    return bytes;
}

void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes) {
    std::string temp = directory_of(path) + "/.ingot-XXXXXX";
    int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) throw input_error(path + ": cannot create: " + error_text(errno));
    // mkostemp creates 0600; give the image the usual permissions, minus the umask.
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0644 & ~mask);
    int error = write_all(fd, bytes);
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) {
        ::unlink(temp.c_str());
        throw input_error(path + ": cannot write: " + error_text(error));
    }
}

TemporaryFile::TemporaryFile(std::span<const uint8_t> bytes, const std::string& suffix) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/ingot-XXXXXX" + suffix;
    int fd = ::mkostemps(path_.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
    if (fd < 0) throw input_error("cannot create a temporary file in " + directory_of(path_) + ": " + error_text(errno));
    int error = write_all(fd, bytes);
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error != 0) {
        ::unlink(path_.c_str());
        throw input_error(path_ + ": cannot write: " + error_text(error));
    }
}

TemporaryFile::~TemporaryFile() { ::unlink(path_.c_str()); }

}  // namespace ingot::tool
