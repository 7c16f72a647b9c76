#!/usr/bin/env bash
# Measures an idle console: CPU averaged over a minute and resident memory, with live refresh.
# Usage: benches/idle.sh [path/to/lakeops] [seconds] [profile.toml]   (needs tmux)
# Without a profile file it opens the sandbox; with one (say, an AWS profile whose endpoint_url
# is a local moto server), that profile, with test credentials from the environment.
# What a fresh sandbox does in those seconds depends on the hour it starts at;
# LAKEOPS_SANDBOX_START, passed on, starts its clock at a chosen moment for repeatable numbers.
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/lakeops/target}/release/lakeops}"
seconds="${2:-60}"
profile_file="${3:-}"
home=$(mktemp -d)
profile_env=""
[ -n "${LAKEOPS_SANDBOX_START:-}" ] && profile_env="LAKEOPS_SANDBOX_START=$LAKEOPS_SANDBOX_START"
if [ -n "$profile_file" ]; then
  mkdir -p "$home/config/lakeops/profiles"
  cp "$profile_file" "$home/config/lakeops/profiles/"
  profile_env="$profile_env LAKEOPS_PROFILE=$(basename "$profile_file" .toml) AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} \
AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing} AWS_EC2_METADATA_DISABLED=true"
fi
# The binary is read from disk, as after a reboot: its pages leave the page cache first. A file
# just written (unpacked, copied, linked) sits there in large folios that a newer kernel maps 2 MiB
# at a time, and would count several megabytes of code more (docs/performance.md, Memory).
dd if="$bin" iflag=nocache count=0 status=none
session="lakeops-idle-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$home"' EXIT
tmux new-session -d -s "$session" -x 200 -y 50 \
  "XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state $profile_env exec $bin"
sleep 5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu)
sleep "$seconds"
after=$(cpu)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v b="$before" -v a="$after" -v t="$ticks" -v s="$seconds" -v r="$rss_kb" 'BEGIN {
  printf "idle CPU: %.2f %% of one core over %d s\nRSS: %.1f MB\n", (a - b) / t / s * 100, s, r / 1024
}'
