-- Lua workload for the app_lua boot test: runs every script named below and prints what
-- each one checks. Usage: lua main.lua ROOT/ TMPDIR, where ROOT/ holds these scripts ("/" in
-- the guest) and TMPDIR is writable ("/tmp" in the guest). Output must not depend on either
-- path, on the time or on the order of hash tables.
local root, tmp = assert(arg[1], "root directory"), assert(arg[2], "scratch directory")
local scripts = {"strings", "tables", "closures", "coroutines", "metatables", "errors",
                 "numbers", "files", "os", "gc", "compute"}
local failures = 0
for _, name in ipairs(scripts) do
  local file = assert(io.open(root .. name .. ".lua", "r"))
  local source = file:read("a")
  file:close()
  -- The chunk is named after the script alone, so that messages do not show the root.
  local chunk = assert(load(source, "@" .. name .. ".lua"))
  print("== " .. name)
  local ok, err = pcall(chunk, tmp)
  if not ok then
    failures = failures + 1
    print("FAILED: " .. tostring(err))
  end
end
print(string.format("%d scripts, %d failed", #scripts, failures))
os.exit(failures == 0 and 0 or 1)
