-- leader.lua: read who holds the lease, with what the holder wrote in the state.
-- KEYS[1]  lock, e.g. {leader-election:orders}:lock   KEYS[2]  state hash  {..}:state
-- Returns  {} when nobody holds the lease, else {lock value, field1, value1, field2, value2, ...}.
local holder = redis.call('GET', KEYS[1])
if not holder then
  return {}
end
local result = { holder }
for _, v in ipairs(redis.call('HGETALL', KEYS[2])) do
  result[#result + 1] = v
end
return result
