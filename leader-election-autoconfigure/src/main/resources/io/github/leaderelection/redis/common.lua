-- common.lua: what acquire.lua, renew.lua, renew-all.lua and release.lua share; RedisLeaseStore puts it in front of
-- each of them. The keys of one role come as a table {lock, fencing-token counter, state hash}: KEYS itself for
-- acquire.lua, renew.lua and release.lua, three consecutive KEYS per role for renew-all.lua.

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

local function counter(keys)
  return tonumber(redis.call('GET', keys[2]) or '0')
end

-- After a sign of loss: tokens go on above the counter, Redis's clock in microseconds and every token the caller
-- has seen; the lock goes, and nobody is granted until a former leader's deadline has surely passed.
local function quarantine(keys, reason, lease, seenToken, nowMicros, nowMillis, current)
  local token = math.max(counter(keys), nowMicros, seenToken)
  redis.call('SET', keys[2], string.format('%d', token))
  redis.call('DEL', keys[1])
  redis.call('HDEL', keys[3], unpack(HOLDER_FIELDS))
  redis.call('HSET', keys[3], 'server', current, 'quarantineUntil', string.format('%d', nowMillis + lease),
    'quarantineReason', reason)
  return token
end

-- Why the role's data may have been lost or rolled back since the caller last saw it, or nil: the state is gone
-- although the caller saw it, or was written by another server; the lock vanished before the expiry the state
-- records; the counter is below a token the caller has seen.
local function loss(keys, lock, seenStamp, seenToken, nowMillis, current, replid2)
  if redis.call('EXISTS', keys[3]) == 0 then
    if seenStamp ~= '' then
      return 'data-gone'
    end
    if lock then
      return 'state-gone'
    end
    return nil
  end
  local saved = redis.call('HMGET', keys[3], 'server', 'holder', 'expiresAt')
  if not saved[1] or moved(saved[1], current, replid2) then
    return 'moved'
  end
  if not lock and saved[2] and tonumber(saved[3]) - nowMillis > EXPIRY_TOLERANCE then
    return 'lock-vanished'
  end
  if counter(keys) < seenToken then
    return 'rolled-back'
  end
  return nil
end

-- Extends the lease of one role only while the caller still holds it and the role's data shows no sign of loss:
-- renew.lua runs it for its role, renew-all.lua for each of its roles. nowMicros to replid2 as clock() and stamp()
-- return them. Returns 1, '' when extended; 0, '' when the lock is gone or another holder's (never re-creates it);
-- 0 and the reason after a sign of loss, which quarantines the role as acquire.lua does.
local function renewOne(keys, holder, lease, seenToken, nowMicros, nowMillis, current, replid2)
  local lock = redis.call('GET', keys[1])
  -- The caller has seen the state: it holds, or held, the lease.
  local reason = loss(keys, lock, 'seen', seenToken, nowMillis, current, replid2)
  if reason then
    quarantine(keys, reason, lease, seenToken, nowMicros, nowMillis, current)
    return 0, reason
  end
  if lock ~= holder then
    return 0, ''
  end
  redis.call('PEXPIRE', keys[1], lease)
  redis.call('HSET', keys[3], 'server', current, 'expiresAt', string.format('%d', nowMillis + lease),
    'lastRenewedAt', string.format('%d', nowMillis))
  return 1, ''
end
