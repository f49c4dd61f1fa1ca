-- release.lua: end the caller's lease and tell the followers. Runs after common.lua.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  fencing-token counter  {..}:token
-- KEYS[3]  state hash  {..}:state
-- ARGV[1]  caller's holder: instance id, a space, nonce
-- ARGV[2]  release channel, e.g. {leader-election:orders}:released
-- ARGV[3]  lease duration in milliseconds, 0 when unknown   ARGV[4]  highest fencing token the caller has seen
-- Returns  {1, '', 0} when released; {0, '', 0} when neither the lock nor the state names the caller;
--          {1, 'lock-vanished', 0} when released although the lock had vanished before it expired;
--          {1, reason, 1} after another sign of loss: the role is quarantined, as acquire.lua and renew.lua do.
-- The caller's lease ends when the lock holds its holder, or when the lock is gone but the state still names the
-- caller as holder: then the lock was deleted or evicted, and nobody was granted since (a grant, or a claim that
-- noticed the vanished lock, would have rewritten the holder), so the caller, who steps down, is the only one who
-- could have trusted the lost deadline. Followers learn of the release at once rather than at their next claim.
local nowMicros, nowMillis = clock()
local current, replid2 = stamp()
local lock = redis.call('GET', KEYS[1])
local recorded = redis.call('HMGET', KEYS[3], 'holder', 'expiresAt', 'lastRenewedAt')
if lock ~= ARGV[1] and (lock or recorded[1] ~= ARGV[1]) then
  return { 0, '', 0 }
end

local reason = loss(KEYS, lock, 'seen', tonumber(ARGV[4]), nowMillis, current, replid2)
if reason and reason ~= 'lock-vanished' then
  local lease = tonumber(ARGV[3])
  if lease <= 0 and recorded[2] and recorded[3] then
    lease = tonumber(recorded[2]) - tonumber(recorded[3])
  end
  quarantine(KEYS, reason, math.max(lease, 0), tonumber(ARGV[4]), nowMicros, nowMillis, current)
  redis.call('PUBLISH', ARGV[2], string.match(ARGV[1], '^(.*) %S+$'))
  return { 1, reason, 1 }
end
-- The state keeps its server stamp: a follower still notices a server that changed since the last grant.
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[3], unpack(HOLDER_FIELDS))
redis.call('PUBLISH', ARGV[2], string.match(ARGV[1], '^(.*) %S+$'))
return { 1, reason or '', 0 }
