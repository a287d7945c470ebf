-- wrk script for bench/ingress_bench.py: POSTs pre-signed Stripe webhooks in rotation.
-- Usage: wrk ... -s ingress_bench.lua <url> -- <requests.lua>
-- <requests.lua> returns { {signature_header, body}, ... } (written by ingress_bench.py).

local prepared = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  for i, item in ipairs(dofile(args[1])) do
    prepared[i] = wrk.format("POST", "/webhooks/stripe", {
      ["Content-Type"] = "application/json",
      ["Stripe-Signature"] = item[1],
    }, item[2])
  end
  position = (thread_index * 997) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
