#include <lib/format.h>

#include <cstdint>

namespace ingot {
namespace {

class Sink {
public:
    Sink(char* buf, size_t capacity) : buf_(buf), capacity_(capacity) {}
    void put(char c) {
        if (len_ + 1 < capacity_) buf_[len_++] = c;
    }
    void pad(char c, int count) {
        for (int i = 0; i < count; ++i) put(c);
    }
    size_t finish() {
        if (capacity_ > 0) buf_[len_] = '\0';
        return len_;
    }

private:
    char* buf_;
    size_t capacity_;
    size_t len_ = 0;
};

struct Spec {
    bool left = false;
    bool zero = false;
    int width = 0;
    int precision = -1;
};

void put_padded(Sink& out, const Spec& spec, const char* text, int len) {
    int padding = spec.width > len ? spec.width - len : 0;
    if (!spec.left) out.pad(spec.zero ? '0' : ' ', padding);
    for (int i = 0; i < len; ++i) out.put(text[i]);
    if (spec.left) out.pad(' ', padding);
}

void put_number(Sink& out, Spec spec, uint64_t value, unsigned base, bool negative, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    int len = 0;
    do {
        text[len++] = digits[value % base];
        value /= base;
    } while (value != 0);
    if (negative) {
        if (spec.zero && spec.width > 0) {
            out.put('-');
            spec.width--;
        } else {
            text[len++] = '-';
        }
    }
    char ordered[24];
    for (int i = 0; i < len; ++i) ordered[i] = text[len - 1 - i];
    put_padded(out, spec, ordered, len);
}

}  // namespace

size_t format_to(char* buf, size_t capacity, const char* fmt, va_list args) {
    Sink out(buf, capacity);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        Spec spec;
        ++p;
        for (;; ++p) {
            if (*p == '-') spec.left = true;
            else if (*p == '0') spec.zero = true;
            else break;
        }
        while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
        if (*p == '.') {
            ++p;
            if (*p == '*') {
                spec.precision = va_arg(args, int);
                ++p;
            } else {
                spec.precision = 0;
                while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
            }
        }
        int longs = 0;
        while (*p == 'l' || *p == 'z') {
            longs += (*p == 'z') ? 2 : 1;
            ++p;
        }
        auto next_unsigned = [&]() -> uint64_t {
            return longs ? va_arg(args, uint64_t) : va_arg(args, unsigned);
        };
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(args, int64_t) : va_arg(args, int);
            put_number(out, spec, v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v), 10, v < 0, false);
            break;
        }
        case 'u': put_number(out, spec, next_unsigned(), 10, false, false); break;
        case 'x': put_number(out, spec, next_unsigned(), 16, false, false); break;
        case 'X': put_number(out, spec, next_unsigned(), 16, false, true); break;
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, spec, reinterpret_cast<uintptr_t>(va_arg(args, void*)), 16, false, false);
            break;
        case 'c': {
            char c = static_cast<char>(va_arg(args, int));
            put_padded(out, spec, &c, 1);
            break;
        }
        case 's': {
            const char* s = va_arg(args, const char*);
            if (!s) s = "(null)";
            int len = 0;
            while ((spec.precision < 0 || len < spec.precision) && s[len]) ++len;
            put_padded(out, spec, s, len);
            break;
        }
        case '%': out.put('%'); break;
        case '\0': return out.finish();
        default:
            out.put('%');
            out.put(*p);
        }
    }
    return out.finish();
}

size_t format_to(char* buf, size_t capacity, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    size_t n = format_to(buf, capacity, fmt, args);
    va_end(args);
    return n;
}

}  // namespace ingot
