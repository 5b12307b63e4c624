-- Moves up to ARGV[1] jobs from the head of the queue (KEYS[1]) to the tail of one consumer's
-- in-flight list (KEYS[2]) in one atomic step, and returns them. Stops adding jobs once their
-- total size passes ARGV[2] bytes, putting the rest back at the head in their original order,
-- so that a batch of large payloads cannot exhaust a worker's memory.
local items = redis.call('LPOP', KEYS[1], ARGV[1])
if not items then
  return {}
end
local budget = tonumber(ARGV[2])
local keep = #items
local size = 0
for i = 1, #items do
  size = size + #items[i]
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
return items
