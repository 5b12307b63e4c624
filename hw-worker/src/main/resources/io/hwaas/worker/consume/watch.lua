#!lua flags=allow-oom
-- The deployment's watch: which worker blocks in BLMOVE on the queue. Java side: WatchScript.
-- KEYS: watcher (a string: the watching worker's name, expiring unless renewed)
-- ARGV: worker: the caller's worker; leaseMillis: how long the watch is the caller's from now,
--       or 0 to give it up (only if it is the caller's)
-- Returns 1 when the caller holds the watch (taken, renewed, or, when the key holds something
-- that is not a string, taken anyway so that a damaged key cannot stop every watcher), 0 when
-- another worker holds it (or when it was given up).
-- allow-oom: at maxmemory the workers must go on draining.
local watcher = KEYS[1]
local worker, leaseMillis = ARGV[1], tonumber(ARGV[2])
local ok, holder = pcall(redis.call, 'GET', watcher)
if not ok then
  return 1
end
if leaseMillis == 0 then
  if holder == worker then
    redis.call('DEL', watcher)
  end
  return 0
end
if holder and holder ~= worker then
  return 0
end
redis.call('SET', watcher, worker, 'PX', leaseMillis)
return 1
