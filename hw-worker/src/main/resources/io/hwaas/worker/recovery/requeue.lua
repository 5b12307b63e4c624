#!lua flags=allow-oom
-- Returns the jobs of one in-flight list to the head of its queue if its owner is not alive:
-- the catch-all for lists no registration names (a worker declared dead while a blocked move
-- was still handing it a job, then killed before it could register again).
-- KEYS[1]: sorted set of workers (Redis ms); KEYS[2]: the in-flight list; KEYS[3]: its queue
-- ARGV[1]: dead-after (ms); ARGV[2]: the list's owner (worker name)
-- Returns the number of jobs requeued.
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if score and tonumber(score) > now - tonumber(ARGV[1]) then
  return 0
end
local moved = 0
while redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'LEFT') do
  moved = moved + 1
end
return moved
