#!/usr/bin/env bash
# Times `lakeops status --json` over N Kinesis streams and N Glue jobs on a local moto server,
# against benches/snapshot_awscli.sh making the same reads with the AWS CLI v1, for each N given.
# Each N gets a moto of its own (the profile discovers every stream the server holds), started and
# stopped here on a free 127.0.0.1 port. Prints, per N: the calls each side made, counted by API
# on the server, then the wall time of each (min / median / max) and their ratio.
#
# Usage: benches/snapshot.sh [path/to/lakeops] [runs] [N ...]
#   defaults: $CARGO_TARGET_DIR/release/lakeops (or target/release/lakeops), 5 runs, N = 50 500
#   CLI_RUNS: runs of the AWS CLI script (default: runs); it takes minutes at N = 500.
# Needs python3 with venv, and PyPI on first use: moto and awscli 1.x, each in the virtualenv
# tests/support/venv.py makes with its pins (the tests' moto virtualenv is the same one).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
bin=${1:-$target/release/lakeops}
runs=${2:-5}
shift $(($# < 2 ? $# : 2))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 500)
cli_runs=${CLI_RUNS:-$runs}
[ -x "$bin" ] || { echo "no lakeops binary at $bin: cargo build --release, or pass its path" >&2; exit 2; }
moto_venv=$(python3 "$repo/tests/support/venv.py" moto "$target/tmp")
cli_venv=$(python3 "$repo/tests/support/venv.py" awscli "$target/tmp")
export AWS_CLI=$cli_venv/bin/aws

work=$(mktemp -d)
moto_pid=
stop_moto() { if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; moto_pid=; fi; }
trap 'stop_moto; rm -rf "$work"' EXIT

now() { date +%s.%N; }
# Runs "$@" quietly with the access key $key (to tell each side's requests apart on the server).
timed() {
  local key=$1 start
  shift
  start=$(now)
  AWS_ACCESS_KEY_ID=$key "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 1; }
  awk -v end="$(now)" -v start="$start" 'BEGIN { printf "%.3f\n", end - start }'
}

echo "lakeops: $bin"
echo "aws cli: $("$AWS_CLI" --version 2>&1)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  # A server of this size's own.
  coproc MOTO { exec "$moto_venv/bin/python" "$repo/tests/support/moto_front.py" 0 2>/dev/null; }
  # shellcheck disable=SC2153 # MOTO_PID is set by coproc
  moto_pid=$MOTO_PID
  read -r _ready port <&"${MOTO[0]}"
  endpoint=http://127.0.0.1:$port
  prefix=bench$n
  profile=$(AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    "$moto_venv/bin/python" "$repo/benches/snapshot_setup.py" "$endpoint" "$n" "$prefix" "$work")
  export XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state AWS_SECRET_ACCESS_KEY=testing
  unset AWS_PROFILE
  lakeops=("$bin" --profile "$profile" status --json)
  cli=(bash "$repo/benches/snapshot_awscli.sh" "$endpoint" "$prefix")

  # One run of each, counted: both sides must make the same calls.
  AWS_ACCESS_KEY_ID=countlakeops "${lakeops[@]}" >"$work/status.json"
  timed countcli "${cli[@]}" >/dev/null
  curl -s "$endpoint/_lakeops/requests" >"$work/requests.json"
  "$moto_venv/bin/python" - "$work/requests.json" "$work/status.json" "$n" <<'EOF'
import collections, json, sys
requests = json.load(open(sys.argv[1]))
count = lambda key: collections.Counter(r["operation"] for r in requests if r["access_key"] == key)
lakeops, cli = count("countlakeops"), count("countcli")
print(f"\nN = {sys.argv[3]}: calls per API (lakeops | aws cli)")
for api in sorted(set(lakeops) | set(cli)):
    print(f"  {api:<28}{lakeops[api]:>6} |{cli[api]:>6}")
print(f"  {'total':<28}{sum(lakeops.values()):>6} |{sum(cli.values()):>6}")
status = json.load(open(sys.argv[2]))
kinesis = next(l for l in status["layers"] if l["layer"] == "kinesis")
shards = next(n for n in kinesis["numbers"] if n["label"] == "shards")
print(f"  status judged {shards['text']} shards: {kinesis['reason']}")
EOF

  # A warm-up each, then the runs, alternating.
  timed warm "${lakeops[@]}" >/dev/null
  : >"$work/lakeops.times"
  : >"$work/cli.times"
  for ((i = 0; i < runs || i < cli_runs; i++)); do
    [ "$i" -lt "$runs" ] && timed "run$i" "${lakeops[@]}" >>"$work/lakeops.times"
    [ "$i" -lt "$cli_runs" ] && timed "cli$i" "${cli[@]}" >>"$work/cli.times"
  done
  "$moto_venv/bin/python" - "$work/lakeops.times" "$work/cli.times" <<'EOF'
import statistics, sys
lakeops, cli = ([float(l) for l in open(p)] for p in sys.argv[1:3])
line = lambda name, t: f"  {name:<10}{min(t):8.2f} s {statistics.median(t):8.2f} s {max(t):8.2f} s  ({len(t)} runs)"
print(f"  {'wall':<10}{'min':>10} {'median':>10} {'max':>10}")
print(line("lakeops", lakeops))
print(line("aws cli", cli))
print(f"  aws cli / lakeops, medians: {statistics.median(cli) / statistics.median(lakeops):.1f}x")
EOF
  echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  stop_moto
done
