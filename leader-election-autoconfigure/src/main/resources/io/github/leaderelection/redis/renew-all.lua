-- renew-all.lua: what renew.lua does, for each of several roles in one call. Runs after common.lua.
-- KEYS     per role, three keys as renew.lua takes them: lock, fencing-token counter, state hash; on Redis Cluster
--          the keys of every role in one call share a hash slot
-- ARGV     per role, three values as renew.lua takes them: holder, lease duration in milliseconds, highest fencing
--          token the caller has seen
-- Returns  per role, in the order given, the two elements renew.lua returns, in one flat array:
--          {status1, reason1, status2, reason2, ...}.
if #KEYS % 3 ~= 0 or #ARGV ~= #KEYS then
  return redis.error_reply('renew-all.lua takes three keys and three values per role, got ' .. #KEYS .. ' keys and '
    .. #ARGV .. ' values')
end
-- One clock and one stamp for all: the server cannot restart or fail over while a script runs.
local nowMicros, nowMillis = clock()
local current, replid2 = stamp()
local result = {}
for i = 1, #KEYS, 3 do
  local status, reason = renewOne({ KEYS[i], KEYS[i + 1], KEYS[i + 2] }, ARGV[i], tonumber(ARGV[i + 1]),
    tonumber(ARGV[i + 2]), nowMicros, nowMillis, current, replid2)
  result[#result + 1] = status
  result[#result + 1] = reason
end
return result
