// UrlPath: turns a request target's path into a safe path relative to the site's root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

class UrlPath {
public:
    // The decoded path of an origin-form target ("/a/b%20c?q" -> "a/b c"): the query is dropped,
    // percent-escapes are decoded (RFC 3986 §2.1), "." and empty segments vanish. Nullopt for a
    // malformed escape, a decoded NUL, or any ".." segment (which could climb out of the root).
    // `directory` tells whether the path ended with "/" (or named the root).
    static std::optional<std::string> to_relative(std::string_view target, bool& directory);
};
