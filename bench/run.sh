#!/bin/bash
# bench/run.sh: keaha's poller against 10 .. 5,000 simulated Kea agents on loopback
# (make bench builds build/fakeagent and build/bench-poll, then runs this).
#
# Per point N and run: a fake agent with N endpoints on consecutive loopback
# addresses (BENCH_ADDR, default 127.20.0.1: clear of the lab's 127.0.0-9.x),
# bench-poll polling all of them every second for BENCH_SECONDS, the fake's
# status-get answers switched to partner-down (SIGUSR1) at mid-run. Prints a
# markdown table (min / median / max of BENCH_RUNS runs) and writes bench/RESULTS.md.
# Asserts nothing on time; exits non-zero only when a run could not be made.
#
#   BENCH_POINTS="10 100 1000 5000"  BENCH_SECONDS=20  BENCH_RUNS=3
#   BENCH_ADDR=127.20.0.1  BENCH_PORT=8000  BENCH_RESULTS=bench/RESULTS.md  B=build
#   BENCH_TRANSPORT_RUNS=1  runs per point of bench-poll --transport-only (keaha's transport
#                           alone, no poller/decode/model: the same-machine reference), 0: none
#   BENCH_REFERENCE_RUNS=1  runs per point of build/refpoll (bench/refpoll.c: the floor's minimal
#                           reference poller, no keaha code, one status-get per endpoint per second)
#   BENCH_POLL_ARGS=""      extra bench-poll options for every run
# Logs of the last run stay in $B/bench-logs.
set -u

cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
FAKE=$B/fakeagent
POLL=$B/bench-poll
POINTS=${BENCH_POINTS:-10 100 1000 5000}
SECS=${BENCH_SECONDS:-20}
RUNS=${BENCH_RUNS:-3}
ADDR=${BENCH_ADDR:-127.20.0.1}
PORT=${BENCH_PORT:-8000}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
POLL_ARGS=${BENCH_POLL_ARGS:-}
TRUNS=${BENCH_TRANSPORT_RUNS:-1}
RRUNS=${BENCH_REFERENCE_RUNS:-1}
REF=$B/refpoll
LOGS=$B/bench-logs
BODIES=$LOGS/bodies

die() { echo "bench: $*" >&2; exit 1; }

isint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
isint "$SECS" && [ "$SECS" -ge 4 ] && [ "$SECS" -le 600 ] || die "BENCH_SECONDS: 4 .. 600"
isint "$RUNS" && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || die "BENCH_RUNS: 1 .. 20"
isint "$TRUNS" && [ "$TRUNS" -le 20 ] || die "BENCH_TRANSPORT_RUNS: 0 .. 20"
isint "$RRUNS" && [ "$RRUNS" -le 20 ] || die "BENCH_REFERENCE_RUNS: 0 .. 20"
isint "$PORT" && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "BENCH_PORT: 1 .. 65535"
for n in $POINTS; do
	isint "$n" && [ "$n" -ge 2 ] && [ "$n" -le 20000 ] && [ $((n % 2)) -eq 0 ] ||
		die "BENCH_POINTS: even numbers 2 .. 20000 (endpoints are HA pairs)"
done

RAW=""
for d in "${KEAHA_FIXTURES:-}" ../shared/kea/fixtures /work/shared/kea/fixtures; do
	if [ -n "$d" ] && [ -f "$d/raw/status-get.dhcp4.lb-primary.normal.body" ]; then
		RAW=$d/raw
		break
	fi
done
[ -n "$RAW" ] || die "Kea fixtures not found (set KEAHA_FIXTURES)"
[ -x "$FAKE" ] && [ -x "$POLL" ] && [ -x "$REF" ] || die "$FAKE, $POLL or $REF missing: run make bench"

# Both processes need one descriptor per endpoint (the fake two): take the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fdlim=$(ulimit -n)

WARMUP=4
[ "$SECS" -lt 12 ] && WARMUP=$((SECS / 4))
HALF=$((SECS / 2))

rm -rf "$LOGS"
mkdir -p "$LOGS" "$BODIES" || die "cannot create $LOGS"

# The fake's bodies: templates of the lab's captured lb-primary / lb-secondary answers,
# its peers' names and URLs turned into placeholders the fake fills in per endpoint
# (fakeagent --ha-pairs: endpoint 2k is PREFIX-2k, primary of a load-balancing pair with
# 2k+1), so discovery maps every peer to a polled endpoint.
names_tmpl() {
	sed -e 's#lb-primary#@PRIMARY@#g' -e 's#lb-secondary#@SECONDARY@#g' "$RAW/$1" >"$BODIES/$1" &&
		grep -q '@PRIMARY@\|@SECONDARY@' "$BODIES/$1" || die "$RAW/$1: no peer name to template"
}
# config-get: the Dhcp4 map of lb-primary, its own name and files @SELF@, and a
# Control-agent map with a dhcp4 socket next to it (one body answers the probe, which
# sees an agent serving dhcp4, and config-get for dhcp4).
config_tmpl() {
	local agent='"Control-agent": { "control-sockets": { "dhcp4": { "socket-name": "/var/lib/kea/bench/kea4-ctrl.sock", "socket-type": "unix" } }, "hooks-libraries": [  ], "http-host": "127.0.0.1", "http-port": 8000 }, '
	sed -e 's#/hosts/lb-primary/#/hosts/@SELF@/#g' \
		-e 's#"this-server-name": "lb-primary"#"this-server-name": "@SELF@"#' \
		-e 's#http://127.0.0.11:8001/#@PRIMARY_URL@#g' -e 's#http://127.0.0.12:8002/#@SECONDARY_URL@#g' \
		-e 's#lb-primary#@PRIMARY@#g' -e 's#lb-secondary#@SECONDARY@#g' \
		-e "s#^\\[ { \"arguments\": { \"Dhcp4\": #[ { \"arguments\": { $agent\"Dhcp4\": #" \
		"$RAW/config-get.dhcp4.lb-primary.body" >"$BODIES/config.body"
	for k in '"this-server-name": "@SELF@"' '@PRIMARY_URL@' '@SECONDARY_URL@' '"Control-agent"'; do
		grep -qF "$k" "$BODIES/config.body" || die "config-get template: no $k"
	done
}
for f in status-get.dhcp4.lb-primary.normal status-get.dhcp4.lb-secondary.normal \
	status-get.dhcp4.lb-secondary.partner-down ha-heartbeat.dhcp4.lb-primary.normal \
	ha-heartbeat.dhcp4.lb-secondary.normal ha-heartbeat.dhcp4.lb-secondary.partner-down; do
	names_tmpl "$f.body"
done
config_tmpl
DATA=$LOGS/runs.txt
: >"$DATA"

fake=""
poll=""
cleanup() {
	for p in $poll $fake; do
		kill -TERM "$p" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# Waits up to $2 seconds for PID $1 to exit, then kills it; returns its status.
wait_pid() {
	local pid=$1 limit=$2 i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt $((limit * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "bench: pid $pid still running after ${limit}s, killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

# One point, one run: appends "n=N run=R <bench-poll figures> fake_...=" to $DATA.
# A third argument is passed to bench-poll (--transport-only), or --reference runs refpoll.
run_one() {
	local n=$1 r=$2 extra=${3:-} tag=$1.$2${3:+${3:2:1}} i=0 line fakeline rc prog=$POLL
	[ "$extra" = --reference ] && { prog=$REF; extra=""; }
	local fout=$LOGS/fake.$tag.out ferr=$LOGS/fake.$tag.err pout=$LOGS/poll.$tag.out perr=$LOGS/poll.$tag.err

	# The switch: every primary's DHCP server dies (its agent answers "offline"), every
	# secondary goes partner-down.
	"$FAKE" --addr-base "$ADDR" --port "$PORT" --count "$n" --ha-pairs bench \
		--config-body "$BODIES/config.body" \
		--status-body "$BODIES/status-get.dhcp4.lb-primary.normal.body" \
		--alt-status-body "$RAW/status-get.dhcp4.lb-primary.agent-up-service-killed.body" \
		--heartbeat-body "$BODIES/ha-heartbeat.dhcp4.lb-primary.normal.body" \
		--alt-heartbeat-body "$RAW/status-get.dhcp4.lb-primary.agent-up-service-killed.body" \
		--secondary-status-body "$BODIES/status-get.dhcp4.lb-secondary.normal.body" \
		--secondary-alt-status-body "$BODIES/status-get.dhcp4.lb-secondary.partner-down.body" \
		--secondary-heartbeat-body "$BODIES/ha-heartbeat.dhcp4.lb-secondary.normal.body" \
		--secondary-alt-heartbeat-body "$BODIES/ha-heartbeat.dhcp4.lb-secondary.partner-down.body" \
		--max-seconds $((SECS + 60)) >"$fout" 2>"$ferr" &
	fake=$!
	while ! grep -q '^ready' "$fout" 2>/dev/null; do
		if ! kill -0 "$fake" 2>/dev/null || [ "$i" -ge 300 ]; then
			echo "bench: fake agent for $n endpoints did not start:" >&2
			cat "$ferr" >&2
			wait_pid "$fake" 5
			fake=""
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done

	"$prog" --count "$n" --addr-base "$ADDR" --port "$PORT" --seconds "$SECS" \
		--warmup "$WARMUP" --switch-log "$ferr" $POLL_ARGS $extra >"$pout" 2>"$perr" &
	poll=$!
	sleep "$HALF"
	kill -USR1 "$fake" 2>/dev/null
	wait_pid "$poll" $((SECS + 60))
	rc=$?
	poll=""
	kill -TERM "$fake" 2>/dev/null
	wait_pid "$fake" 20
	fake=""

	line=$(grep '^bench-poll ' "$pout" | tail -n 1)
	fakeline=$(grep -o 'requests=[0-9]* answered=[0-9]* connections=[0-9]* cpu_user_s=[0-9.]* cpu_sys_s=[0-9.]* maxrss_kb=[0-9]*' "$ferr" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$line" ] || [ -z "$fakeline" ]; then
		echo "bench: run $r at $n endpoints failed (bench-poll status $rc); logs in $LOGS" >&2
		cat "$perr" >&2
		return 1
	fi
	echo "n=$n run=$r ${line#bench-poll } $(echo "$fakeline" | sed 's/\([a-z_]*=\)/fake_\1/g')" >>"$DATA"
}

# The fixed memory: the same program polling nothing.
base_kb=""
for r in 1 2 3; do
	"$POLL" --count 0 --seconds 1 --warmup 0 >"$LOGS/poll.0.$r.out" 2>"$LOGS/poll.0.$r.err" &
	poll=$!
	wait_pid "$poll" 30
	poll=""
	kb=$(grep -o 'maxrss_kb=[0-9]*' "$LOGS/poll.0.$r.out" | cut -d= -f2)
	[ -n "$kb" ] || die "bench-poll --count 0 failed: $(cat "$LOGS/poll.0.$r.err")"
	base_kb="$base_kb $kb"
done
base_kb=$(printf '%s\n' $base_kb | sort -n | sed -n 2p)
base_heap_kb=$(grep -o 'heap_used_kb=[0-9]*' "$LOGS/poll.0.1.out" | cut -d= -f2)
ref_base_kb=0
if [ "$RRUNS" -gt 0 ]; then
	"$REF" --count 0 --seconds 1 --warmup 0 >"$LOGS/ref.0.out" 2>"$LOGS/ref.0.err" || die "refpoll --count 0 failed"
	ref_base_kb=$(grep -o 'maxrss_kb=[0-9]*' "$LOGS/ref.0.out" | cut -d= -f2)
fi
versions=$(grep -o 'libcurl=[^ ]* libuv=[^ ]* cjson=[^ ]*' "$LOGS/poll.0.1.out" | head -n 1)
sizeof_server=$(grep -o 'sizeof_server=[0-9]*' "$LOGS/poll.0.1.out" | cut -d= -f2)

echo "bench: points: $POINTS; $RUNS runs of ${SECS}s each (warm-up ${WARMUP}s, switch at ${HALF}s);" \
	"open files $fdlim; fixed RSS ${base_kb} KB" >&2
failed=0
for n in $POINTS; do
	for r in $(seq 1 "$RUNS"); do
		echo "bench: $n endpoints, run $r/$RUNS" >&2
		run_one "$n" "$r" || failed=$((failed + 1))
	done
	for r in $(seq 1 "$TRUNS"); do
		echo "bench: $n endpoints, transport only, run $r/$TRUNS" >&2
		run_one "$n" "$r" --transport-only || failed=$((failed + 1))
	done
	for r in $(seq 1 "$RRUNS"); do
		echo "bench: $n endpoints, reference poller, run $r/$RRUNS" >&2
		run_one "$n" "$r" --reference || failed=$((failed + 1))
	done
done
[ -s "$DATA" ] || die "no run completed"

started=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
summary=$LOGS/summary.md

# Figures per run -> min / median / max per point, the table and the comparison.
awk -v base_kb="$base_kb" -v base_heap_kb="$base_heap_kb" -v ref_base_kb="$ref_base_kb" -v secs="$SECS" -v runs="$RUNS" -v sizeof_server="$sizeof_server" '
function kv(   i, p) {
	delete f
	for (i = 1; i <= NF; i++) {
		p = index($i, "=")
		if (p) f[substr($i, 1, p - 1)] = substr($i, p + 1)
	}
}
function add(n, key, v) { cnt[n, key]++; val[n, key, cnt[n, key]] = v + 0 }
function sortv(n, key,   i, j, t, k) {
	k = cnt[n, key]
	for (i = 1; i <= k; i++) s[i] = val[n, key, i]
	for (i = 2; i <= k; i++) {
		t = s[i]
		for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]
		s[j + 1] = t
	}
	return k
}
function vmin(n, key) { sortv(n, key); return s[1] }
function vmax(n, key,   k) { k = sortv(n, key); return s[k] }
function med(n, key,   k) {
	k = sortv(n, key)
	if (k == 0) return ""
	return k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
}
function cell(n, key, fmt,   k) {
	if (cnt[n, key] == 0) return "n/a"
	if (cnt[n, key] == 1) return sprintf(fmt, val[n, key, 1])
	return sprintf(fmt " / " fmt " / " fmt, vmin(n, key), med(n, key), vmax(n, key))
}
function grp(x,   s1, neg) {  # 5000 -> 5,000
	s1 = sprintf("%d", x)
	while (s1 ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s1)
	return s1
}
{
	kv()
	n = f["n"] + 0
	if (f["mode"] == "transport-only") {
		t = "t" n
		cpu = f["steady_cpu_user_s"] + f["steady_cpu_sys_s"]
		add(t, "us", f["steady_requests"] > 0 ? cpu / f["steady_requests"] * 1e6 : 0)
		add(t, "user", f["steady_requests"] > 0 ? f["steady_cpu_user_s"] / f["steady_requests"] * 1e6 : 0)
		add(t, "pct", cpu / f["steady_seconds"] * 100)
		add(t, "fpct", (f["fake_cpu_user_s"] + f["fake_cpu_sys_s"]) / f["seconds"] * 100)
		next
	}
	if (f["mode"] == "reference") {
		t = "r" n
		cpu = f["steady_cpu_user_s"] + f["steady_cpu_sys_s"]
		add(t, "us", f["steady_requests"] > 0 ? cpu / f["steady_requests"] * 1e6 : 0)
		add(t, "pct", cpu / f["steady_seconds"] * 100)
		add(t, "rss", f["maxrss_kb"] / 1024)
		add(t, "kbep", (f["maxrss_kb"] - ref_base_kb) / n)
		add(t, "rps", f["steady_requests"] / f["steady_seconds"] / n)
		next
	}
	if (!(n in seenp)) { seenp[n] = 1; pts[++np] = n }
	add(n, "uus", f["steady_requests"] > 0 ? f["steady_cpu_user_s"] / f["steady_requests"] * 1e6 : 0)
	cpu = f["steady_cpu_user_s"] + f["steady_cpu_sys_s"]
	add(n, "us", f["steady_requests"] > 0 ? cpu / f["steady_requests"] * 1e6 : 0)
	add(n, "user", cpu > 0 ? f["steady_cpu_user_s"] / cpu * 100 : 0)
	add(n, "pct", cpu / f["steady_seconds"] * 100)
	add(n, "rss", f["maxrss_kb"] / 1024)
	add(n, "kbep", (f["maxrss_kb"] - base_kb) / n)
	fcpu = f["fake_cpu_user_s"] + f["fake_cpu_sys_s"]
	add(n, "fpct", fcpu / f["seconds"] * 100)
	add(n, "fus", f["fake_requests"] > 0 ? fcpu / f["fake_requests"] * 1e6 : 0)
	add(n, "runus", f["run_requests"] > 0 ? (f["run_cpu_user_s"] + f["run_cpu_sys_s"]) / f["run_requests"] * 1e6 : 0)
	add(n, "rps", f["steady_requests"] / f["steady_seconds"] / n)
	add(n, "setup", f["setup_cpu_s"])
	add(n, "fail", f["run_failures"])
	add(n, "rels", f["rels"])
	add(n, "rok", f["warm_rels"] > 0 ? f["warm_rels_ok"] / f["warm_rels"] * 100 : 0)
	add(n, "seen", f["rels"] > 0 ? f["rels_switched"] / f["rels"] * 100 : 0)
	add(n, "heap", f["heap_used_kb"] > 0 ? (f["heap_used_kb"] - base_heap_kb) / n : 0)
	if (f["delay_median_ms"] != "na") {
		add(n, "dmed", f["delay_median_ms"])
		add(n, "dp99", f["delay_p99_ms"])
	}
}
END {
	FLOOR_US = 37; FLOOR_KB = 12.7; LIM = 1.3
	print "| endpoints | µs CPU / request | CPU % of one core | peak RSS MB | KB / endpoint | fake agent CPU % | detection median ms | detection p99 ms |"
	print "|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= np; i++) {
		n = pts[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", grp(n), cell(n, "us", "%.1f"),
			cell(n, "pct", "%.2f"), cell(n, "rss", "%.1f"), cell(n, "kbep", "%.1f"),
			cell(n, "fpct", "%.2f"), cell(n, "dmed", "%.0f"), cell(n, "dp99", "%.0f")
	}
	print ""
	printf "Cells are min / median / max of %d runs of %d s. CPU figures are bench-poll'"'"'s own\n", runs, secs
	print "(getrusage), over the steady part of each run (after the warm-up: status-get every round,"
	print "ha-heartbeat every 5 s, verdicts, drift and events after replies as the dashboard does);"
	print "KB / endpoint is (peak RSS - " base_kb " KB of the same program polling nothing) / endpoints;"
	print "the endpoints are load-balancing pairs (N/2 relationships discovered from their HA"
	print "configurations); detection is from the fake'"'"'s logged switch (every primary'"'"'s DHCP server"
	print "offline, every secondary partner-down) to each relationship'"'"'s verdict change."
	print ""
	print "Medians of the other figures:"
	print ""
	print "| endpoints | relationships | OK after the warm-up % | showed the switch % | requests / endpoint / s | user share % | µs / request, whole run | set-up CPU s | fake µs / request | failed requests | heap in use KB / endpoint |"
	print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= np; i++) {
		n = pts[i]
		printf "| %s | %d | %.1f | %.1f | %.2f | %.0f | %.1f | %.3f | %.1f | %d | %.1f |\n", grp(n), med(n, "rels"),
			med(n, "rok"), med(n, "seen"), med(n, "rps"), med(n, "user"), med(n, "runus"), med(n, "setup"),
			med(n, "fus"), med(n, "fail"), med(n, "heap")
	}
	print ""
	print "\"Whole run\" includes the first rounds (config-get probe, config-get dhcp4 and the"
	print "discovery after it, per server); \"set-up\" is building the configuration and the model"
	print "before the loop starts; \"heap in use\" is malloc'"'"'s live memory at the end (mallinfo2,"
	print "minus the program polling nothing): what keaha and libcurl hold, without the peak'"'"'s slack."
	if (cnt["t" pts[1], "us"] > 0) {
		print ""
		print "Same machine, keaha'"'"'s transport alone (bench-poll --transport-only: per server a timer,"
		print "status-get then ha-heartbeat through src/transport.c, each reply parsed with cJSON and"
		print "dropped; no poller, decode or model), medians; the difference is what the poller,"
		print "decode and model add:"
		print ""
		print "| endpoints | transport only µs / request (user) | keaha µs / request (user) | poller + decode + model µs / request | transport only CPU % | fake agent CPU % |"
		print "|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= np; i++) {
			n = pts[i]; t = "t" n
			if (cnt[t, "us"] == 0) continue
			printf "| %s | %.1f (%.1f) | %.1f (%.1f) | %+.1f | %.2f | %.2f |\n", grp(n), med(t, "us"), med(t, "user"),
				med(n, "us"), med(n, "uus"), med(n, "us") - med(t, "us"), med(t, "pct"), med(t, "fpct")
		}
	}
	if (cnt["r" pts[1], "us"] > 0) {
		print ""
		print "Same run, the reference poller (bench/refpoll.c: the design of shared/PERF-NOTES.md'"'"'s floor,"
		print "no keaha code: one status-get per endpoint per second, kept-alive handles, multis of 128,"
		print "1 KB buffers, staggered), medians; keaha / reference is what keaha costs over the floor"
		print "measured here and now:"
		print ""
		print "| endpoints | reference µs / request | keaha / reference | reference KB / endpoint | keaha / reference | reference CPU % | reference RSS MB |"
		print "|---:|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= np; i++) {
			n = pts[i]; t = "r" n
			if (cnt[t, "us"] == 0) continue
			printf "| %s | %.1f | %.2fx | %.1f | %.2fx | %.2f | %.1f |\n", grp(n), med(t, "us"), med(n, "us") / med(t, "us"),
				med(t, "kbep"), (med(t, "kbep") > 0 ? med(n, "kbep") / med(t, "kbep") : 0), med(t, "pct"), med(t, "rss")
		}
	}
	print ""
	print "## Against the floor"
	print ""
	printf "Floor (shared/PERF-NOTES.md): ~%d µs CPU per request and ~%.1f KB per endpoint; the\n", FLOOR_US, FLOOR_KB
	printf "aim is within %.1fx of it (%.1f µs, %.1f KB).\n", LIM, FLOOR_US * LIM, FLOOR_KB * LIM
	print ""
	over_us = ""; over_kb = ""
	for (i = 1; i <= np; i++) {
		n = pts[i]
		u = med(n, "us"); k = med(n, "kbep")
		line = sprintf("- %s endpoints: %.1f µs per request (%.2fx the floor), %.1f KB per endpoint (%.2fx)",
			grp(n), u, u / FLOOR_US, k, k / FLOOR_KB)
		flags = ""
		if (u > FLOOR_US * LIM) flags = flags " CPU per request is OVER 1.3x;"
		if (k > FLOOR_KB * LIM) flags = flags " memory per endpoint is OVER 1.3x;"
		if (flags == "") flags = " within 1.3x on both."
		print line ":" flags
	}
	print ""
	if ((1000 in seenp)) {
		p = med(1000, "pct"); r = med(1000, "rss")
		printf "1,000 endpoints at 1 s: %.2f %% of one core (aim < 5 %%: %s) and %.1f MB peak RSS (aim < 25 MB: %s).\n",
			p, p < 5 ? "met" : "NOT met", r, r < 25 ? "met" : "NOT met"
		printf "keaha sends %.2f requests per server per second (status-get, and ha-heartbeat every 5 s) where the\n", med(1000, "rps")
		print "floor'"'"'s reference poller sent one status-get, so at exactly the floor'"'"'s cost per request"
		printf "1,000 peers would take %.1f %% of one core: the 5 %% aim assumes one request per peer.\n",
			FLOOR_US * med(1000, "rps") * 1000 / 1e4
	}
	for (i = 1; i <= np; i++) {
		n = pts[i]; t = "r" n
		if (cnt[t, "us"] == 0 || med(t, "kbep") <= 0)
			continue
		u = med(n, "us") / med(t, "us"); k = med(n, "kbep") / med(t, "kbep")
		printf "Against the reference poller of the same run at %s endpoints: %.2fx its CPU per request (%s), %.2fx its KB per endpoint (%s).\n",
			grp(n), u, u <= LIM ? "within 1.3x" : "OVER 1.3x", k, k <= LIM ? "within 1.3x" : "OVER 1.3x"
	}
	if ((100 in seenp) && (5000 in seenp)) {
		a = med(100, "us"); b = med(5000, "us")
		printf "Cost per request from 100 to 5,000 endpoints: %.1f -> %.1f µs (%.2fx): %s.\n", a, b, b / a,
			b / a <= 1.3 ? "it does not grow with the number of endpoints" : "it GROWS with the number of endpoints"
	}
	for (i = 1; i <= np; i++) {
		n = pts[i]
		# Expected per server and second: one status-get plus a heartbeat every 5 s, which the
		# primaries, down after the switch, no longer get: 1.1 to 1.2.
		if (med(n, "rps") < 0.95 * 1.1)
			printf "At %s endpoints a server'"'"'s round came every %.2f s or more instead of 1 s: the poller re-arms a server'"'"'s timer when its round ends, and with the loop that busy a round takes that long; the detection p99 grows accordingly.\n",
				grp(n), 1.1 / med(n, "rps")
	}
	for (i = 1; i <= np; i++) {
		n = pts[i]; t = "t" n
		if (cnt[t, "us"] > 0 && med(t, "us") > FLOOR_US * LIM) tover = tover (tover == "" ? "" : ", ") grp(n)
	}
	if (tover != "")
		printf "On this machine keaha'"'"'s transport alone is already over %.1fx the floor at %s endpoints (table above).\n", LIM, tover
	if (sizeof_server > 0)
		printf "The model holds %.1f KB per server (sizeof(struct server) = %d bytes), zeroed and so resident.\n",
			sizeof_server / 1024, sizeof_server
}' "$DATA" >"$summary" || die "summary failed"

{
	echo "# keaha poller benchmark (make bench)"
	echo
	echo "- date: $started"
	echo "- machine: $(nproc) CPUs ($cpu_model), $(uname -sr)"
	echo "- $versions; open files limit $fdlim"
	echo "- $RUNS runs of ${SECS} s per point, interval 1 s, timeout 3 s, warm-up ${WARMUP} s,"
	echo "  status switch (SIGUSR1 to the fake) at ${HALF} s; fake agent on $ADDR.. port $PORT,"
	echo "  as load-balancing pairs (fakeagent --ha-pairs: the lab's captured lb-primary / lb-secondary answers per endpoint)"
	[ -n "$POLL_ARGS" ] && echo "- bench-poll options: $POLL_ARGS"
	[ "$failed" -gt 0 ] && echo "- **$failed run(s) failed** and are missing from the table (see $LOGS)"
	echo
	cat "$summary"
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"

echo
cat "$summary"
echo
echo "bench: written to $RESULTS (logs in $LOGS)" >&2
[ "$failed" -eq 0 ]
