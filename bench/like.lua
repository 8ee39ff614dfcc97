-- wrk script: likeArticle from a new liker each request, over many articles.
-- oha sends one fixed body and header set, so the likes run under wrk.
dofile(os.getenv("BENCH_OUT") .. "/like_ids.lua")
dofile(os.getenv("BENCH_OUT") .. "/like_query.lua")
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end
function request()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = like_prefix .. id .. '"}}'
  local headers = {
    ["content-type"] = "application/json",
    ["x-client-id"] = "bench-liker-" .. thread_id .. "-" .. counter,
  }
  return wrk.format("POST", "/graphql", headers, body)
end
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"seconds":%f,"p50":%f,"p99":%f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(99) / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
