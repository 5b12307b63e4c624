#!lua flags=allow-oom
-- Marks hellos claimed, before they are printed, and reports what their audit bits said.
-- KEYS[i]: the audit bitmap of hello i; ARGV[1]: the audit TTL in seconds; ARGV[i + 1]: the bit
-- offset of hello i's first flag (submitted; then claimed, printed, reprinted).
-- Returns, per hello, submitted + 2 * claimed-before + 4 * printed, read as the claimed bit is set,
-- or -1 when its audit key holds something other than a bitmap (damaged, or written by someone
-- else): that hello is printed without deduplication rather than stalling the batch.
-- A bitmap this creates (its hello waited longer than the TTL, or was never audited) gets the TTL:
-- no audit key may live for ever. allow-oom: draining a full Redis must not stop here.
local ttl = ARGV[1]
local flags = {}
local expired = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local base = tonumber(ARGV[i + 1])
  local bits = redis.pcall('BITFIELD', key, 'GET', 'u1', base, 'SET', 'u1', base + 1, 1, 'GET', 'u1', base + 2)
  if bits.err then
    flags[i] = -1
    expired[key] = true
  else
    flags[i] = bits[1] + 2 * bits[2] + 4 * bits[3]
  end
  if not expired[key] then
    redis.call('EXPIRE', key, ttl, 'NX')
    expired[key] = true
  end
end
return flags
