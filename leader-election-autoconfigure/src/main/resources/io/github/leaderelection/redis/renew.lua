-- renew.lua: extend the lease only while the caller still holds it and the role's data shows no sign of loss.
-- Runs after common.lua.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  fencing-token counter  {..}:token
-- KEYS[3]  state hash  {..}:state
-- ARGV[1]  caller's holder: instance id, a space, nonce   ARGV[2]  lease duration in milliseconds
-- ARGV[3]  highest fencing token the caller has seen
-- Returns  {1, ''} when extended; {0, ''} when the lock is gone or another holder's (never re-creates it);
--          {0, reason} after a sign of loss, which quarantines the role as acquire.lua does.
local lease = tonumber(ARGV[2])
local nowMicros, nowMillis = clock()
local current, replid2 = stamp()
local lock = redis.call('GET', KEYS[1])

-- The caller has seen the state: it holds, or held, the lease.
local reason = loss(lock, 'seen', tonumber(ARGV[3]), nowMillis, current, replid2)
if reason then
  quarantine(reason, lease, tonumber(ARGV[3]), nowMicros, nowMillis, current)
  return { 0, reason }
end
if lock ~= ARGV[1] then
  return { 0, '' }
end
redis.call('PEXPIRE', KEYS[1], lease)
local now = string.format('%d', nowMillis)
redis.call('HSET', KEYS[3], 'server', current, 'expiresAt', string.format('%d', nowMillis + lease),
  'lastRenewedAt', now)
return { 1, '' }
