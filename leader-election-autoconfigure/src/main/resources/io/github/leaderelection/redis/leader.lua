-- leader.lua: read who holds the lease, with the info the holder wrote.
-- KEYS[1]  lease key, e.g. {leader-election:orders}:lock;  KEYS[2]  leader info hash  {..}:info
-- Returns  {} when nobody holds the lease, else {holder, field1, value1, field2, value2, ...}.
local holder = redis.call('GET', KEYS[1])
if not holder then
  return {}
end
local result = { holder }
for _, v in ipairs(redis.call('HGETALL', KEYS[2])) do
  result[#result + 1] = v
end
return result
