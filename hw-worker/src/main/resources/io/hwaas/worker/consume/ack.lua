#!lua flags=allow-oom
-- Acknowledges one consumer's batch after printing, in one atomic step: marks each printed hello,
-- files each poison in the dead-letter list, and deletes the in-flight list. Atomic, so a retry
-- after a lost reply can neither lose a mark nor file a payload twice.
-- KEYS[1]: the in-flight list; KEYS[2]: the dead-letter list; KEYS[3]: the counters hash
-- ARGV[1]: audit TTL (s)       ARGV[2]: dead-letter entries kept    ARGV[3]: dead-letter bytes kept
-- ARGV[4]: a payload is kept whole when its entry is at most this many bytes; otherwise its
--          length, SHA-1 and a prefix of ARGV[5] bytes are kept, so no entry can approach Redis'
--          argument limit, whatever the payload and however escaping inflates it
-- ARGV[6]: the queue's key, ARGV[7]: this worker, for the entries
-- ARGV[8]: n, the number of printed hellos; then n triples: audit key, first-flag offset,
--          1 if it may be a reprint; then the poison: pairs of in-flight index (from 0) and reason,
--          each followed by a detail
-- A dead-letter write Redis refuses (the list's key holds another type, an ACL forbids it) does
-- not block the batch: the job still leaves the in-flight list, and the refusal is returned for
-- the worker to log at ERROR and count.
-- Returns {entries dropped by the caps, bytes of the dead-letter list, then for each refused
-- entry: its reason, payload length, payload SHA-1 and Redis' error}.
local inflight, deadletter, counters = KEYS[1], KEYS[2], KEYS[3]
local ttl = ARGV[1]
local maxEntries, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
local keepWhole, prefixBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
local n = tonumber(ARGV[8])
-- One BITFIELD per audit key (a backlog's hellos share blocks), in chunks that unpack() can pass.
local groups, order = {}, {}
local at = 9
for _ = 1, n do
  local key, base, reprint = ARGV[at], tonumber(ARGV[at + 1]), ARGV[at + 2]
  if not groups[key] then
    groups[key] = {}
    order[#order + 1] = key
  end
  local group = groups[key]
  group[#group + 1] = 'SET'; group[#group + 1] = 'u1'; group[#group + 1] = base + 2; group[#group + 1] = 1
  if reprint == '1' then
    group[#group + 1] = 'SET'; group[#group + 1] = 'u1'; group[#group + 1] = base + 3; group[#group + 1] = 1
  end
  at = at + 3
end
for _, key in ipairs(order) do
  local ops = groups[key]
  local damaged = false
  for from = 1, #ops, 4000 do
    -- pcall: a damaged audit key (reported when the batch was marked) must not block the batch.
    local marked = redis.pcall('BITFIELD', key, unpack(ops, from, math.min(#ops, from + 3999)))
    damaged = damaged or (type(marked) == 'table' and marked.err ~= nil)
  end
  if not damaged then
    redis.call('EXPIRE', key, ttl, 'NX')
  end
end

local function utf8Prefix(s, bytes)
  if #s <= bytes then
    return s
  end
  local cut = bytes
  -- Never end inside a UTF-8 sequence: back up over continuation bytes to the lead byte, and drop it.
  while cut > 0 and string.byte(s, cut + 1) >= 0x80 and string.byte(s, cut + 1) < 0xC0 do
    cut = cut - 1
  end
  return string.sub(s, 1, cut)
end

local time = redis.call('TIME')
local failedAt = time[1] * 1000 + math.floor(time[2] / 1000)
local added = 0
local refused = {}
while at <= #ARGV do
  local index, reason, detail = tonumber(ARGV[at]), ARGV[at + 1], ARGV[at + 2]
  local payload = redis.call('LINDEX', inflight, index)
  -- nil: a sweep returned the batch to the queue meanwhile; whoever runs it files it.
  if payload then
    local entry = {reason = reason, detail = detail, queue = ARGV[6], worker = ARGV[7], failedAtMillis = failedAt,
      length = #payload, payload = payload}
    local encoded = cjson.encode(entry)
    if #encoded > keepWhole then
      entry.payload = nil
      entry.sha1 = redis.sha1hex(payload)
      entry.prefix = utf8Prefix(payload, prefixBytes)
      encoded = cjson.encode(entry)
    end
    local pushed = redis.pcall('LPUSH', deadletter, encoded)
    if type(pushed) == 'table' and pushed.err then
      refused[#refused + 1] = {reason, #payload, redis.sha1hex(payload), pushed.err}
    else
      redis.pcall('HINCRBY', counters, 'deadletter_bytes', #encoded)
      added = added + 1
    end
  end
  at = at + 3
end
redis.call('DEL', inflight)

local dropped = 0
local stored = redis.pcall('HGET', counters, 'deadletter_bytes')
local bytes = tonumber(type(stored) == 'string' and stored or '0') or 0
if added > 0 then
  -- Oldest first, until both caps hold. An operator who empties the list (DEL) resets the count.
  local length = redis.call('LLEN', deadletter)
  while length > 0 and (length > maxEntries or bytes > maxBytes) do
    local oldest = redis.call('RPOP', deadletter)
    bytes = bytes - #oldest
    length = length - 1
    dropped = dropped + 1
  end
  if bytes < 0 or length == 0 then
    bytes = 0
  end
  redis.pcall('HSET', counters, 'deadletter_bytes', bytes)
  if dropped > 0 then
    redis.pcall('HINCRBY', counters, 'deadletter_dropped', dropped)
  end
end
local result = {dropped, bytes}
for _, r in ipairs(refused) do
  for _, field in ipairs(r) do
    result[#result + 1] = field
  end
end
return result
