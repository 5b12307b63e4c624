#!lua flags=allow-oom
-- Moves up to ARGV[1] jobs from the head of the queue (KEYS[1]) to the tail of one consumer's
-- in-flight list (KEYS[2]) in one atomic step, and returns them.
-- KEYS[3]: the sorted set of live workers; ARGV[3]: this consumer's worker.
-- ARGV[2]: stop adding jobs once their total size passes this many bytes (the rest goes back to
--          the head, in order), so a batch of large payloads cannot exhaust a worker's memory.
-- ARGV[4]: payloads longer than this are moved but not returned: a short placeholder stands in,
--          and the acknowledgement dead-letters them from the in-flight list, so a payload of any
--          size never crosses the network to a worker that would refuse it anyway.
-- A worker that peers have declared dead (its registration swept) claims nothing until its
-- heartbeat has registered it again: a job claimed into a list nobody has registered could be
-- stranded if the worker then died.
-- allow-oom: at maxmemory this frees memory (moves shrink nothing, but draining must go on).
if not redis.call('ZSCORE', KEYS[3], ARGV[3]) then
  return redis.status_reply('UNREGISTERED')
end
local items = redis.call('LPOP', KEYS[1], ARGV[1])
if not items then
  return {}
end
local budget = tonumber(ARGV[2])
local largest = tonumber(ARGV[4])
local keep = #items
local size = 0
for i = 1, #items do
  local length = #items[i]
  if length <= largest then
    size = size + length
  end
  if size > budget and i > 1 then
    keep = i - 1
    break
  end
end
for i = #items, keep + 1, -1 do
  redis.call('LPUSH', KEYS[1], items[i])
  items[i] = nil
end
redis.call('RPUSH', KEYS[2], unpack(items))
for i = 1, #items do
  if #items[i] > largest then
    items[i] = '\0oversized ' .. #items[i]
  end
end
return items
