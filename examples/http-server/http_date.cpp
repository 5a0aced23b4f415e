#include "http_date.h"

#include <cstdio>
#include <ctime>

std::string HttpDate::now() {
    // Names spelt out rather than strftime's %a/%b, which follow the locale.
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // The text changes once a second; a busy server asks for it far more often.
    static time_t cached_second = -1;
    static std::string cached_text = "Thu, 01 Jan 1970 00:00:00 GMT";
    time_t seconds = time(nullptr);
    if (seconds == cached_second) return cached_text;
    struct tm utc {};
    if (seconds == static_cast<time_t>(-1) || !gmtime_r(&seconds, &utc)) return cached_text;
    char text[40];
    snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday % 7], utc.tm_mday,
             kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    cached_second = seconds;
    cached_text = text;
    return cached_text;
}
