-- Heavier work: a sieve, string building, a little interpreter, sorting records.
local N = 200000
local composite = {}
local primes = 0
for i = 2, N do
  if not composite[i] then
    primes = primes + 1
    for j = i * i, N, i do composite[j] = true end
  end
end
print("primes below", N, primes)
local buf = {}
for i = 1, 20000 do buf[#buf + 1] = string.format("%05d:%x;", i, i * 31) end
local s = table.concat(buf)
local h = 0
for i = 1, #s, 7 do h = (h * 31 + s:byte(i)) % 2147483647 end
print(#s, h)
-- A stack machine interpreting a small program.
local program = {{"push", 1}, {"push", 0}, {"store", "i"}, {"store", "acc"},
  {"label", "loop"}, {"load", "acc"}, {"load", "i"}, {"add"}, {"store", "acc"},
  {"load", "i"}, {"push", 1}, {"add"}, {"dup"}, {"store", "i"}, {"push", 10000}, {"lt"},
  {"jumpif", "loop"}, {"load", "acc"}, {"print"}}
local labels, stack, vars, pc, steps = {}, {}, {}, 1, 0
for i, ins in ipairs(program) do if ins[1] == "label" then labels[ins[2]] = i end end
while pc <= #program do
  local op, arg = program[pc][1], program[pc][2]
  steps = steps + 1
  pc = pc + 1
  if op == "push" then stack[#stack + 1] = arg
  elseif op == "store" then vars[arg] = table.remove(stack)
  elseif op == "load" then stack[#stack + 1] = vars[arg]
  elseif op == "add" then local b, a = table.remove(stack), table.remove(stack); stack[#stack + 1] = a + b
  elseif op == "lt" then local b, a = table.remove(stack), table.remove(stack); stack[#stack + 1] = a < b
  elseif op == "dup" then stack[#stack + 1] = stack[#stack]
  elseif op == "jumpif" then if table.remove(stack) then pc = labels[arg] end
  elseif op == "print" then print("interpreted sum", table.remove(stack), "steps", steps)
  end
end
local records = {}
math.randomseed(7)
for i = 1, 20000 do records[i] = {id = i, score = math.random(0, 999), name = "n" .. math.random(1, 500)} end
table.sort(records, function(a, b)
  if a.score ~= b.score then return a.score > b.score end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end)
for i = 1, 3 do io.write(records[i].id, ":", records[i].score, ":", records[i].name, " ") end
print()
local words = {}
for w in (("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "):rep(500)):gmatch("%a+") do
  words[w] = (words[w] or 0) + 1
end
local list = {}
for w, c in pairs(words) do list[#list + 1] = w .. "=" .. c end
table.sort(list)
print(table.concat(list, " "))
