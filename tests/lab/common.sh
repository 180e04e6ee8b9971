# Shared by the Kea labs (tests/lab/lab.sh for Kea 2.2, tests/lab3/lab3.sh for
# Kea 3.0): messages, bounded waits, host-name checks and the PID check that
# decides whether a lab process is running. Sourced after the script has set
# PROG and parsed its host table into HOSTS, H_IDX and H_TOPO; LAB_DIR is the
# lab's directory.
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
