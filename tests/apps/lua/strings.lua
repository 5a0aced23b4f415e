local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():sub(5, 9), s:rep(2, "|"):len())
print(s:find("brown"), s:find("o", 20, true), s:match("(%a+) dog$"))
print((s:gsub("%w+", function(w) return w:sub(1, 1):upper() .. w:sub(2) end)))
print(s:gsub("o", "0", 2))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w end
print(#words, table.concat(words, ","))
print(("%s=%d"):format("x", 42), ("%5s|%-5s|"):format("ab", "cd"), ("%q"):format('a "quoted"\n\0 string'))
print(string.format("%x %X %o %c%c%c %i %u", 255, 3054, 8, 76, 117, 97, -7, 7))
print(string.format("[%10.3s] [%-8d] [%+d] [%05d] [%.0f]", "abcdef", 12, 5, -42, 2.5))
print(string.byte("ABC", 1, -1), string.char(72, 105), ("xyz"):reverse())
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
print(("a,b,,c"):gsub(",", ";"), ("hello world"):gsub("(%w+) (%w+)", "%2 %1"))
print(("%d items"):rep(3, ", "), ("abc"):byte(-1), #("\u{48}\u{49}\u{20AC}"))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"), utf8.codepoint("€", 1))
for p, c in utf8.codes("aé€") do io.write(p, ":", c, " ") end
print()
local packed = string.pack("<i4 >i2 z s1 d", -2, 513, "zero", "len", 1.5)
print(#packed, string.unpack("<i4 >i2 z s1 d", packed))
print(string.pack(">I3", 0x010203):byte(1, -1))
print(tostring(nil), tostring(true), tostring(12), tostring(-0.0), tostring(1e100))
print(("x"):rep(0) == "", ("abc" < "abd"), ("Z" < "a"), ("" < "a"))
local parts = {}
for i = 1, 100 do parts[i] = string.char(32 + i % 90) end
local big = table.concat(parts):rep(100)
print(#big, big:sub(-10), select("#", big:byte(1, 50)))
