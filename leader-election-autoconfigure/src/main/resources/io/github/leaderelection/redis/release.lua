-- release.lua: delete the lease only if the caller owns it, then tell the followers.
-- KEYS[1]  lease key, e.g. {leader-election:orders}:lock;  KEYS[2]  leader info hash  {..}:info
-- ARGV[1]  caller's instance id;  ARGV[2]  release channel, e.g. {leader-election:orders}:released
-- Returns  1 when released, 0 when the key is gone or owned by another instance.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1
