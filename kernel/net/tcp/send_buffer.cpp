#include <net/tcp/send_buffer.h>

namespace ingot::net {

Result<size_t> TcpSendBuffer::append(IoBuffer& src) {
    size_t wanted = src.size() < free_space() ? src.size() : free_space();
    if (wanted == 0) return size_t{0};
    if (!ring_.ensure_storage()) return Errno::ENOMEM;
    size_t done = 0;
    while (done < wanted) {
        std::span<uint8_t> run = ring_.writable_at(ring_.size(), wanted - done);
        Result<void> copied = src.copy_from_buffer(done, run.data(), run.size());
        if (!copied.ok()) {
            if (done == 0) return copied.error();
            break;
        }
        ring_.commit(run.size());
        done += run.size();
    }
    return done;
}

}  // namespace ingot::net
