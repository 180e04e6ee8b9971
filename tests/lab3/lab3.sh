#!/usr/bin/env bash
# keaha's Kea 3.0 lab on loopback: real Kea 3.0.x kea-dhcp4 servers (Debian
# sid packages, in a debootstrap chroot built once and cached) reached
# DIRECTLY over their own HTTP control sockets (no Control Agent), in High
# Availability relationships; one 127.0.N.x address and one 0750 directory
# per simulated host. Run `tests/lab3/lab3.sh help`; see tests/lab3/README.md
# and ../shared/kea/kea3/README.md (how Kea 3.0 behaves).
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/keaha-lab3}
LAB_DIR=${LAB_DIR%/}
[[ $LAB_DIR == /* ]] || LAB_DIR=$PWD/$LAB_DIR
PROG=${0##*/}
# shellcheck source=tests/lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lab/common.sh"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

# The chroot (built once, reused while complete) and what goes into it.
KEA3_ROOT=${KEA3_ROOT:-/var/cache/keaha/kea3-chroot}
KEA3_ROOT=${KEA3_ROOT%/}
KEA3_SUITE=${KEA3_SUITE:-sid}
KEA3_PACKAGES=kea-dhcp4-server,kea-dhcp6-server,kea-ctrl-agent,curl,libfaketime
# Paths INSIDE the chroot: the only hooks directory Kea 3 accepts, libfaketime.
HOOKS_DIR=/usr/lib/x86_64-linux-gnu/kea/hooks
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1

# HA timings of every relationship (ms).
HEARTBEAT_DELAY=1000
MAX_RESPONSE_DELAY=4000
MAX_ACK_DELAY=2000
MAX_UNACKED_CLIENTS=0

# Bounds of the wait loops (seconds).
START_TIMEOUT=${LAB_START_TIMEOUT:-30}
LAUNCH_TIMEOUT=10
STOP_TIMEOUT=10
CURL_TIMEOUT=2
BUILD_TIMEOUT=${KEA3_BUILD_TIMEOUT:-900}

# Hosts: name, index, topology, role. Address 127.0.N.(30+index), control
# port 8100+index (kea-dhcp4's own HTTP socket), HA listener 8200+index (the
# hub's second relationship: 8300+index).
HOST_TABLE="
lb-primary    1 lb    primary
lb-secondary  2 lb    secondary
hs-primary    3 hs    primary
hs-standby    4 hs    standby
hub           5 hub   primary
spoke1        6 hub   standby
spoke2        7 hub   standby
plain-a       8 plain none
plain-b       9 plain none
"
TOPOLOGIES="lb hs hub plain"

HOSTS=()
declare -A H_IDX H_TOPO H_ROLE
while read -r _n _i _t _r; do
	[ -n "$_n" ] || continue
	HOSTS+=("$_n") H_IDX[$_n]=$_i H_TOPO[$_n]=$_t H_ROLE[$_n]=$_r
done <<<"$HOST_TABLE"

topo_num() { case $1 in lb) echo 1 ;; hs) echo 2 ;; hub) echo 3 ;; plain) echo 5 ;; *) die "unknown topology '$1' (topologies: $TOPOLOGIES)" ;; esac; }
topo_mode() { case $1 in lb) echo load-balancing ;; hs | hub) echo hot-standby ;; *) echo "" ;; esac; }
normal_state() { [ "${H_ROLE[$1]}" = none ] && echo no-ha || topo_mode "${H_TOPO[$1]}"; }

host_addr() { echo "127.0.$LAB_NET.$((30 + H_IDX[$1]))"; }
host_port() { echo $((8100 + H_IDX[$1])); }
host_url() { echo "http://$(host_addr "$1"):$(host_port "$1")/"; }
ha_port() { echo $((8200 + H_IDX[$1])); }
# The host's directory as seen inside the chroot, and from outside.
host_cdir() { echo "/srv/keaha-lab3-$LAB_NET/hosts/$1"; }
host_dir() { echo "$KEA3_ROOT$(host_cdir "$1")"; }
# DHCP ports (-p server, -P client): unique on 127.0.0.1 across labs; 46000+
# lies above every port of tests/lab/lab.sh (20000 + 255*100 + 99 < 46000).
dhcp_port() { local c=0; [ "$2" = client ] && c=1; echo $((46000 + LAB_NET * 20 + H_IDX[$1] * 2 + c)); }

conf_in() { echo "$(host_cdir "$1")/kea-dhcp4.conf"; }
pidfile() { echo "$(host_dir "$1")/kea-dhcp4.kea-dhcp4.pid"; }

# ---------------------------------------------------------------- the chroot

chroot_complete() {
	[ -f "$KEA3_ROOT/.keaha-complete" ] && [ -x "$KEA3_ROOT/usr/sbin/kea-dhcp4" ] &&
		[ -e "$KEA3_ROOT$HOOKS_DIR/libdhcp_ha.so" ] && [ -e "$KEA3_ROOT$FAKETIME_LIB" ] &&
		[ -x "$KEA3_ROOT/usr/bin/curl" ]
}

# The Debian archive apt already uses (deb822 or one-line sources).
debian_mirror() {
	local u
	u=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
		grep -v -- '-security' | grep -m1 '/debian/*$' || true)
	[ -n "$u" ] || u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' |
		grep -v -- '-security' | grep -m1 '/debian/*$' || true)
	echo "${u:-http://deb.debian.org/debian}"
}

# build: debootstrap the chroot once (root; ~1 min, ~355 MB), into a
# temporary directory renamed when complete.
cmd_build() {
	local t0 tmp mirror
	if chroot_complete; then say "chroot $KEA3_ROOT is complete ($(chroot "$KEA3_ROOT" kea-dhcp4 -v))"; return 0; fi
	[ "$(id -u)" = 0 ] || die "building the Kea 3 chroot needs root"
	command -v debootstrap >/dev/null || sh "$REPO_DIR/scripts/deps.sh" kea3 || die "scripts/deps.sh kea3 failed"
	mirror=$(debian_mirror)
	tmp=$KEA3_ROOT.tmp
	rm -rf "$tmp"
	mkdir -p "$(dirname "$KEA3_ROOT")"
	t0=$(now_ms)
	say "building $KEA3_ROOT: debootstrap $KEA3_SUITE from $mirror (log $tmp.log)"
	timeout "$BUILD_TIMEOUT" debootstrap --variant=minbase --include="$KEA3_PACKAGES" \
		"$KEA3_SUITE" "$tmp" "$mirror" >"$tmp.log" 2>&1 || { tail -n 20 "$tmp.log" >&2; die "debootstrap failed"; }
	# Keep the packages' scripts from starting services if apt runs inside later.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d" && chmod 755 "$tmp/usr/sbin/policy-rc.d"
	rm -rf "$KEA3_ROOT"
	mv "$tmp" "$KEA3_ROOT"
	touch "$KEA3_ROOT/.keaha-complete"
	chroot_complete || die "chroot built but incomplete (see $tmp.log)"
	say "chroot built in $(($(now_ms) - t0)) ms: $(chroot "$KEA3_ROOT" kea-dhcp4 -v), $(du -sh "$KEA3_ROOT" | cut -f1)"
}

# ---------------------------------------------------------------- processes

# PID of a running (or frozen) host daemon, trusted only if alive, not a
# zombie, and running this host's config file.
proc_pid() { live_pid "$(pidfile "$1")" "$(conf_in "$1")"; }
proc_gone() { ! proc_pid "$1" >/dev/null; }

# Start a host's kea-dhcp4 in the chroot, detached, with the path variables
# of Kea 3's security rules all pointing at the host's directory; under the
# chroot's libfaketime when the host has a recorded skew. chroot and env
# exec, so the launcher's PID is the daemon's.
launch() {
	local h=$1 d cd skew
	local -a fake=()
	d=$(host_dir "$h") cd=$(host_cdir "$h")
	[ -f "$d/kea-dhcp4.conf" ] || die "$h: no config: run '$PROG start' first"
	if proc_pid "$h" >/dev/null; then say "$h already running"; return 0; fi
	rm -f "$(pidfile "$h")"
	skew=$(cat "$d/skew" 2>/dev/null || true)
	[ -z "$skew" ] || fake=(LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$skew" FAKETIME_DONT_FAKE_MONOTONIC=1)
	# shellcheck disable=SC2016
	setsid -f sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$d/launch.pid" \
		env KEA_CONTROL_SOCKET_DIR="$cd" KEA_DHCP_DATA_DIR="$cd" KEA_LOG_FILE_DIR="$cd" \
		KEA_PIDFILE_DIR="$cd" KEA_LOCKFILE_DIR="$cd" \
		chroot "$KEA3_ROOT" /usr/bin/env "${fake[@]+"${fake[@]}"}" \
		kea-dhcp4 -c "$(conf_in "$h")" -p "$(dhcp_port "$h" server)" -P "$(dhcp_port "$h" client)" \
		>>"$d/kea-dhcp4.out" 2>&1 </dev/null
	LAUNCHED+=("$h")
}

wait_launched() {
	local deadline=$(($(now_ms) + LAUNCH_TIMEOUT * 1000)) h lpid failed=0 i
	local -a pending=()
	for ((i = 0; i < LAUNCH_TIMEOUT * 20; i++)); do
		pending=()
		for h in "${LAUNCHED[@]}"; do
			proc_pid "$h" >/dev/null && continue
			lpid=$(cat "$(host_dir "$h")/launch.pid" 2>/dev/null || true)
			if [ -n "$lpid" ] && ! kill -0 "$lpid" 2>/dev/null; then
				say "$h kea-dhcp4 exited at start-up:"
				tail -n 5 "$(host_dir "$h")/kea-dhcp4.out" >&2 || true
				tail -n 5 "$(host_dir "$h")/kea-dhcp4.log" >&2 2>/dev/null || true
				failed=1
				continue
			fi
			pending+=("$h")
		done
		[ ${#pending[@]} -eq 0 ] && break
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.05
	done
	for h in "${pending[@]+"${pending[@]}"}"; do say "$h did not write its pid file within ${LAUNCH_TIMEOUT}s"; failed=1; done
	LAUNCHED=()
	return $failed
}

# Stop hosts' daemons: SIGTERM (+SIGCONT), bounded wait, then SIGKILL; then
# wait until the PIDs left the process table (bounded).
stop_hosts() {
	local h pid i deadline
	local -a alive=() still pids=()
	for h in "$@"; do
		if pid=$(proc_pid "$h"); then
			kill -TERM "$pid" 2>/dev/null || true
			kill -CONT "$pid" 2>/dev/null || true
			alive+=("$h") pids+=("$pid")
		fi
	done
	deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
	for ((i = 0; i < STOP_TIMEOUT * 20 && ${#alive[@]} > 0; i++)); do
		sleep 0.05
		still=()
		for h in "${alive[@]}"; do proc_pid "$h" >/dev/null && still+=("$h"); done
		alive=("${still[@]+"${still[@]}"}")
		[ "$(now_ms)" -lt "$deadline" ] || break
	done
	for h in "${alive[@]+"${alive[@]}"}"; do
		if pid=$(proc_pid "$h"); then say "$h (pid $pid) ignored SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
	done
	for h in "$@"; do wait_until 5 proc_gone "$h" || say "$h still running"; rm -f "$(pidfile "$h")"; done
	for pid in "${pids[@]+"${pids[@]}"}"; do wait_until 5 test ! -e "/proc/$pid" || true; done
}

# ---------------------------------------------------------------- talking to Kea

# POST a command to a host's own control socket. args: host command [args-json]
kea_cmd() {
	local body="{\"command\": \"$2\""
	[ -n "${3:-}" ] && body+=", \"arguments\": $3"
	curl -sS --max-time "$CURL_TIMEOUT" -X POST -H 'Content-Type: application/json' -d "$body}" "$(host_url "$1")"
}

# The local HA state of each relationship of a host, one per line (config
# order), "no-ha" without the hook, "error" on a result != 0, "down" if the
# daemon did not answer. With REL (index or a server-name of the
# relationship, local or remote): that relationship only.
ha_states() {
	local out
	if out=$(kea_cmd "$1" status-get 2>/dev/null) &&
		jq -r --arg rel "${2:-}" '.[0] | if .result != 0 then "error"
			elif .arguments["high-availability"] == null then "no-ha"
			else .arguments["high-availability"] | to_entries[]
			  | select($rel == "" or ($rel | tostring) == (.key | tostring)
			           or .value["ha-servers"].local["server-name"] == $rel
			           or .value["ha-servers"].remote["server-name"] == $rel)
			  | .value["ha-servers"].local.state end' <<<"$out" 2>/dev/null; then
		return 0
	fi
	echo down
}

# ---------------------------------------------------------------- configuration

# The kea-dhcp4 configuration of one host. args: host
dhcp_config() {
	local h=$1 t mode ha="[]" subnets
	t=$(topo_num "${H_TOPO[$h]}") mode=$(topo_mode "${H_TOPO[$h]}")
	rel() { # this-name peers-json -> one high-availability entry
		jq -nc --arg me "$1" --arg mode "$mode" --argjson peers "$2" \
			--argjson hb $HEARTBEAT_DELAY --argjson mr $MAX_RESPONSE_DELAY --argjson ma $MAX_ACK_DELAY --argjson mu $MAX_UNACKED_CLIENTS \
			'{"this-server-name": $me, mode: $mode, "heartbeat-delay": $hb, "max-response-delay": $mr,
			  "max-ack-delay": $ma, "max-unacked-clients": $mu, "sync-timeout": 15000, peers: $peers}'
	}
	peer() { jq -nc --arg n "$1" --arg u "$2" --arg r "$3" '{name: $n, url: $u, role: $r, "auto-failover": true}'; }
	local a s1 s2
	a=$(host_addr hub)
	s1="http://$(host_addr spoke1):$(ha_port spoke1)/" s2="http://$(host_addr spoke2):$(ha_port spoke2)/"
	case ${H_TOPO[$h]}/$h in
	lb/* | hs/*)
		local p s
		p=$(topo_hosts "${H_TOPO[$h]}")
		read -r p s <<<"$p"
		ha="[$(rel "$h" "[$(peer "$p" "http://$(host_addr "$p"):$(ha_port "$p")/" primary),$(peer "$s" "http://$(host_addr "$s"):$(ha_port "$s")/" "${H_ROLE[$s]}")]")]"
		;;
	hub/hub)
		ha="[$(rel hub-1 "[$(peer hub-1 "http://$a:$(ha_port hub)/" primary),$(peer spoke1 "$s1" standby)]"),$(rel hub-2 "[$(peer hub-2 "http://$a:$((8300 + H_IDX[hub]))/" primary),$(peer spoke2 "$s2" standby)]")]"
		;;
	hub/spoke1) ha="[$(rel spoke1 "[$(peer hub-1 "http://$a:$(ha_port hub)/" primary),$(peer spoke1 "$s1" standby)]")]" ;;
	hub/spoke2) ha="[$(rel spoke2 "[$(peer hub-2 "http://$a:$((8300 + H_IDX[hub]))/" primary),$(peer spoke2 "$s2" standby)]")]" ;;
	esac
	# Subnets: 10.4T.0.0/16 per relationship; relayed from 127.0.0.1 (the
	# hub's second relationship: relayed from 127.0.0.2).
	sub() { # id net relay [ha-server-name] [lb-primary lb-secondary]
		jq -nc --argjson id "$1" --arg net "$2" --arg relay "$3" --arg hsn "${4:-}" --arg c1 "${5:-}" --arg c2 "${6:-}" '
			{id: $id, subnet: "10.\($net).0.0/16", relay: {"ip-addresses": [$relay]},
			 pools: (if $c1 != "" then [{pool: "10.\($net).1.10-10.\($net).1.250", "client-classes": ["HA_" + $c1]},
			                             {pool: "10.\($net).2.10-10.\($net).2.250", "client-classes": ["HA_" + $c2]}]
			         else [{pool: "10.\($net).1.10-10.\($net).2.250"}] end)}
			+ (if $hsn != "" then {"user-context": {"ha-server-name": $hsn}} else {} end)'
	}
	case $h in
	lb-*) subnets="[$(sub 1 41 127.0.0.1 "" lb-primary lb-secondary)]" ;;
	hs-*) subnets="[$(sub 2 42 127.0.0.1)]" ;;
	hub) subnets="[$(sub 3 43 127.0.0.1 hub-1),$(sub 4 44 127.0.0.2 hub-2)]" ;;
	spoke1) subnets="[$(sub 3 43 127.0.0.1)]" ;;
	spoke2) subnets="[$(sub 4 44 127.0.0.2)]" ;;
	*) subnets="[$(sub $((5 + H_IDX[$h])) $((40 + 5 + H_IDX[$h])) 127.0.0.1)]" ;;
	esac
	jq -n --arg dir "$(host_cdir "$h")" --arg addr "$(host_addr "$h")" --argjson port "$(host_port "$h")" \
		--arg hooks "$HOOKS_DIR" --argjson ha "$ha" --argjson subnets "$subnets" '
	{Dhcp4: {
	  "control-sockets": [{"socket-type": "http", "socket-address": $addr, "socket-port": $port}],
	  "interfaces-config": {interfaces: ["lo"], "dhcp-socket-type": "udp"},
	  "lease-database": {type: "memfile", name: ($dir + "/kea-leases4.csv"), "lfc-interval": 0},
	  "valid-lifetime": 3600,
	  "hooks-libraries": (if ($ha | length) == 0 then [] else [
	      {library: ($hooks + "/libdhcp_lease_cmds.so")},
	      {library: ($hooks + "/libdhcp_ha.so"), parameters: {"high-availability": $ha}}] end),
	  subnet4: $subnets,
	  loggers: [{name: "kea-dhcp4", severity: "WARN", debuglevel: 0,
	             "output-options": [{output: ($dir + "/kea-dhcp4.log"), flush: true}]}]}}'
}

# keaha configuration: one [server] per host, by its control URL, direct.
write_keaha_conf() {
	local file=$1 h
	shift
	{
		echo "# keaha configuration for the Kea 3.0 lab in $LAB_DIR (written by tests/lab3/lab3.sh)"
		echo "[keaha]"
		echo "poll-interval = 1"
		echo "request-timeout = 2"
		for h in "$@"; do printf '\n[server %s]\nurl = %s\ntransport = direct\n' "$h" "$(host_url "$h")"; done
	} >"$file"
}

write_lab_files() {
	local h primaries=()
	for h in "$@"; do case ${H_ROLE[$h]} in primary | none) primaries+=("$h") ;; esac; done
	write_keaha_conf "$LAB_DIR/keaha.conf" "$@"
	write_keaha_conf "$LAB_DIR/keaha-primaries.conf" "${primaries[@]}"
	# keaha manages a discovered peer through the [server] of the same name:
	# every host by its HA peer name, so the secondaries and spokes (whose
	# peer URLs are HA-only listeners) are managed through their control URLs.
	# The hub is named per relationship (hub-1, hub-2: two entries, one URL).
	write_keaha_conf "$LAB_DIR/keaha-managed.conf" "$@"
	sed -i 's/^\[server hub\]$/[server hub-1]/' "$LAB_DIR/keaha-managed.conf"
	if [[ " $* " == *" hub "* ]]; then
		printf '\n[server hub-2]\nurl = %s\ntransport = direct\n' "$(host_url hub)" >>"$LAB_DIR/keaha-managed.conf"
	fi
	for h in "$@"; do
		printf '%s\t%s\t%s\t%s\t%s\n' "$h" "$(host_addr "$h")" "$(host_port "$h")" "$(dhcp_port "$h" server)" "$(host_dir "$h")"
	done >"$LAB_DIR/hosts.tsv"
	echo "$LAB_NET" >"$LAB_DIR/lab.net"
}

# ---------------------------------------------------------------- lab state

load_net() {
	local stored=""
	[ "${1:-}" != new ] && [ -r "$LAB_DIR/lab.net" ] && stored=$(cat "$LAB_DIR/lab.net")
	if [ -n "$stored" ] && [ -n "${LAB3_NET:-}" ] && [ "$stored" != "$LAB3_NET" ]; then
		die "LAB3_NET=$LAB3_NET but the lab in $LAB_DIR uses $stored"
	fi
	LAB_NET=${stored:-${LAB3_NET:-4}}
	if ! [[ $LAB_NET =~ ^[0-9]+$ ]] || [ "$LAB_NET" -gt 255 ]; then die "LAB3_NET must be 0..255"; fi
}
running_hosts() {
	local h
	[ -r "$LAB_DIR/hosts.tsv" ] || return 0
	for h in $(lab_hosts); do proc_pid "$h" >/dev/null && echo "$h"; done
	return 0
}

check_ports_free() {
	local h listening busy=()
	command -v ss >/dev/null || return 0
	listening=" $(ss -Hlntu | awk '{ print $1 "/" $5 }' | tr '\n' ' ') "
	for h in "$@"; do
		[[ $listening == *" tcp/$(host_addr "$h"):$(host_port "$h") "* ]] && busy+=("tcp $(host_addr "$h"):$(host_port "$h")")
		[[ $listening =~ \ udp/[^\ ]*:$(dhcp_port "$h" server)\  ]] && busy+=("udp $(dhcp_port "$h" server)")
	done
	[ ${#busy[@]} -eq 0 ] || die "ports in use (another lab with LAB3_NET=$LAB_NET?): ${busy[*]}"
}

# Wait (bounded) until every relationship of every host is in its normal state.
wait_normal() {
	local deadline=$(($(now_ms) + START_TIMEOUT * 1000)) h want s i
	local -a pending
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		pending=()
		for h in "$@"; do
			want=$(normal_state "$h")
			for s in $(ha_states "$h"); do [ "$s" = "$want" ] || pending+=("$h:$s(want $want)"); done
		done
		[ ${#pending[@]} -eq 0 ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.1
	done
	say "not in their normal state after ${START_TIMEOUT}s: ${pending[*]}"
	return 1
}

# ---------------------------------------------------------------- commands

cmd_start() {
	local t0 topo h
	local -a topos=("$@") hosts=() more
	t0=$(now_ms)
	[ ${#topos[@]} -gt 0 ] || read -r -a topos <<<"$TOPOLOGIES"
	for topo in "${topos[@]}"; do
		topo_num "$topo" >/dev/null
		read -r -a more <<<"$(topo_hosts "$topo")"
		hosts+=("${more[@]}")
	done
	command -v jq >/dev/null && command -v curl >/dev/null || die "jq and curl are needed (scripts/deps.sh check)"
	cmd_build
	mkdir -p "$LAB_DIR"
	if [ -r "$LAB_DIR/lab.net" ]; then
		load_net
		[ -z "$(running_hosts)" ] || die "a lab is already running in $LAB_DIR: $(running_hosts | tr '\n' ' ')(run '$PROG stop' first)"
	fi
	load_net new
	check_ports_free "${hosts[@]}"
	for h in "${hosts[@]}"; do
		rm -rf "$(host_dir "$h")"
		mkdir -p "$(host_dir "$h")"
		chmod 0750 "$(host_dir "$h")"
		dhcp_config "$h" >"$(host_dir "$h")/kea-dhcp4.conf"
	done
	ln -sfn "$KEA3_ROOT/srv/keaha-lab3-$LAB_NET/hosts" "$LAB_DIR/hosts"
	write_lab_files "${hosts[@]}"
	say "starting ${hosts[*]} on 127.0.$LAB_NET.x (dirs in $KEA3_ROOT/srv/keaha-lab3-$LAB_NET)"
	LAUNCHED=()
	for h in "${hosts[@]}"; do launch "$h"; done
	wait_launched || { cmd_stop; die "start failed (processes stopped, logs kept in $LAB_DIR/hosts)"; }
	say "processes up after $(($(now_ms) - t0)) ms; waiting for normal HA states (max ${START_TIMEOUT}s)"
	wait_normal "${hosts[@]}" || die "lab started but not healthy (left running): '$PROG status', logs in $LAB_DIR/hosts, '$PROG stop'"
	say "lab ready in $(($(now_ms) - t0)) ms"
	cmd_hosts
}

cmd_stop() {
	local -a hs
	[ -r "$LAB_DIR/hosts.tsv" ] || { say "no lab in $LAB_DIR"; return 0; }
	load_net
	mapfile -t hs < <(running_hosts)
	if [ ${#hs[@]} -eq 0 ]; then say "nothing running in $LAB_DIR"; else say "stopping ${hs[*]}"; stop_hosts "${hs[@]}"; fi
	[ -z "$(running_hosts)" ] || die "some processes survived: $(running_hosts | tr '\n' ' ')"
	say "lab in $LAB_DIR stopped (logs kept)"
}

cmd_status() {
	local h pid st skew
	for h in $(lab_hosts); do
		if pid=$(proc_pid "$h"); then
			st="running (pid $pid)"
			[ "$(awk '{ print $3 }' "/proc/$pid/stat")" = T ] && st="frozen  (pid $pid)"
		else st=stopped; fi
		skew=$(cat "$(host_dir "$h")/skew" 2>/dev/null || true)
		printf '%-13s %-27s %-22s ha: %s%s\n' "$h" "$(host_url "$h")" "$st" "$(ha_states "$h" | paste -sd, -)" "${skew:+  (clock $skew)}"
	done
}

cmd_hosts() { cat "$LAB_DIR/hosts.tsv"; }

cmd_signal() {
	local sig=$1 h=${2:-} pid
	check_host "$h"
	if pid=$(proc_pid "$h"); then kill "-$sig" "$pid"; say "$h (pid $pid): SIG$sig"; else say "$h: not running"; fi
	[ "$sig" != KILL ] || wait_until 5 proc_gone "$h" || die "$h still running"
}

cmd_stop_host() { check_host "${1:-}"; stop_hosts "$1"; say "$1: stopped"; }

cmd_start_host() {
	check_host "${1:-}"
	LAUNCHED=()
	proc_pid "$1" >/dev/null && { say "$1 already running"; return 0; }
	launch "$1"
	wait_launched || die "$1: start failed"
	say "$1: started"
}

cmd_skew() {
	local h=${1:-} off=${2:-}
	[[ $off =~ ^[+-][0-9]+[smhd]?$ ]] || die "usage: $PROG skew HOST OFFSET (e.g. +45s, -90s)"
	check_host "$h"
	echo "$off" >"$(host_dir "$h")/skew"
	stop_hosts "$h"
	LAUNCHED=()
	launch "$h"
	wait_launched || die "$h: restart failed"
	say "$h: kea-dhcp4 restarted with clock $off"
}

cmd_unskew() {
	local h=${1:-}
	check_host "$h"
	rm -f "$(host_dir "$h")/skew"
	stop_hosts "$h"
	LAUNCHED=()
	launch "$h"
	wait_launched || die "$h: restart failed"
	say "$h: kea-dhcp4 restarted on the real clock (a terminated partner needs config-reload)"
}

# wait-state HOST[:REL] STATE [TIMEOUT]: REL = relationship index (0, 1) or a
# server-name of it (hub-2, spoke2); without REL every relationship must match.
cmd_wait_state() {
	local spec=${1:-} want=${2:-} timeout=${3:-30} h rel="" got="" t0 i s ok
	[ -n "$want" ] || die "usage: $PROG wait-state HOST[:REL] STATE [TIMEOUT]"
	[[ $timeout =~ ^[0-9]+$ ]] || die "TIMEOUT must be whole seconds"
	h=${spec%%:*}
	[[ $spec == *:* ]] && rel=${spec#*:}
	check_host "$h"
	t0=$(now_ms)
	for ((i = 0; i <= timeout * 5; i++)); do
		got=$(ha_states "$h" "$rel" | paste -sd, -)
		ok=1
		for s in ${got//,/ }; do [ "$s" = "$want" ] || ok=0; done
		if [ -n "$got" ] && [ $ok = 1 ]; then say "$spec: $got after $(($(now_ms) - t0)) ms"; return 0; fi
		[ $(($(now_ms) - t0)) -lt $((timeout * 1000)) ] || break
		sleep 0.2
	done
	say "$spec: still '$got' after ${timeout}s (wanted $want)"
	return 1
}

# cmd HOST COMMAND [ARGS-JSON]: send one command to a host's control socket.
cmd_cmd() { check_host "${1:-}"; [ -n "${2:-}" ] || die "usage: $PROG cmd HOST COMMAND [ARGS-JSON]"; kea_cmd "$1" "$2" "${3:-}"; echo; }

cmd_help() {
	cat <<EOF
usage: [LAB_DIR=dir] [LAB3_NET=n] [KEA3_ROOT=dir] $PROG COMMAND [ARGS]

Real Kea 3.0 (Debian $KEA3_SUITE, chroot $KEA3_ROOT) kea-dhcp4 HA lab on
loopback, reached directly over each daemon's HTTP control socket
(LAB_DIR=$LAB_DIR, hosts on 127.0.\$LAB3_NET.x, default 4).
Topologies: lb (load-balancing), hs (hot-standby), hub (hub in two hot-standby
relationships hub-1/spoke1, hub-2/spoke2), plain (no hooks).

  build                       debootstrap the chroot once (root; reused when complete)
  start [TOPO...]             configs, start (all topologies by default), wait for normal states
  stop                        stop every daemon of the lab by PID (logs kept)
  status                      processes and HA states (one per relationship)
  hosts                       hosts.tsv: name address control-port dhcp-port dir
  kill|freeze|thaw HOST       SIGKILL / SIGSTOP / SIGCONT
  stop-host|start-host HOST   graceful stop / start again
  skew HOST OFFSET            restart HOST under the chroot's libfaketime (+45s, -90s)
  unskew HOST                 restart it on the real clock
  wait-state HOST[:REL] STATE [TIMEOUT]
                              poll status-get (REL: relationship index or server-name)
  cmd HOST COMMAND [ARGS]     send one command (curl) to HOST's control socket
  help                        this text

Files in LAB_DIR: keaha.conf (every server, direct), keaha-primaries.conf
(lb-primary, hs-primary, hub, plain), keaha-managed.conf (every server by
its HA peer name: the hub as hub-1 and hub-2),
hosts.tsv, hosts -> the host directories inside the chroot.
EOF
}

main() {
	CMD=${1:-help}
	[ $# -gt 0 ] && shift
	case $CMD in
	help | -h | --help) cmd_help; return ;;
	build) cmd_build; return ;;
	start) cmd_start "$@"; return ;;
	stop) cmd_stop; return ;;
	esac
	[ -r "$LAB_DIR/hosts.tsv" ] || die "no lab in $LAB_DIR (run '$PROG start')"
	load_net
	case $CMD in
	status) cmd_status ;;
	hosts) cmd_hosts ;;
	kill) cmd_signal KILL "$@" ;;
	freeze) cmd_signal STOP "$@" ;;
	thaw) cmd_signal CONT "$@" ;;
	stop-host) cmd_stop_host "$@" ;;
	start-host) cmd_start_host "$@" ;;
	skew) cmd_skew "$@" ;;
	unskew) cmd_unskew "$@" ;;
	wait-state) cmd_wait_state "$@" ;;
	cmd) cmd_cmd "$@" ;;
	*) die "unknown command '$CMD' (see '$PROG help')" ;;
	esac
}

main "$@"
