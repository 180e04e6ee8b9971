# Shared by the Kea labs (tests/lab/lab.sh for Kea 2.2, tests/lab3/lab3.sh for
# Kea 3.0): messages, bounded waits, host-name checks, the PID check that
# decides whether a lab process is running, the lab number, and starting,
# stopping and restarting processes by PID. Sourced after the script has set
# PROG and parsed its host table into HOSTS, H_IDX and H_TOPO; LAB_DIR is the
# lab's directory. The second part is for their test runners
# (tests/lab/run-tests.sh, tests/lab3/run-tests.sh): results and jq helpers.
# shellcheck shell=bash

# Messages go to stderr so that commands printing data (url, hosts) stay clean.
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Wall clock in milliseconds, for bounded waits and timing reports.
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# Poll a command every 50 ms until it succeeds, at most SECONDS (by count and
# by wall clock). args: seconds command...
wait_until() {
	local secs=$1 i deadline
	shift
	deadline=$(($(now_ms) + secs * 1000))
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.05
	done
	"$@"
}

# Fail unless a name is in the host table.
known_host() {
	if [ -z "${1:-}" ] || [ -z "${H_IDX[$1]:-}" ]; then die "unknown host '${1:-}' (hosts: ${HOSTS[*]})"; fi
}

# The hosts of one topology, in table order.
topo_hosts() {
	local h out=()
	for h in "${HOSTS[@]}"; do [ "${H_TOPO[$h]}" = "$1" ] && out+=("$h"); done
	echo "${out[*]}"
}

# The hosts this lab was started with.
lab_hosts() { cut -f1 "$LAB_DIR/hosts.tsv"; }

# Is a host part of this lab?
check_host() {
	known_host "$1"
	lab_hosts | grep -qxF "$1" || die "$1 is not part of the lab in $LAB_DIR"
}

# The PID in a Kea pid file, if that process is alive, not a zombie, and was
# started with this config file: a stale pid file or a reused PID is never
# signalled. args: pidfile config-file
live_pid() {
	local pid state
	[ -r "$1" ] || return 1
	pid=$(tr -dc '0-9' <"$1")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
	[ "$state" != Z ] || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "$2" || return 1
	echo "$pid"
}

# The lab number into LAB_NET: the one stored by start (the variable VAR, if
# given, must agree), or with "new" (start) VAR, default DEFAULT.
# args: VAR DEFAULT [new]
lab_net_load() {
	local var=$1 def=$2 stored="" given=${!1:-}
	[ "${3:-}" != new ] && [ -r "$LAB_DIR/lab.net" ] && stored=$(cat "$LAB_DIR/lab.net")
	if [ -n "$stored" ] && [ -n "$given" ] && [ "$stored" != "$given" ]; then
		die "$var=$given but the lab in $LAB_DIR uses $stored"
	fi
	LAB_NET=${stored:-${given:-$def}}
	if ! [[ $LAB_NET =~ ^[0-9]+$ ]] || [ "$LAB_NET" -gt 255 ]; then die "$var must be 0..255"; fi
}

# ---------------------------------------------------------------- processes
# By PID only: each script defines proc_pid HOST PROC (the live PID, via
# live_pid), proc_pidfile HOST PROC, proc_bin PROC, host_dir HOST, host_procs
# HOST, host_services HOST, and launch HOST PROC, which starts the process
# detached, writes its launcher's PID to $(host_dir HOST)/PROC.launch.pid and
# adds HOST:PROC to LAUNCHED; LAUNCH_TIMEOUT and STOP_TIMEOUT are seconds.

proc_gone() { ! proc_pid "$1" "$2" >/dev/null; }
wait_gone() { wait_until 5 proc_gone "$1" "$2" || { say "$1 $2 still running"; return 1; }; }

# Wait (bounded) until every process in LAUNCHED wrote its pid file; a process
# that exited at start-up is reported with the tail of its output.
wait_launched() {
	local deadline=$(($(now_ms) + LAUNCH_TIMEOUT * 1000)) item host proc bin lpid failed=0 i
	local -a pending=()
	for ((i = 0; i < LAUNCH_TIMEOUT * 20; i++)); do
		pending=()
		for item in "${LAUNCHED[@]}"; do
			host=${item%%:*} proc=${item#*:}
			proc_pid "$host" "$proc" >/dev/null && continue
			lpid=$(cat "$(host_dir "$host")/$proc.launch.pid" 2>/dev/null || true)
			if [ -n "$lpid" ] && ! kill -0 "$lpid" 2>/dev/null; then
				bin=$(proc_bin "$proc")
				say "$host $proc exited at start-up:"
				tail -n 5 "$(host_dir "$host")/$bin.out" >&2 || true
				tail -n 5 "$(host_dir "$host")/$bin.log" >&2 2>/dev/null || true
				failed=1
				continue
			fi
			pending+=("$item")
		done
		[ ${#pending[@]} -eq 0 ] && break
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.05
	done
	for item in "${pending[@]+"${pending[@]}"}"; do
		say "$item did not write its pid file within ${LAUNCH_TIMEOUT}s"
		failed=1
	done
	LAUNCHED=()
	return $failed
}

# Stop processes (HOST:PROC, or HOST for all of its processes) by PID: SIGTERM
# (and SIGCONT, for a frozen one), STOP_TIMEOUT seconds, then SIGKILL; their
# pid files go, and each PID is waited for until it is reaped.
stop_items() {
	local item host proc pid i deadline
	local -a items=() alive=() still pids=()
	for item in "$@"; do
		if [[ $item == *:* ]]; then items+=("$item"); else for proc in $(host_procs "$item"); do items+=("$item:$proc"); done; fi
	done
	for item in "${items[@]+"${items[@]}"}"; do
		if pid=$(proc_pid "${item%%:*}" "${item#*:}"); then
			kill -TERM "$pid" 2>/dev/null || true
			kill -CONT "$pid" 2>/dev/null || true
			alive+=("$item") pids+=("$pid")
		fi
	done
	deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
	for ((i = 0; i < STOP_TIMEOUT * 20 && ${#alive[@]} > 0; i++)); do
		sleep 0.05
		still=()
		for item in "${alive[@]}"; do
			proc_pid "${item%%:*}" "${item#*:}" >/dev/null && still+=("$item")
		done
		alive=("${still[@]+"${still[@]}"}")
		[ "$(now_ms)" -lt "$deadline" ] || break
	done
	for item in "${alive[@]+"${alive[@]}"}"; do
		if pid=$(proc_pid "${item%%:*}" "${item#*:}"); then
			say "$item (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for item in "${items[@]+"${items[@]}"}"; do
		host=${item%%:*} proc=${item#*:}
		wait_gone "$host" "$proc"
		rm -f "$(proc_pidfile "$host" "$proc")"
	done
	for pid in "${pids[@]+"${pids[@]}"}"; do wait_until 5 test ! -e "/proc/$pid" || true; done
}

# Restart a host's DHCP daemons (the agent stays), e.g. with a new clock.
restart_dhcp() {
	local host=$1 s
	local -a items=()
	for s in $(host_services "$host"); do items+=("$host:$s"); done
	stop_items "${items[@]}"
	LAUNCHED=()
	for s in $(host_services "$host"); do launch "$host" "$s"; done
	wait_launched || die "$host: restart failed"
}

# ---------------------------------------------------------------- test runners
# For tests/lab/run-tests.sh and tests/lab3/run-tests.sh: they set pass=0
# fail=0 failed_names="", STATE (keaha's state directory) and define
# status [TIMEOUT], which runs keaha status --json into OUT and RC.

ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
nok()  { fail=$((fail + 1)); failed_names="$failed_names [$1]"; echo "FAIL - $1: $2"; }

expect() { # NAME ACTUAL WANTED
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2', want '$3'"; fi
}
expect_not() { # NAME ACTUAL UNWANTED
	if [ "$2" != "$3" ]; then ok "$1 ($2)"; else nok "$1" "got '$2'"; fi
}

# rel NAME FIELD, srv NAME FIELD: a field of one relationship or server in the last status.
rel() { jq -r --arg n "$1" ".relationships[] | select(.name == \$n) | $2" <<<"$OUT"; }
srv() { jq -r --arg n "$1" ".servers[] | select(.name == \$n) | $2" <<<"$OUT"; }

# Polls keaha (bounded) until relationship REL has status WANT.
wait_status() { # REL WANT SECONDS
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		status 4
		[ "$(rel "$1" .status)" = "$2" ] && return 0
		sleep 0.5
	done
	return 1
}

# No replication records, backups or event logs left from an earlier scenario.
# shellcheck disable=SC2153 # STATE is the runner's
fresh_replication() { mkdir -p "$STATE"; rm -rf "$STATE/replication" "$STATE/backups" "$STATE"/*.jsonl; }

# Waits (bounded) until the JSON-lines events FILE has an event of KIND going to TO.
wait_event() { # FILE KIND TO SECONDS
	local i
	for ((i = 0; i < $4 * 2; i++)); do
		[ -n "$(jq -r --arg k "$2" --arg t "$3" 'select(.kind == $k and .to == $t) | .to' "$1" 2>/dev/null)" ] && return 0
		sleep 0.5
	done
	return 1
}

# The last lines of a run: the failed names, "WHAT: N passed, N failed"; 1 on any failure.
tests_summary() { # WHAT
	[ -n "$failed_names" ] && echo "failed:$failed_names"
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
