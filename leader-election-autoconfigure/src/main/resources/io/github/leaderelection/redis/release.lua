-- release.lua: delete the lease only if the caller holds it, then tell the followers.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  state hash  {..}:state
-- ARGV[1]  caller's holder: instance id, a space, nonce   ARGV[2]  release channel, e.g. {leader-election:orders}:released
-- Returns  1 when released, 0 when the lock is gone or another holder's.
-- The state keeps its server stamp: a follower still notices a server that changed since the last grant.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'holder', 'expiresAt', 'instanceId', 'hostname', 'startedAt', 'acquiredAt',
  'lastRenewedAt', 'fencingToken')
redis.call('PUBLISH', ARGV[2], string.match(ARGV[1], '^(.*) %S+$'))
return 1
