#!lua flags=no-writes
-- Reads the jobs a claim whose reply was lost left in one consumer's in-flight list. Java side:
-- LostClaims. A payload longer than maxPayloadBytes is not returned: claim.lua's placeholder with
-- its length stands in (ClaimScript.oversizedLength), and the acknowledgement dead-letters it from
-- the list, so it never crosses the network.
-- KEYS: inflight
-- ARGV: maxPayloadBytes
local maxPayloadBytes, jobs = tonumber(ARGV[1]), {}
for i, job in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  jobs[i] = #job > maxPayloadBytes and '\0oversized ' .. #job or job
end
return jobs
