#!lua flags=allow-oom
-- The deployment's watch: which worker blocks in BLMOVE on the queue. Java side: WatchScript.
-- KEYS: watcher (a string: the watching worker's name, or "offer:" and its name once it offers the
--       watch on; it expires unless renewed)
-- ARGV: worker: the caller's worker; leaseMillis: how long the watch stays the caller's from now;
--       action: "take" (take a free or offered watch, or renew one's own), "offer" (renew one's own
--       as an offer: it keeps watching until another worker takes it, so the watch moves round the
--       workers with no gap), "give" (give one's own up, at stop)
-- Returns 1 when the caller holds the watch now (taken, renewed or offered; also when the key holds
-- something that is not a string, so that a damaged key cannot stop every watcher), 0 otherwise.
-- allow-oom: at maxmemory the workers must go on draining.
local watcher = KEYS[1]
local worker, leaseMillis, action = ARGV[1], ARGV[2], ARGV[3]
local ok, holder = pcall(redis.call, 'GET', watcher)
if not ok then
  return 1
end
local offer = 'offer:' .. worker
if action == 'give' then
  if holder == worker or holder == offer then
    redis.call('DEL', watcher)
  end
  return 0
end
if holder == offer and action == 'take' then
  redis.call('PEXPIRE', watcher, leaseMillis)
  return 1
end
if holder and holder ~= worker and holder ~= offer and string.sub(holder, 1, 6) ~= 'offer:' then
  return 0
end
if action == 'offer' and (holder == worker or holder == offer) then
  redis.call('SET', watcher, offer, 'PX', leaseMillis)
else
  redis.call('SET', watcher, worker, 'PX', leaseMillis)
end
return 1
