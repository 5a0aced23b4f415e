// HttpDate: the current time as an HTTP date.
#pragma once

#include <string>

class HttpDate {
public:
    // Now in IMF-fixdate form, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
    static std::string now();
};
