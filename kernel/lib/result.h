// Result<T>: a value or a Linux errno. Errors travel up with TRY and become -errno in exactly
// one place, the syscall dispatcher. Freestanding: no exceptions, no allocation.
#pragma once

#include <lib/errno.h>

#include <new>
#include <type_traits>
#include <utility>

namespace ingot {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(Errno e) : ok_(false), error_(e) {}  // NOLINT: implicit by design, so `return Errno::EINVAL;` works
    Result(T value) : ok_(true) { new (&storage_) T(std::move(value)); }  // NOLINT
    Result(const Result& o) : ok_(o.ok_), error_(o.error_) { if (ok_) new (&storage_) T(o.value()); }
    Result(Result&& o) : ok_(o.ok_), error_(o.error_) { if (ok_) new (&storage_) T(std::move(o.value())); }
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&&) = delete;
    ~Result() { if (ok_) value().~T(); }

    bool ok() const { return ok_; }
    Errno error() const { return error_; }
    T& value() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
    const T& value() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }
    T release_value() { return std::move(value()); }
    T value_or(T fallback) const { return ok_ ? value() : fallback; }

private:
    bool ok_;
    Errno error_ = Errno{0};
    alignas(T) unsigned char storage_[sizeof(T)];
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Errno e) : ok_(false), error_(e) {}  // NOLINT
    bool ok() const { return ok_; }
    Errno error() const { return error_; }
    void release_value() {}

private:
    bool ok_ = true;
    Errno error_ = Errno{0};
};

}  // namespace ingot

// TRY(expr): evaluate a Result; on error return that error from the enclosing function,
// otherwise yield the value (GNU statement expression, as SerenityOS does).
#define TRY(expr)                                   \
    ({                                              \
        auto _try_result = (expr);                  \
        if (!_try_result.ok()) return _try_result.error(); \
        _try_result.release_value();                \
    })
