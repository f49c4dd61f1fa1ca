-- renew.lua: extend the lease only while the caller still holds it and the role's data shows no sign of loss.
-- Runs after common.lua, whose renewOne() does the work; renew-all.lua does the same for several roles.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  fencing-token counter  {..}:token
-- KEYS[3]  state hash  {..}:state
-- ARGV[1]  caller's holder: instance id, a space, nonce   ARGV[2]  lease duration in milliseconds
-- ARGV[3]  highest fencing token the caller has seen
-- Returns  {1, ''} when extended; {0, ''} when the lock is gone or another holder's (never re-creates it);
--          {0, reason} after a sign of loss, which quarantines the role as acquire.lua does.
local nowMicros, nowMillis = clock()
local current, replid2 = stamp()
local status, reason = renewOne(KEYS, ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), nowMicros, nowMillis, current,
  replid2)
return { status, reason }
