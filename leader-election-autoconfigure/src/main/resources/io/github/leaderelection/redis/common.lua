-- common.lua: what acquire.lua and renew.lua share; RedisLeaseStore puts it in front of each of them.
-- Both take KEYS[1] lock, KEYS[2] fencing-token counter, KEYS[3] state hash, all of one role.

-- A lock that is missing this many milliseconds or less before the expiry the state records expired in time:
-- TIME and the expiry Redis applies to SET ... PX may differ by a millisecond or two.
local EXPIRY_TOLERANCE = 5

-- The fields of the state hash that describe the current holder; release.lua clears the same ones.
local HOLDER_FIELDS = { 'holder', 'expiresAt', 'instanceId', 'hostname', 'startedAt', 'acquiredAt',
  'lastRenewedAt', 'fencingToken' }

-- Redis's clock, in microseconds and in milliseconds.
local function clock()
  local time = redis.call('TIME')
  local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
  return micros, math.floor(micros / 1000)
end

local function field(info, name)
  return string.match(info, name .. ':([^\r\n]*)')
end

-- What identifies this server's data set: the run id changes at every restart, the replication id when a
-- replica is promoted. Also returns the second replication id and the text of INFO server.
local function stamp()
  local server = redis.call('INFO', 'server')
  local replication = redis.call('INFO', 'replication')
  return field(server, 'run_id') .. ' ' .. field(replication, 'master_replid'),
    field(replication, 'master_replid2'), server
end

-- Whether the role's data was written last by another server, or by this one before it was a replica.
local function moved(saved, current, replid2)
  if saved == current then
    return false
  end
  local savedRun = string.match(saved, '^(%S+) ')
  local run = string.match(current, '^(%S+) ')
  -- A master takes a new replication id, and clears the second one, when a first replica attaches while it
  -- has no backlog: same process, same data. A promotion keeps the old id as the second one instead.
  return savedRun ~= run or not string.match(replid2, '^0+$')
end

local function counter()
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end

-- After a sign of loss: tokens go on above the counter, Redis's clock in microseconds and every token the caller
-- has seen; the lock goes, and nobody is granted until a former leader's deadline has surely passed.
local function quarantine(reason, lease, seenToken, nowMicros, nowMillis, current)
  local token = math.max(counter(), nowMicros, seenToken)
  redis.call('SET', KEYS[2], string.format('%d', token))
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[3], unpack(HOLDER_FIELDS))
  redis.call('HSET', KEYS[3], 'server', current, 'quarantineUntil', string.format('%d', nowMillis + lease),
    'quarantineReason', reason)
  return token
end

-- Why the role's data may have been lost or rolled back since the caller last saw it, or nil: the state is gone
-- although the caller saw it, or was written by another server; the lock vanished before the expiry the state
-- records; the counter is below a token the caller has seen.
local function loss(lock, seenStamp, seenToken, nowMillis, current, replid2)
  if redis.call('EXISTS', KEYS[3]) == 0 then
    if seenStamp ~= '' then
      return 'data-gone'
    end
    if lock then
      return 'state-gone'
    end
    return nil
  end
  local saved = redis.call('HMGET', KEYS[3], 'server', 'holder', 'expiresAt')
  if not saved[1] or moved(saved[1], current, replid2) then
    return 'moved'
  end
  if not lock and saved[2] and tonumber(saved[3]) - nowMillis > EXPIRY_TOLERANCE then
    return 'lock-vanished'
  end
  if counter() < seenToken then
    return 'rolled-back'
  end
  return nil
end

