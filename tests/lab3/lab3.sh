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

# Hosts: name, index, topology, role, processes. Address 127.0.N.(30+index),
# control port 8100+index (kea-dhcp4's own HTTP socket; on the ca hosts the
# kea-ctrl-agent in front of kea-dhcp4 and kea-dhcp6, which have only UNIX
# sockets), HA listener 8200+index (the hub's second relationship:
# 8300+index; none on the ca hosts: their HA goes through the agents).
HOST_TABLE="
lb-primary    1 lb    primary   dhcp4
lb-secondary  2 lb    secondary dhcp4
hs-primary    3 hs    primary   dhcp4
hs-standby    4 hs    standby   dhcp4
hub           5 hub   primary   dhcp4
spoke1        6 hub   standby   dhcp4
spoke2        7 hub   standby   dhcp4
plain-a       8 plain none      dhcp4
plain-b       9 plain none      dhcp4
ca-primary   10 ca    primary   dhcp4,dhcp6,agent
ca-secondary 11 ca    secondary dhcp4,dhcp6,agent
ca-plain-a   12 caplain none    dhcp4,dhcp6,agent
ca-plain-b   13 caplain none    dhcp4,dhcp6,agent
"
# `start` without arguments: ca and caplain (six more processes each) only
# when asked for.
TOPOLOGIES="lb hs hub plain"
ALL_TOPOLOGIES="lb hs hub ca plain caplain"

HOSTS=()
declare -A H_IDX H_TOPO H_ROLE H_PROCS
while read -r _n _i _t _r _p; do
	[ -n "$_n" ] || continue
	HOSTS+=("$_n") H_IDX[$_n]=$_i H_TOPO[$_n]=$_t H_ROLE[$_n]=$_r H_PROCS[$_n]=${_p//,/ }
done <<<"$HOST_TABLE"

topo_num() { case $1 in lb) echo 1 ;; hs) echo 2 ;; hub) echo 3 ;; ca) echo 4 ;; plain) echo 5 ;; caplain) echo 6 ;; *) die "unknown topology '$1' (topologies: $ALL_TOPOLOGIES)" ;; esac; }
topo_mode() { case $1 in lb | ca) echo load-balancing ;; hs | hub) echo hot-standby ;; *) echo "" ;; esac; }
normal_state() { [ "${H_ROLE[$1]}" = none ] && echo no-ha || topo_mode "${H_TOPO[$1]}"; }

host_addr() { echo "127.0.$LAB_NET.$((30 + H_IDX[$1]))"; }
host_port() { echo $((8100 + H_IDX[$1])); }
host_url() { echo "http://$(host_addr "$1"):$(host_port "$1")/"; }
ha_port() { echo $((8200 + H_IDX[$1])); }
# The host's directory as seen inside the chroot, and from outside.
host_cdir() { echo "/srv/keaha-lab3-$LAB_NET/hosts/$1"; }
host_dir() { echo "$KEA3_ROOT$(host_cdir "$1")"; }
# DHCP ports (-p server, -P client): unique on 127.0.0.1 / ::1 across labs;
# 46000+ lies above every port of tests/lab/lab.sh (20000 + 255*100 + 99 <
# 46000); indexes 1-9 use 20 per lab (up to 51119), the hosts with agents
# (10-13) 16 per lab from 52000 (v4 server/client, v6 server/client). args: host
# server|client [dhcp4|dhcp6]
dhcp_port() {
	local c=0 i=${H_IDX[$1]}
	[ "$2" = client ] && c=1
	if [ "$i" -lt 10 ]; then echo $((46000 + LAB_NET * 20 + i * 2 + c)); return; fi
	[ "${3:-dhcp4}" = dhcp6 ] && c=$((c + 2))
	echo $((52000 + LAB_NET * 16 + (i - 10) * 4 + c))
}

# Processes of a host (dhcp4 | dhcp6 | agent) and what they are called.
host_procs() { echo "${H_PROCS[$1]}"; }
host_has() { [[ " ${H_PROCS[$1]} " == *" $2 "* ]]; }
proc_bin() { case $1 in dhcp4) echo kea-dhcp4 ;; dhcp6) echo kea-dhcp6 ;; agent) echo kea-ctrl-agent ;; esac; }
# A host's DHCP services (what an agent forwards to).
host_services() { local p out=(); for p in ${H_PROCS[$1]}; do [ "$p" = agent ] || out+=("$p"); done; echo "${out[*]}"; }
# Expand a user's process argument (default all) into a list for a host.
resolve_procs() {
	case ${2:-all} in
	all) host_procs "$1" ;;
	dhcp4 | dhcp6 | agent) host_has "$1" "$2" || die "$1 runs no $2 (it runs: $(host_procs "$1"))"; echo "$2" ;;
	*) die "unknown process '$2' (dhcp4, dhcp6, agent, all)" ;;
	esac
}

# Config (inside the chroot) and pid file (outside) of a host's process;
# Kea names its pid file <config basename>.<program>.pid.
conf_in() { echo "$(host_cdir "$1")/$(proc_bin "${2:-dhcp4}").conf"; }
proc_pidfile() { local b; b=$(proc_bin "${2:-dhcp4}"); echo "$(host_dir "$1")/$b.$b.pid"; }

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

# PID of a running (or frozen) process of a host (default its kea-dhcp4),
# trusted only if alive, not a zombie, and running this host's config file.
proc_pid() { live_pid "$(proc_pidfile "$1" "${2:-dhcp4}")" "$(conf_in "$1" "${2:-dhcp4}")"; }
host_running() { local p; for p in $(host_procs "$1"); do proc_pid "$1" "$p" >/dev/null && return 0; done; return 1; }

# Start one process of a host in the chroot, detached, with the path
# variables of Kea 3's security rules all pointing at the host's directory;
# a DHCP daemon under the chroot's libfaketime when the host has a recorded
# skew (the agent keeps the real clock). chroot and env exec, so the
# launcher's PID is the daemon's. args: host proc
launch() {
	local h=$1 p=${2:-dhcp4} d cd skew bin
	local -a fake=() args
	d=$(host_dir "$h") cd=$(host_cdir "$h") bin=$(proc_bin "$p")
	[ -f "$d/$bin.conf" ] || die "$h: no $bin config: run '$PROG start' first"
	if proc_pid "$h" "$p" >/dev/null; then say "$h $p already running"; return 0; fi
	rm -f "$(proc_pidfile "$h" "$p")"
	args=(-c "$(conf_in "$h" "$p")")
	if [ "$p" != agent ]; then
		args+=(-p "$(dhcp_port "$h" server "$p")" -P "$(dhcp_port "$h" client "$p")")
		skew=$(cat "$d/skew" 2>/dev/null || true)
		[ -z "$skew" ] || fake=(LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$skew" FAKETIME_DONT_FAKE_MONOTONIC=1)
	fi
	# shellcheck disable=SC2016
	setsid -f sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$d/$p.launch.pid" \
		env KEA_CONTROL_SOCKET_DIR="$cd" KEA_DHCP_DATA_DIR="$cd" KEA_LOG_FILE_DIR="$cd" \
		KEA_PIDFILE_DIR="$cd" KEA_LOCKFILE_DIR="$cd" \
		chroot "$KEA3_ROOT" /usr/bin/env "${fake[@]+"${fake[@]}"}" "$bin" "${args[@]}" \
		>>"$d/$bin.out" 2>&1 </dev/null
	LAUNCHED+=("$h:$p")
}

# Launch every process of a host: DHCP daemons first, then the agent.
launch_host() { local p; for p in $(host_procs "$1"); do launch "$1" "$p"; done; }



# ---------------------------------------------------------------- talking to Kea

# POST a command to a host's control URL: the daemon's own socket, or on a
# host with an agent the agent, for SERVICE (dhcp4 by default; "agent": the
# agent itself, no "service" key). args: host command [args-json] [service]
kea_cmd() {
	local body="{\"command\": \"$2\"" svc=${4:-dhcp4}
	[ -n "${3:-}" ] && body+=", \"arguments\": $3"
	host_has "$1" agent && [ "$svc" != agent ] && body+=", \"service\": [\"$svc\"]"
	curl -sS --max-time "$CURL_TIMEOUT" -X POST -H 'Content-Type: application/json' -d "$body}" "$(host_url "$1")"
}

# The local HA state of each relationship of a host, one per line (config
# order; a host with an agent: for each of its services), "no-ha" without
# the hook, "error" on a result != 0 (also: the agent could not reach the
# daemon), "down" if nothing answered. With REL (index or a server-name of
# the relationship, local or remote; on a host with an agent also dhcp4 or
# dhcp6): that relationship only.
ha_states() {
	local svcs=dhcp4 rel=${2:-} s out
	if host_has "$1" agent; then
		svcs=$(host_services "$1")
		case $rel in dhcp4 | dhcp6) svcs=$rel rel="" ;; esac
	fi
	for s in $svcs; do
		if out=$(kea_cmd "$1" status-get "" "$s" 2>/dev/null) &&
			jq -r --arg rel "$rel" '.[0] | if .result != 0 then "error"
				elif .arguments["high-availability"] == null then "no-ha"
				else .arguments["high-availability"] | to_entries[]
				  | select($rel == "" or ($rel | tostring) == (.key | tostring)
				           or .value["ha-servers"].local["server-name"] == $rel
				           or .value["ha-servers"].remote["server-name"] == $rel)
				  | .value["ha-servers"].local.state end' <<<"$out" 2>/dev/null; then
			continue
		fi
		echo down
	done
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

# The kea-dhcp4 / kea-dhcp6 configuration of a host behind an agent: a UNIX
# control socket only (its agent is the HTTP side). ca: HA load-balancing
# with the agents as peer URLs, as on Kea 2.x; Kea 3 then needs the HA
# hook's own multi-threading off (no dedicated listener: the agent forwards
# ha-heartbeat and lease updates over the UNIX socket). caplain: no hooks,
# the same subnet on both (10.57 / fd00:0:0:57::, id 57), as an admin
# prepares two servers before making them a pair.
# args: host dhcp4|dhcp6
ca_dhcp_config() {
	local h=$1 v=${2#dhcp} p s
	read -r p s <<<"$(topo_hosts ca)"
	jq -n --arg v "$v" --arg me "$h" --arg dir "$(host_cdir "$h")" --arg hooks "$HOOKS_DIR" \
		--argjson plain "$([ "${H_TOPO[$h]}" = caplain ] && echo true || echo false)" --argjson n 57 \
		--arg p "$p" --arg s "$s" --arg pu "$(host_url "$p")" --arg su "$(host_url "$s")" \
		--argjson hb $HEARTBEAT_DELAY --argjson mr $MAX_RESPONSE_DELAY --argjson ma $MAX_ACK_DELAY \
		--argjson mu $MAX_UNACKED_CLIENTS --arg duid "$(printf '02000000%02x%02x' "$LAB_NET" "${H_IDX[$h]}")" '
	(if $v == "4" then ["10.46.1.10-10.46.1.250", "10.46.2.10-10.46.2.250"]
	 else ["fd00:0:0:46::1:0/112", "fd00:0:0:46::2:0/112"] end) as $r
	| [{pool: $r[0], "client-classes": ["HA_" + $p]}, {pool: $r[1], "client-classes": ["HA_" + $s]}] as $pools
	| (if $plain then "\($n)" else "46" end) as $net | (if $plain then $n else 6 end) as $id
	| (if $plain then (if $v == "4" then [{pool: "10.\($n).1.10-10.\($n).2.250"}] else [{pool: "fd00:0:0:\($n)::1:0-fd00:0:0:\($n)::2:ffff"}] end)
	   else $pools end) as $pools
	| {"control-sockets": [{"socket-type": "unix", "socket-name": ($dir + "/kea" + $v + ".sock")}],
	   "lease-database": {type: "memfile", name: ($dir + "/kea-leases" + $v + ".csv"), "lfc-interval": 0},
	   "valid-lifetime": 3600,
	   "hooks-libraries": (if $plain then [] else [{library: ($hooks + "/libdhcp_lease_cmds.so")},
	     {library: ($hooks + "/libdhcp_ha.so"), parameters: {"high-availability": [
	       {"this-server-name": $me, mode: "load-balancing", "heartbeat-delay": $hb, "max-response-delay": $mr,
	        "max-ack-delay": $ma, "max-unacked-clients": $mu, "sync-timeout": 15000,
	        "multi-threading": {"enable-multi-threading": false},
	        peers: [{name: $p, url: $pu, role: "primary", "auto-failover": true},
	                {name: $s, url: $su, role: "secondary", "auto-failover": true}]}]}}] end),
	   loggers: [{name: ("kea-dhcp" + $v), severity: "WARN", debuglevel: 0,
	              "output-options": [{output: ($dir + "/kea-dhcp" + $v + ".log"), flush: true}]}]} as $common
	| if $v == "4" then {Dhcp4: ($common + {
	      "interfaces-config": {interfaces: ["lo"], "dhcp-socket-type": "udp"},
	      subnet4: [{id: $id, subnet: "10.\($net).0.0/16", pools: $pools, relay: {"ip-addresses": ["127.0.0.1"]}}]})}
	  else {Dhcp6: ($common + {
	      "interfaces-config": {interfaces: ["lo/::1"]},
	      "server-id": {type: "LL", htype: 1, persist: true, identifier: $duid},
	      "preferred-lifetime": 2700,
	      subnet6: [{id: $id, subnet: "fd00:0:0:\($net)::/64", pools: $pools, relay: {"ip-addresses": ["::1"]}}]})}
	  end'
}

# The kea-ctrl-agent 3.0 configuration of a ca host: HTTP on the host's
# address and control port, one UNIX socket per DHCP daemon, WARN logs (INFO
# logs every heartbeat).
agent_config() {
	jq -n --arg dir "$(host_cdir "$1")" --arg addr "$(host_addr "$1")" --argjson port "$(host_port "$1")" '
	{"Control-agent": {"http-host": $addr, "http-port": $port,
	  "control-sockets": {dhcp4: {"socket-type": "unix", "socket-name": ($dir + "/kea4.sock")},
	                      dhcp6: {"socket-type": "unix", "socket-name": ($dir + "/kea6.sock")}},
	  loggers: [{name: "kea-ctrl-agent", severity: "WARN", debuglevel: 0,
	             "output-options": [{output: ($dir + "/kea-ctrl-agent.log"), flush: true}]}]}}'
}

# Every configuration file of a host, into its directory.
write_host_configs() {
	local h=$1 d
	d=$(host_dir "$h")
	if ! host_has "$h" agent; then dhcp_config "$h" >"$d/kea-dhcp4.conf"; return; fi
	ca_dhcp_config "$h" dhcp4 >"$d/kea-dhcp4.conf"
	ca_dhcp_config "$h" dhcp6 >"$d/kea-dhcp6.conf"
	agent_config "$h" >"$d/kea-ctrl-agent.conf"
}

# keaha configuration: one [server] per host, by its control URL, direct
# (a host with an agent: auto, so that keaha's detection is what is tested).
write_keaha_conf() {
	local file=$1 h
	shift
	{
		echo "# keaha configuration for the Kea 3.0 lab in $LAB_DIR (written by tests/lab3/lab3.sh)"
		echo "[keaha]"
		echo "poll-interval = 1"
		echo "request-timeout = 2"
		for h in "$@"; do
			printf '\n[server %s]\nurl = %s\ntransport = %s\n' "$h" "$(host_url "$h")" "$(host_has "$h" agent && echo auto || echo direct)"
		done
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

load_net() { lab_net_load LAB3_NET 4 "$@"; }
running_hosts() {
	local h
	[ -r "$LAB_DIR/hosts.tsv" ] || return 0
	for h in $(lab_hosts); do host_running "$h" && echo "$h"; done
	return 0
}

check_ports_free() {
	local h s listening busy=()
	command -v ss >/dev/null || return 0
	listening=" $(ss -Hlntu | awk '{ print $1 "/" $5 }' | tr '\n' ' ') "
	for h in "$@"; do
		[[ $listening == *" tcp/$(host_addr "$h"):$(host_port "$h") "* ]] && busy+=("tcp $(host_addr "$h"):$(host_port "$h")")
		for s in $(host_services "$h"); do
			[[ $listening =~ \ udp/[^\ ]*:$(dhcp_port "$h" server "$s")\  ]] && busy+=("udp $(dhcp_port "$h" server "$s")")
		done
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
	[ "${topos[*]}" != all ] || read -r -a topos <<<"$ALL_TOPOLOGIES"
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
		write_host_configs "$h"
	done
	ln -sfn "$KEA3_ROOT/srv/keaha-lab3-$LAB_NET/hosts" "$LAB_DIR/hosts"
	write_lab_files "${hosts[@]}"
	say "starting ${hosts[*]} on 127.0.$LAB_NET.x (dirs in $KEA3_ROOT/srv/keaha-lab3-$LAB_NET)"
	LAUNCHED=()
	for h in "${hosts[@]}"; do launch_host "$h"; done
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
	if [ ${#hs[@]} -eq 0 ]; then say "nothing running in $LAB_DIR"; else say "stopping ${hs[*]}"; stop_items "${hs[@]}"; fi
	[ -z "$(running_hosts)" ] || die "some processes survived: $(running_hosts | tr '\n' ' ')"
	say "lab in $LAB_DIR stopped (logs kept)"
}

cmd_status() {
	local h p pid st skew procs
	for h in $(lab_hosts); do
		procs=()
		for p in $(host_procs "$h"); do
			if pid=$(proc_pid "$h" "$p"); then
				st="running"
				[ "$(awk '{ print $3 }' "/proc/$pid/stat")" = T ] && st="frozen"
				st+=" $pid"
			else st=stopped; fi
			procs+=("$([ "$(host_procs "$h")" = dhcp4 ] || echo "$p ")$st")
		done
		skew=$(cat "$(host_dir "$h")/skew" 2>/dev/null || true)
		printf '%-13s %-27s %-22s ha: %s%s\n' "$h" "$(host_url "$h")" "$(IFS=,; echo "${procs[*]}")" "$(ha_states "$h" | paste -sd, -)" "${skew:+  (clock $skew)}"
	done
}

cmd_hosts() { cat "$LAB_DIR/hosts.tsv"; }

# kill|freeze|thaw HOST [PROC]: PROC = dhcp4, dhcp6, agent or all (default).
cmd_signal() {
	local sig=$1 h=${2:-} p pid
	check_host "$h"
	for p in $(resolve_procs "$h" "${3:-all}"); do
		if pid=$(proc_pid "$h" "$p"); then kill "-$sig" "$pid"; say "$h $p (pid $pid): SIG$sig"; else say "$h $p: not running"; fi
		[ "$sig" != KILL ] || wait_until 5 proc_gone "$h" "$p" || die "$h $p still running"
	done
}

host_items() { local p; for p in $(resolve_procs "$1" "${2:-all}"); do echo "$1:$p"; done; }

cmd_stop_host() {
	local -a items
	check_host "${1:-}"
	mapfile -t items < <(host_items "$1" "${2:-all}")
	stop_items "${items[@]}"
	say "$1: stopped ${items[*]#*:}"
}

cmd_start_host() {
	local p
	check_host "${1:-}"
	LAUNCHED=()
	for p in $(resolve_procs "$1" "${2:-all}"); do launch "$1" "$p"; done
	[ ${#LAUNCHED[@]} -gt 0 ] || return 0
	wait_launched || die "$1: start failed"
	say "$1: started"
}


cmd_skew() {
	local h=${1:-} off=${2:-}
	[[ $off =~ ^[+-][0-9]+[smhd]?$ ]] || die "usage: $PROG skew HOST OFFSET (e.g. +45s, -90s)"
	check_host "$h"
	echo "$off" >"$(host_dir "$h")/skew"
	restart_dhcp "$h"
	say "$h: $(host_services "$h") restarted with clock $off"
}

cmd_unskew() {
	local h=${1:-}
	check_host "$h"
	rm -f "$(host_dir "$h")/skew"
	restart_dhcp "$h"
	say "$h: $(host_services "$h") restarted on the real clock (a terminated partner needs config-reload)"
}

# wait-state HOST[:REL] STATE [TIMEOUT]: REL = relationship index (0, 1) or a
# server-name of it (hub-2, spoke2), or on a host with an agent the service
# (dhcp4, dhcp6); without REL every relationship must match.
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

# cmd HOST[/SERVICE] COMMAND [ARGS-JSON]: send one command to a host's control
# URL (SERVICE on a host with an agent: dhcp4 by default, dhcp6, agent).
cmd_cmd() {
	local h=${1%%/*} svc=dhcp4
	[[ ${1:-} == */* ]] && svc=${1#*/}
	check_host "$h"
	[ -n "${2:-}" ] || die "usage: $PROG cmd HOST[/SERVICE] COMMAND [ARGS-JSON]"
	case $svc in dhcp4) ;; dhcp6 | agent) host_has "$h" agent || die "$h has no agent (no service to choose)" ;; *) die "unknown service '$svc' (dhcp4, dhcp6, agent)" ;; esac
	kea_cmd "$h" "$2" "${3:-}" "$svc"
	echo
}

cmd_help() {
	cat <<EOF
usage: [LAB_DIR=dir] [LAB3_NET=n] [KEA3_ROOT=dir] $PROG COMMAND [ARGS]

Real Kea 3.0 (Debian $KEA3_SUITE, chroot $KEA3_ROOT) kea-dhcp4 HA lab on
loopback, reached directly over each daemon's HTTP control socket
(LAB_DIR=$LAB_DIR, hosts on 127.0.\$LAB3_NET.x, default 4).
Topologies: lb (load-balancing), hs (hot-standby), hub (hub in two hot-standby
relationships hub-1/spoke1, hub-2/spoke2), plain (no hooks); and, only when
named or with 'all': ca (ca-primary/ca-secondary, each a kea-dhcp4 and a
kea-dhcp6 behind its own kea-ctrl-agent 3.0, load-balancing in both families
with HA through the agents) and caplain (ca-plain-a/-b: the same without hooks).

  build                       debootstrap the chroot once (root; reused when complete)
  start [TOPO...|all]         configs, start (lb hs hub plain by default), wait for normal states
  stop                        stop every daemon of the lab by PID (logs kept)
  status                      processes and HA states (one per relationship)
  hosts                       hosts.tsv: name address control-port dhcp-port dir
  kill|freeze|thaw HOST [PROC]
                              SIGKILL / SIGSTOP / SIGCONT (PROC: dhcp4, dhcp6,
                              agent, all = default; only the ca hosts run more than dhcp4)
  stop-host|start-host HOST [PROC]
                              graceful stop / start again
  skew HOST OFFSET            restart HOST's DHCP daemons under the chroot's
                              libfaketime (+45s, -90s; an agent keeps the real clock)
  unskew HOST                 restart them on the real clock
  wait-state HOST[:REL] STATE [TIMEOUT]
                              poll status-get (REL: relationship index or server-name;
                              on a ca host dhcp4 or dhcp6)
  cmd HOST[/SERVICE] COMMAND [ARGS]
                              send one command (curl) to HOST's control URL (ca hosts:
                              SERVICE dhcp4 = default, dhcp6, agent = the agent itself)
  help                        this text

Files in LAB_DIR: keaha.conf (every server, direct), keaha-primaries.conf
(lb-primary, hs-primary, hub, ca-primary, plain), keaha-managed.conf (every server by
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
