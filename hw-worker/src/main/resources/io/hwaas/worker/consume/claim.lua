#!lua flags=allow-oom
-- Moves up to batchSize jobs from the head of the queue to the tail of one consumer's in-flight
-- list in one atomic step, and returns them. Java side: ClaimScript.
-- KEYS: queue, inflight, workers (the sorted set of live workers)
-- ARGV: batchSize; maxBatchBytes: stop adding jobs once their total size passes this (the rest goes
--       back to the head, in order), so a batch of large payloads cannot exhaust a worker's memory;
--       worker: this consumer's worker; maxPayloadBytes: longer payloads are moved but not
--       returned: a short placeholder stands in, and the acknowledgement dead-letters them from
--       the in-flight list, so a payload of any size never crosses the network to a worker that
--       would refuse it anyway
-- A worker that peers have declared dead (its registration swept) claims nothing until its
-- heartbeat has registered it again: a job claimed into a list nobody has registered could be
-- stranded if the worker then died.
-- allow-oom: at maxmemory this frees memory (moves shrink nothing, but draining must go on).
local queue, inflight, workers = KEYS[1], KEYS[2], KEYS[3]
local batchSize, maxBatchBytes, worker, maxPayloadBytes = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
if not redis.call('ZSCORE', workers, worker) then
  return redis.status_reply('UNREGISTERED')
end
local items = redis.call('LPOP', queue, batchSize)
if not items then
  return {}
end
local keep = #items
local size = 0
for i = 1, #items do
  local length = #items[i]
  if length <= maxPayloadBytes then
    size = size + length
  end
  if size > maxBatchBytes and i > 1 then
    keep = i - 1
    break
  end
end
for i = #items, keep + 1, -1 do
  redis.call('LPUSH', queue, items[i])
  items[i] = nil
end
redis.call('RPUSH', inflight, unpack(items))
for i = 1, #items do
  if #items[i] > maxPayloadBytes then
    items[i] = '\0oversized ' .. #items[i]
  end
end
return items
