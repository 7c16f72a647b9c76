#!/usr/bin/env bash
# Times `lakeops query` on a fresh sandbox: the wall time of each query, as a user waits for it.
# Usage: benches/sandbox_queries.sh [path/to/lakeops] [runs]
# The first query that reads a table writes the sandbox's lake (three days of raw JSON lines and
# curated Parquet) and is timed once, on its own; every other query is run `runs` times (default
# 5) and its median printed. The sandbox's clock starts at a fixed moment, so each run of this
# script queries the same data. Used to choose the release profile's opt-levels for the engine
# (docs/performance.md, Shipping).
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/lakeops/target}/release/lakeops}"
runs="${2:-5}"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" XDG_DATA_HOME="$home/data"
export LAKEOPS_SANDBOX_START="${LAKEOPS_SANDBOX_START:-2026-03-20T14:30:00Z}"

# One query: its wall seconds and the engine's milliseconds (`SUCCEEDED in N ms` on stderr);
# a failed query stops the script.
one() {
  local start end
  start=$(date +%s.%N)
  "$bin" query --format csv "$1" > /dev/null 2> "$home/err" || { cat "$home/err" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(sed -n 's/.*SUCCEEDED in \([0-9]*\) ms.*/\1/p' "$home/err")"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

report() {
  local name="$1" sql="$2" times
  times=$(for _ in $(seq "$runs"); do one "$sql"; done)
  printf '%-44s %6.3f s wall %6d ms engine\n' "$name" "$(cut -d' ' -f1 <<< "$times" | median)" \
    "$(cut -d' ' -f2 <<< "$times" | median)"
}

printf '%-44s wall and engine time, medians of %d runs\n' "query" "$runs"
read -r wall engine <<< "$(one 'SELECT count(*) FROM clickstream.raw_events')"
printf '%-44s %6.3f s wall %6d ms engine (one run)\n' "first query reading a table (writes the lake)" "$wall" "$engine"
report "SELECT 1" "SELECT 1"
report "count(*) over the raw zone (JSON)" "SELECT count(*) FROM clickstream.raw_events"
report "GROUP BY over the raw zone" \
  "SELECT event_type, count(*) AS n, count(DISTINCT user_id) AS users FROM clickstream.raw_events GROUP BY event_type ORDER BY n DESC"
report "GROUP BY over the curated zone (Parquet)" \
  "SELECT page_url, count(*) AS views FROM clickstream.events GROUP BY page_url ORDER BY views DESC LIMIT 20"
report "functions on every row (regexp, dates, json)" \
  "SELECT date_format(date_trunc('hour', event_time), '%H:%i') AS hour, regexp_extract(page_url, '/([a-z]+)', 1) AS section, count(*) AS n FROM clickstream.events GROUP BY 1, 2 ORDER BY 1, 2"
report "ORDER BY every row, first 100" \
  "SELECT * FROM clickstream.events ORDER BY event_time DESC, user_id LIMIT 100"
report "self-join on user" \
  "SELECT count(*) FROM (SELECT DISTINCT user_id FROM clickstream.events) a JOIN (SELECT DISTINCT user_id FROM clickstream.raw_events) b ON a.user_id = b.user_id"
