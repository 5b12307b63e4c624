#!lua flags=allow-oom
-- Acknowledges one consumer's batch after printing, in one atomic step: marks each printed hello,
-- files each poison in the dead-letter list, and deletes the in-flight list. Atomic, so a retry
-- after a lost reply can neither lose a mark nor file a payload twice. Java side: AckScript.
-- KEYS: inflight, deadletter, counters (a hash: deadletter_bytes, deadletter_dropped, printed)
-- ARGV: auditTtl (s), deadLetterMax (entries), deadLetterMaxBytes, deadLetterMaxAge (ms), keepWhole,
--       prefixBytes, queue, worker, lines (lines printed, added to the counters' printed, which status reads), n;
--       then n printed hellos (auditKey, offset, mayBeReprint '1'/'0'); then the poison
--       to the end (index in the in-flight list from 0, reason, detail)
-- Returns {dropped, deadLetterBytes, refused}: entries the caps dropped, the list's bytes after,
-- and per entry Redis refused {reason, length, sha1, error} (the job still leaves the in-flight
-- list; the worker logs and counts the refusal).
local inflight, deadletter, counters = KEYS[1], KEYS[2], KEYS[3]
local auditTtl, deadLetterMax, deadLetterMaxBytes = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local deadLetterMaxAge, keepWhole, prefixBytes = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local queue, worker, lines, n = ARGV[7], ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10])
local firstPoison = 11 + 3 * n

-- The deployment's count of lines printed: status and the latency benchmark take the rate from it.
-- pcall: a damaged counters hash must not block the batch.
if lines > 0 then
  redis.pcall('HINCRBY', counters, 'printed', lines)
end

-- Printed marks: one BITFIELD per audit key (a backlog's hellos share blocks), in chunks unpack() can pass.
local groups, order = {}, {}
for at = 11, firstPoison - 1, 3 do
  local key, base = ARGV[at], tonumber(ARGV[at + 1])
  if not groups[key] then
    groups[key] = {}
    order[#order + 1] = key
  end
  local ops = groups[key]
  ops[#ops + 1] = 'SET'; ops[#ops + 1] = 'u1'; ops[#ops + 1] = base + 2; ops[#ops + 1] = 1
  if ARGV[at + 2] == '1' then
    ops[#ops + 1] = 'SET'; ops[#ops + 1] = 'u1'; ops[#ops + 1] = base + 3; ops[#ops + 1] = 1
  end
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
    redis.call('EXPIRE', key, auditTtl, 'NX')
  end
end

-- The dead letters: newest first, capped by count, by bytes (a running total in the counters
-- hash; an operator who empties the list resets it) and by age, trimmed from the oldest end when
-- poison is filed, as Sidekiq trims its dead set. An entry keeps the payload whole up to
-- keepWhole bytes; beyond, its length, SHA-1 and a prefix that never ends inside a UTF-8
-- sequence, so no entry can approach Redis' argument limit however escaping inflates it.
local function entryFor(payload, reason, detail, failedAt)
  local entry = {reason = reason, detail = detail, queue = queue, worker = worker, failedAtMillis = failedAt,
    length = #payload, payload = payload}
  local encoded = cjson.encode(entry)
  if #encoded <= keepWhole then
    return encoded
  end
  local cut = math.min(prefixBytes, #payload)
  while cut > 0 and cut < #payload and string.byte(payload, cut + 1) >= 0x80 and string.byte(payload, cut + 1) < 0xC0 do
    cut = cut - 1
  end
  entry.payload, entry.sha1, entry.prefix = nil, redis.sha1hex(payload), string.sub(payload, 1, cut)
  return cjson.encode(entry)
end

local time = redis.call('TIME')
local failedAt = time[1] * 1000 + math.floor(time[2] / 1000)
local stored = redis.pcall('HGET', counters, 'deadletter_bytes')
local bytes = tonumber(type(stored) == 'string' and stored or '0') or 0
local added, refused = 0, {}
for at = firstPoison, #ARGV, 3 do
  local reason = ARGV[at + 1]
  -- nil: a sweep returned the batch to the queue meanwhile; whoever runs it files it.
  local payload = redis.call('LINDEX', inflight, tonumber(ARGV[at]))
  if payload then
    local encoded = entryFor(payload, reason, ARGV[at + 2], failedAt)
    local pushed = redis.pcall('LPUSH', deadletter, encoded)
    if type(pushed) == 'table' and pushed.err then
      refused[#refused + 1] = {reason, #payload, redis.sha1hex(payload), pushed.err}
    else
      bytes = bytes + #encoded
      added = added + 1
    end
  end
end
redis.call('DEL', inflight)

-- Whether the oldest entry failed before the age cap. One that is not JSON or has no number
-- failedAtMillis (written by hand, say) stops the age trim; only the count and byte caps drop it.
local function oldestExpired()
  local ok, entry = pcall(cjson.decode, redis.call('LINDEX', deadletter, -1))
  return ok and type(entry) == 'table' and type(entry.failedAtMillis) == 'number'
    and entry.failedAtMillis < failedAt - deadLetterMaxAge
end

local dropped = 0
if added > 0 then
  local length = redis.call('LLEN', deadletter)
  while length > 0 and (length > deadLetterMax or bytes > deadLetterMaxBytes or oldestExpired()) do
    bytes = bytes - #redis.call('RPOP', deadletter)
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
return {dropped, bytes, refused}
