-- acquire.lua: grant the lease to the caller unless another holder has it, the role's data may have been lost or
-- rolled back, or the server may evict any key. Runs after common.lua.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  fencing-token counter  {..}:token
-- KEYS[3]  state hash  {..}:state
-- ARGV[1]  caller's holder: instance id, a space, nonce   ARGV[2]  lease duration in milliseconds
-- ARGV[3]  server stamp the caller saw last ('' if none)  ARGV[4]  highest fencing token the caller has seen
-- ARGV[5]  caller's hostname   ARGV[6]  caller's start, epoch ms
-- ARGV[7]  '1' to quarantine a role met for the first time on a server that is new, was flushed or promoted, '0' not to
-- Returns  {status, value, counter, stamp, reason, detail}:
--          1 granted: value is the token;  0 held by another instance: value is the ms its lease has left,
--          reason is the holder's instance id;
--          3 held under the caller's instance id with another nonce (a duplicate id): value as for 0;
--          2 quarantined: value is the ms left, reason says why, detail is the server's uptime in seconds;
--          4 misconfigured: reason is the eviction policy, detail is maxmemory; nothing is read or written.
--          counter is the token counter, stamp the server stamp ('' for 4).
local lease = tonumber(ARGV[2])
local seenToken = tonumber(ARGV[4])

-- An allkeys-* policy may evict the keys without a TTL, the counter and the state, and with them every trace of
-- a lease: refuse rather than grant what could vanish unnoticed.
local memory = redis.call('INFO', 'memory')
local policy = field(memory, 'maxmemory_policy')
local maxmemory = tonumber(field(memory, 'maxmemory'))
if maxmemory > 0 and string.sub(policy, 1, 8) == 'allkeys-' then
  return { 4, 0, 0, '', policy, maxmemory }
end

local nowMicros, nowMillis = clock()
local current, replid2, serverInfo = stamp()
local uptime = tonumber(field(serverInfo, 'uptime_in_seconds'))
local lock = redis.call('GET', KEYS[1])

local reason = loss(KEYS, lock, ARGV[3], seenToken, nowMillis, current, replid2)
if reason then
  local token = quarantine(KEYS, reason, lease, seenToken, nowMicros, nowMillis, current)
  return { 2, lease, token, current, reason, uptime }
end

if redis.call('EXISTS', KEYS[3]) == 0 then
  -- First contact with the role on this server. A lease can only have been lost unnoticed if the server started
  -- less than a lease ago, was flushed since it started, or was a replica promoted since it started: one that
  -- never received the role's keys, when the master's last writes did not reach it.
  local wait, why = 0, nil
  if ARGV[7] == '1' then
    local stats = redis.call('INFO', 'commandstats')
    local flushes = tonumber(string.match(stats, 'cmdstat_flushall:calls=(%d+)') or '0')
      + tonumber(string.match(stats, 'cmdstat_flushdb:calls=(%d+)') or '0')
    if flushes > 0 then
      wait, why = lease, 'flushed'
    elseif not string.match(replid2, '^0+$') then
      wait, why = lease, 'promoted'
    elseif uptime * 1000 < lease then
      wait, why = lease - uptime * 1000, 'new-server'
    end
  end
  redis.call('HSET', KEYS[3], 'server', current)
  if wait > 0 then
    redis.call('HSET', KEYS[3], 'quarantineUntil', string.format('%d', nowMillis + wait), 'quarantineReason', why)
    return { 2, wait, counter(KEYS), current, why, uptime }
  end
elseif redis.call('HGET', KEYS[3], 'server') ~= current then
  -- A new replication id of the same data set (see moved()): keep the stamp current.
  redis.call('HSET', KEYS[3], 'server', current)
end

local pending = redis.call('HMGET', KEYS[3], 'quarantineUntil', 'quarantineReason')
if pending[1] and tonumber(pending[1]) > nowMillis then
  return { 2, tonumber(pending[1]) - nowMillis, counter(KEYS), current, pending[2], uptime }
end

if lock and lock ~= ARGV[1] then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining < 0 then
    remaining = 0
  end
  local holder = string.match(lock, '^(.*) %S+$')
  if holder == string.match(ARGV[1], '^(.*) %S+$') then
    return { 3, remaining, counter(KEYS), current, '', 0 }
  end
  return { 0, remaining, counter(KEYS), current, holder or lock, 0 }
end

-- A missing counter starts above Redis's clock in microseconds and above every token the caller has seen.
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], string.format('%d', math.max(nowMicros, seenToken)))
end
local token = redis.call('INCR', KEYS[2])
local now = string.format('%d', nowMillis)
redis.call('SET', KEYS[1], ARGV[1], 'PX', lease)
redis.call('HSET', KEYS[3], 'server', current, 'holder', ARGV[1], 'expiresAt', string.format('%d', nowMillis + lease),
  'instanceId', string.match(ARGV[1], '^(.*) %S+$'), 'hostname', ARGV[5], 'startedAt', ARGV[6],
  'acquiredAt', now, 'lastRenewedAt', now, 'fencingToken', string.format('%d', token))
redis.call('HDEL', KEYS[3], 'quarantineUntil', 'quarantineReason')
return { 1, token, token, current, '', 0 }
