local paths = {}
for d = 1, 30 do for x = 829, 831 do for y = 431, 433 do
  paths[#paths+1] = string.format("/tiles/all/1944-06-%02d/10/%d/%d.png", d, x, y)
end end end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
