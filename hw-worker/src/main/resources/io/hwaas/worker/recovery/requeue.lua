#!lua flags=allow-oom
-- Returns the jobs of one in-flight list to the head of its queue if its owner is not alive:
-- the catch-all for lists no registration names (a worker declared dead while a blocked move
-- was still handing it a job, then killed before it could register again). Java side: RequeueScript.
-- KEYS: workers (sorted set, Redis ms), inflight, queue
-- ARGV: deadAfter (ms), owner (the list's worker)
-- Returns {jobs requeued, ''}, or {0, key} when the list or the queue is of the wrong type
-- (something else wrote the key): nothing is moved, and the key is left as it is.
local workers, inflight, queue = KEYS[1], KEYS[2], KEYS[3]
local deadAfter, owner = tonumber(ARGV[1]), ARGV[2]
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local score = redis.call('ZSCORE', workers, owner)
if score and tonumber(score) > now - deadAfter then
  return {0, ''}
end
for _, key in ipairs({inflight, queue}) do
  local actual = redis.call('TYPE', key)['ok']
  if actual ~= 'list' and actual ~= 'none' then
    return {0, key}
  end
end
local moved = 0
while redis.call('LMOVE', inflight, queue, 'RIGHT', 'LEFT') do
  moved = moved + 1
end
return {moved, ''}
