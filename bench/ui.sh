#!/usr/bin/env bash
# Dashboard figures for `make bench` (appended to bench/RESULTS.md):
#  - the time to render one frame with 1,000 relationships (build/bench-render);
#  - the CPU keaha uses while idle on a quiet lab: the dashboard in tmux on the
#    project's real Kea lab (lb hs bk), measured from /proc over BENCH_IDLE_SECONDS.
# Prints figures, asserts nothing. Loopback only; every process stopped by PID.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
RESULTS=$top/bench/RESULTS.md
IDLE=${BENCH_IDLE_SECONDS:-20}
export LAB_NET=${BENCH_LAB_NET:-5}
export LAB_DIR=${BENCH_LAB_DIR:-/tmp/keaha-bench-lab.$$}
TM="tmux -L keaha-bench-$$"

cleanup() {
	$TM kill-server 2>/dev/null
	"$top/tests/lab/lab.sh" stop >/dev/null 2>&1
	rm -rf "$LAB_DIR"
}
trap cleanup EXIT INT TERM

render=$("$top/$B/bench-render" 1000 200) || { echo "bench-render failed" >&2; exit 1; }

# CPU ticks (user + system) of a process, from /proc/PID/stat.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

"$top/tests/lab/lab.sh" start lb hs bk >/dev/null || { echo "lab did not start" >&2; exit 1; }
$TM new-session -d -s idle -x 160 -y 45 \
	"TERM=xterm-256color LANG=C.UTF-8 $top/keaha --no-state -c $LAB_DIR/keaha-primaries.conf"
sleep 5
pid=$($TM list-panes -t idle -F '#{pane_pid}')
hz=$(getconf CLK_TCK)
t0=$(ticks "$pid"); s0=$(date +%s.%N)
sleep "$IDLE"
t1=$(ticks "$pid"); s1=$(date +%s.%N)
interval=$(awk '/^poll-interval/ { print $3 }' "$LAB_DIR/keaha-primaries.conf")
idle=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" \
	'BEGIN { printf "%.2f", 100 * (b - a) / hz / (e - s) }')
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")

section=$(cat <<TXT

## Dashboard

\`\`\`
$render
\`\`\`

Idle on a quiet lab (7 servers, 5 relationships, poll interval ${interval:-?} s, 160x45 tmux):
**${idle} % of one core** over ${IDLE} s, peak RSS $((rss / 1024)) MB. The screen is painted
only when the model changed or once a second for the ages; a frame of 1,000 relationships
costs the time above (into memory; the terminal's own work is not counted).
TXT
)
echo "$section"
if [ -f "$RESULTS" ]; then
	# Replace an earlier dashboard section, keep the poller's.
	awk '/^## Dashboard$/ { exit } { print }' "$RESULTS" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$RESULTS.tmp"
	printf '%s\n' "$section" >>"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
fi
