#!lua flags=no-writes
-- One page of a list of jobs for the audit, bounded in bytes as well as in count, so that junk
-- of any size cannot exhaust the audit's heap. Java side: Pending.
-- KEYS: list
-- ARGV: start; most (items); budget (bytes: the page ends with the item that passes it);
--       longest: a longer item comes back as an empty string, counted but never sent
-- Returns {more, items}: more is 0 when the list ended within the page.
local list = KEYS[1]
local at, most, budget, longest = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local items, bytes, want = {}, 0, 1
while #items < most do
  -- Read in chunks that start at one item and double while what they copy stays small, so Redis
  -- copies little more than the page holds, however large the items.
  want = math.min(want, most - #items)
  local chunk = redis.call('LRANGE', list, at, at + want - 1)
  local copied = 0
  for i = 1, #chunk do
    local item = chunk[i]
    copied = copied + #item
    if #item > longest then
      item = ''
    end
    items[#items + 1] = item
    bytes = bytes + #item
    if bytes > budget and i < #chunk then
      return {1, items}
    end
  end
  if #chunk < want then
    return {0, items}
  end
  if bytes > budget then
    return {1, items}
  end
  at = at + want
  want = copied < budget / 8 and math.min(100, want * 2) or 1
end
return {1, items}
