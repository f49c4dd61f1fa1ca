-- acquire.lua: grant the lease to the caller if nobody holds it, with a fencing token and leader info, in one step.
-- KEYS[1]  lease key, e.g. {leader-election:orders}:lock      KEYS[2]  fencing token counter  {..}:token
-- KEYS[3]  leader info hash  {..}:info                          KEYS[4]  data epoch             {..}:epoch
-- KEYS[5]  quarantine marker {..}:quarantine
-- ARGV[1]  caller's instance id;  ARGV[2]  lease duration in milliseconds
-- ARGV[3]  epoch the caller saw last ('' if none);  ARGV[4]  caller's hostname;  ARGV[5]  caller's start, epoch ms
-- ARGV[6]  highest fencing token the caller has seen ('0' if none)
-- Returns  {1, token, epoch} when granted; {0, pttl of the holder's lease, epoch} when held by another instance;
--          {2, pttl of the quarantine, epoch} while no instance may be granted after a loss of data.
local lease = tonumber(ARGV[2])
local now = redis.call('TIME')
local nowMicros = tonumber(now[1]) * 1000000 + tonumber(now[2])

-- The epoch key never expires: when it is missing, this Redis lost its data (restart without persistence, a
-- failover to an empty replica, FLUSHALL) or the role was never elected here. A leader that still trusts its
-- local deadline may act until that deadline, so nobody is granted the lease until it has surely passed.
local epoch = redis.call('GET', KEYS[4])
if not epoch then
  epoch = string.format('%d', nowMicros)
  redis.call('SET', KEYS[4], epoch)
  local quarantine
  if ARGV[3] ~= '' then
    -- The caller saw an earlier epoch: data was lost while a leader may still be acting.
    quarantine = lease
  else
    -- First contact: only a server that started less than a lease ago can have lost a live lease.
    local info = redis.call('INFO', 'server')
    local uptime = tonumber(string.match(info, 'uptime_in_seconds:(%d+)')) or 0
    quarantine = lease - uptime * 1000
  end
  if quarantine > 0 then
    redis.call('SET', KEYS[5], epoch, 'PX', quarantine)
  end
end

local quarantined = redis.call('PTTL', KEYS[5])
if quarantined > 0 then
  return { 2, quarantined, epoch }
end

local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining < 0 then remaining = 0 end
  return { 0, remaining, epoch }
end

-- A lost counter restarts above every token granted before: from the server's clock in microseconds, or
-- above the highest token the caller has seen, whichever is larger.
if redis.call('EXISTS', KEYS[2]) == 0 then
  local seed = math.max(nowMicros, tonumber(ARGV[6]))
  redis.call('SET', KEYS[2], string.format('%d', seed))
end
local token = redis.call('INCR', KEYS[2])

local nowMillis = string.format('%d', math.floor(nowMicros / 1000))
redis.call('SET', KEYS[1], ARGV[1], 'PX', lease)
redis.call('HSET', KEYS[3], 'instanceId', ARGV[1], 'hostname', ARGV[4], 'startedAt', ARGV[5],
  'acquiredAt', nowMillis, 'lastRenewedAt', nowMillis, 'fencingToken', token)
redis.call('PEXPIRE', KEYS[3], lease)
return { 1, token, epoch }
