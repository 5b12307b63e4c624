#!lua flags=allow-oom
-- Marks hellos claimed, before they are printed, and reports what their audit bits said.
-- Java side: MarkScript.
-- KEYS: one audit bitmap per hello; ARGV: auditTtl (s), then one offset per hello: the bit
-- offset of its first flag (submitted; then claimed, printed, reprinted).
-- Returns, per hello, submitted + 2 * claimed-before + 4 * printed, read as the claimed bit is set,
-- or -1 when its audit key holds something other than a bitmap (damaged, or written by someone
-- else): that hello is printed without deduplication rather than stalling the batch.
-- A bitmap this creates (its hello waited longer than the TTL, or was never audited) gets the TTL:
-- no audit key may live for ever. allow-oom: draining a full Redis must not stop here.
local auditTtl = ARGV[1]
local flags = {}
-- One BITFIELD per audit key (a backlog's hellos share blocks), in chunks that unpack() can pass.
local groups, order = {}, {}
for i = 1, #KEYS do
  local key = KEYS[i]
  if not groups[key] then
    groups[key] = {}
    order[#order + 1] = key
  end
  local group = groups[key]
  group[#group + 1] = i
end
for _, key in ipairs(order) do
  local group = groups[key]
  local damaged = false
  for from = 1, #group, 500 do
    local args, members = {}, {}
    for j = from, math.min(#group, from + 499) do
      local i = group[j]
      local base = tonumber(ARGV[i + 1])
      members[#members + 1] = i
      args[#args + 1] = 'GET'; args[#args + 1] = 'u1'; args[#args + 1] = base
      args[#args + 1] = 'SET'; args[#args + 1] = 'u1'; args[#args + 1] = base + 1; args[#args + 1] = 1
      args[#args + 1] = 'GET'; args[#args + 1] = 'u1'; args[#args + 1] = base + 2
    end
    local bits = redis.pcall('BITFIELD', key, unpack(args))
    for n, i in ipairs(members) do
      if bits.err then
        flags[i] = -1
        damaged = true
      else
        flags[i] = bits[3 * n - 2] + 2 * bits[3 * n - 1] + 4 * bits[3 * n]
      end
    end
  end
  if not damaged then
    redis.call('EXPIRE', key, auditTtl, 'NX')
  end
end
return flags
