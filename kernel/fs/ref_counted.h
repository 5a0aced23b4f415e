// Intrusive reference counting for objects shared inside the file-system layer (inodes, open
// files, pipes, file systems). The count lives in the object, so a raw pointer can always be
// turned back into a counted reference. Kernel code runs under the kernel lock (proc/cpus.h)
// and has no threads of its own, so a plain counter is enough, with any number of CPUs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace ingot {

class RefCounted {
public:
    RefCounted() = default;
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    void ref() const { ++ref_count_; }
    // Drops one reference and destroys the object when it was the last.
    void unref() const {
        if (--ref_count_ == 0) delete this;
    }
    uint32_t ref_count() const { return ref_count_; }

protected:
    virtual ~RefCounted() = default;

private:
    mutable uint32_t ref_count_ = 0;
};

// A counted reference to T (T derives from RefCounted); null when default-constructed.
template <typename T>
class RefPtr {
public:
    constexpr RefPtr() = default;
    constexpr RefPtr(std::nullptr_t) {}  // NOLINT: implicit, like a pointer
    explicit RefPtr(T* object) : object_(object) {
        if (object_) object_->ref();
    }
    RefPtr(const RefPtr& other) : RefPtr(other.object_) {}
    RefPtr(RefPtr&& other) : object_(std::exchange(other.object_, nullptr)) {}
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
    RefPtr(const RefPtr<U>& other) : RefPtr(static_cast<T*>(other.get())) {}  // NOLINT
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
    RefPtr(RefPtr<U>&& other) : object_(other.leak()) {}  // NOLINT
    ~RefPtr() {
        if (object_) object_->unref();
    }

    RefPtr& operator=(RefPtr other) {
        std::swap(object_, other.object_);
        return *this;
    }

    T* get() const { return object_; }
    T* operator->() const { return object_; }
    T& operator*() const { return *object_; }
    explicit operator bool() const { return object_ != nullptr; }
    bool operator==(const RefPtr& other) const { return object_ == other.object_; }
    bool operator==(std::nullptr_t) const { return object_ == nullptr; }

    // Gives up ownership without dropping the reference (for converting moves).
    T* leak() { return std::exchange(object_, nullptr); }

private:
    T* object_ = nullptr;
};

// Allocates a T and returns the first reference to it.
template <typename T, typename... Args>
RefPtr<T> make_ref(Args&&... args) {
    return RefPtr<T>(new T(std::forward<Args>(args)...));
}

// The reference-counted T behind `object`, which the caller knows to be a T (no RTTI).
template <typename T, typename U>
RefPtr<T> static_ref_cast(const RefPtr<U>& object) {
    return RefPtr<T>(static_cast<T*>(object.get()));
}

}  // namespace ingot
