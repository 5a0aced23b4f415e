// MimeTypes: the Content-Type for a file, chosen by its extension.
#pragma once

#include <string_view>

class MimeTypes {
public:
    // The media type for `path` (RFC 9110 §8.3), application/octet-stream when unknown.
    static std::string_view content_type_for(std::string_view path);
};
