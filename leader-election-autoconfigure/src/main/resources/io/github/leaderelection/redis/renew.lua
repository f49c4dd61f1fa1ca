-- renew.lua: extend the lease only while the caller still owns it.
-- KEYS[1]  lease key, e.g. {leader-election:orders}:lock;  KEYS[2]  leader info hash  {..}:info
-- ARGV[1]  caller's instance id;  ARGV[2]  lease duration in milliseconds
-- Returns  1 when extended, 0 when the key is gone or owned by another instance (never re-creates it).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local now = redis.call('TIME')
redis.call('HSET', KEYS[2], 'lastRenewedAt', string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
