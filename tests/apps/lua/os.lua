-- Only what is the same on every run: relations between times, fixed dates in UTC.
local t0, c0 = os.time(), os.clock()
print(math.type(t0), t0 > 1600000000, c0 >= 0, type(os.clock()))
local x = 0
for i = 1, 2000000 do x = x + i % 7 end
local c1 = os.clock()
print(x, c1 >= c0, os.difftime(os.time(), t0) >= 0, os.difftime(10, 4))
print(os.date("!%Y-%m-%d %H:%M:%S", 0), os.date("!%A %B %j", 86400 * 365))
print(os.date("!%c", 1700000000), os.date("!%x %X %p", 1234567890))
local d = os.date("!*t", 1700000000)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
-- TZ=UTC in both runs, so local time is UTC and os.time inverts os.date.
print(os.getenv("TZ"), os.getenv("INGOT_UNSET_VARIABLE"))
print(os.time({year = 2024, month = 2, day = 29, hour = 12}), os.time({year = 2000, month = 1, day = 1, hour = 0}))
print(os.time({year = 2023, month = 14, day = 1, hour = 0}), os.date("%Y-%m-%d %H:%M", 951782400))
local now = os.date("*t")
print(now.year >= 2024, now.month >= 1 and now.month <= 12, type(now.isdst))
print(os.setlocale(), os.setlocale("C"), os.setlocale(nil, "numeric"))
print(select("#", os.execute == nil), type(os.exit))
