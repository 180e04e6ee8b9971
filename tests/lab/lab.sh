#!/usr/bin/env bash
# keaha's real Kea lab on loopback: Kea 2.2 DHCPv4/DHCPv6 servers in High
# Availability relationships, each simulated host on its own 127.0.N.x address
# with its own Control Agent, for keaha's integration tests and manual play.
# Run `tests/lab/lab.sh help`; see tests/lab/README.md.
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/keaha-lab}
LAB_DIR=${LAB_DIR%/}
[[ $LAB_DIR == /* ]] || LAB_DIR=$PWD/$LAB_DIR # Kea and our pid checks want absolute paths
PROG=${0##*/}
# shellcheck source=tests/lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

HOOKS_DIR=${KEA_HOOKS_DIR:-/usr/lib/x86_64-linux-gnu/kea/hooks}
FAKETIME_LIB=${FAKETIME_LIB:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}

# HA timings of every relationship (ms): fast failover so tests run in seconds.
HEARTBEAT_DELAY=1000
MAX_RESPONSE_DELAY=4000
MAX_ACK_DELAY=2000
MAX_UNACKED_CLIENTS=0

# Bounds of the wait loops (seconds).
START_TIMEOUT=${LAB_START_TIMEOUT:-30}   # whole lab to normal HA states
LAUNCH_TIMEOUT=10                        # one process to write its pid file
STOP_TIMEOUT=10                          # SIGTERM grace before SIGKILL
CURL_TIMEOUT=2                           # one request to an agent

# The simulated hosts: name, index (address 127.0.N.(10+index), agent port
# 8010+index), topology, HA role, DHCP services. Relationship = topology.
# sec: agents with HTTPS (client certificates required) and basic auth.
HOST_TABLE="
lb-primary    1 lb    primary   dhcp4,dhcp6
lb-secondary  2 lb    secondary dhcp4,dhcp6
hs-primary    3 hs    primary   dhcp4,dhcp6
hs-standby    4 hs    standby   dhcp4,dhcp6
bk-primary    5 bk    primary   dhcp4
bk-secondary  6 bk    secondary dhcp4
bk-backup     7 bk    backup    dhcp4
plain-a       8 plain none      dhcp4,dhcp6
plain-b       9 plain none      dhcp4,dhcp6
sec-primary   10 sec  primary   dhcp4
sec-secondary 11 sec  secondary dhcp4
"
TOPOLOGIES="lb hs bk plain sec"
DEFAULT_TOPOLOGIES="lb hs bk plain" # start without arguments (sec: ask for it)

# The secure topology (sec): basic-auth realm and users of its agents. keaha
# (and this script's own requests) log in as KEAHA_USER, the HA peers as
# HA_USER; the passwords are random, made at each start (files in LAB_DIR/tls).
AUTH_REALM=keaha-lab
KEAHA_USER=keaha
HA_USER=kea-ha

# Messages, bounded waits, host checks, the PID check, the lab number and
# starting/stopping processes by PID (wait_launched, stop_items, restart_dhcp)
# are in common.sh.

# ---------------------------------------------------------------- the model

# The table, parsed once: HOSTS in order; per host H_IDX, H_TOPO, H_ROLE,
# H_SVCS (space separated). Plain arrays keep lookups free of subprocesses.
HOSTS=()
declare -A H_IDX H_TOPO H_ROLE H_SVCS
while read -r _n _i _t _r _s; do
	[ -n "$_n" ] || continue
	HOSTS+=("$_n") H_IDX[$_n]=$_i H_TOPO[$_n]=$_t H_ROLE[$_n]=$_r H_SVCS[$_n]=${_s//,/ }
done <<<"$HOST_TABLE"

# Topology number: picks the subnets, so the topologies never overlap.
topo_num() {
	case $1 in lb) echo 1 ;; hs) echo 2 ;; bk) echo 3 ;; plain) echo 4 ;; sec) echo 5 ;; *) die "unknown topology '$1' (topologies: $TOPOLOGIES)" ;; esac
}

# Kea HA mode of a topology ("" for plain: no HA at all).
topo_mode() {
	case $1 in lb | bk | sec) echo load-balancing ;; hs) echo hot-standby ;; *) echo "" ;; esac
}

# Do a topology's / a host's agents want HTTPS, client certificates and basic auth?
topo_secure() { [ "$1" = sec ]; }
host_secure() { topo_secure "${H_TOPO[$1]}"; }

# State a host's servers settle in when all is well ("" = no HA).
normal_state() {
	case ${H_ROLE[$1]} in
	backup) echo backup ;;
	none) echo "" ;;
	*) topo_mode "${H_TOPO[$1]}" ;;
	esac
}

host_services() { echo "${H_SVCS[$1]}"; }
host_addr() { echo "127.0.$LAB_NET.$((10 + H_IDX[$1]))"; }
host_port() { echo $((8010 + H_IDX[$1])); }
host_url() {
	local scheme=http
	host_secure "$1" && scheme=https
	echo "$scheme://$(host_addr "$1"):$(host_port "$1")/"
}
host_dir() { echo "$LAB_DIR/hosts/$1"; }
tls_dir() { echo "$LAB_DIR/tls"; }

# DHCP ports: every daemon binds 127.0.0.1 or ::1 (the only addresses lo
# really has), so ports must be unique across hosts AND across labs.
# kind: server (kea -p, perfdhcp -N) or client (kea -P, perfdhcp -L).
# Each lab has 100 ports, 10 per index modulo 10; indexes 1-9 use +1..+4 of
# their ten, indexes 10-19 the free +5..+8 (so never the next lab's ports).
dhcp_port() {
	local idx=${H_IDX[$1]}
	local base=$((20000 + LAB_NET * 100 + (idx % 10) * 10 + (idx / 10) * 4))
	case $2/$3 in
	dhcp4/server) echo $((base + 1)) ;;
	dhcp4/client) echo $((base + 2)) ;;
	dhcp6/server) echo $((base + 3)) ;;
	dhcp6/client) echo $((base + 4)) ;;
	esac
}

# Does a host run a DHCP service (dhcp4|dhcp6)?
host_has() { [[ " ${H_SVCS[$1]} " == *" $2 "* ]]; }

# ---------------------------------------------------------------- processes
# proc = dhcp4 | dhcp6 | agent

proc_bin() { case $1 in dhcp4) echo kea-dhcp4 ;; dhcp6) echo kea-dhcp6 ;; agent) echo kea-ctrl-agent ;; esac; }
proc_conf() { echo "$(host_dir "$1")/$(proc_bin "$2").conf"; }
# Kea 2.2 names its pid file <config basename minus extension>.<program>.pid.
proc_pidfile() { echo "$(host_dir "$1")/$(proc_bin "$2").$(proc_bin "$2").pid"; }

# Processes of a host: the agent plus its DHCP daemons.
host_procs() { echo "agent $(host_services "$1")"; }

# Expand a user's process argument (default all) into a list for a host.
resolve_procs() {
	local host=$1 what=${2:-all}
	case $what in
	all) host_procs "$host" ;;
	agent) echo agent ;;
	dhcp4 | dhcp6) host_has "$host" "$what" || die "$host runs no $what"; echo "$what" ;;
	*) die "unknown process '$what' (dhcp4, dhcp6, agent, all)" ;;
	esac
}

# Print the PID of a running (or frozen) lab process, else fail (see live_pid).
proc_pid() { live_pid "$(proc_pidfile "$1" "$2")" "$(proc_conf "$1" "$2")"; }

# Start one process detached (setsid) with its host's pid/lock directories;
# DHCP daemons run under libfaketime when the host has a recorded skew.
# Records the launcher PID so a start-up failure is seen at once.
launch() {
	local host=$1 proc=$2 dir bin conf
	local -a cmd envs
	dir=$(host_dir "$host") bin=$(proc_bin "$proc") conf=$(proc_conf "$host" "$proc")
	[ -f "$conf" ] || die "$conf missing: run '$PROG start' first"
	if proc_pid "$host" "$proc" >/dev/null; then
		say "$host $proc already running"
		return 0
	fi
	rm -f "$(proc_pidfile "$host" "$proc")" # stale after a SIGKILL
	envs=(KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir")
	cmd=("$bin" -c "$conf")
	case $proc in
	dhcp4 | dhcp6)
		cmd+=(-p "$(dhcp_port "$host" "$proc" server)" -P "$(dhcp_port "$host" "$proc" client)")
		if [ -s "$dir/skew" ]; then
			envs+=(LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$(cat "$dir/skew")" FAKETIME_DONT_FAKE_MONOTONIC=1)
		fi
		;;
	esac
	# shellcheck disable=SC2016 # $$ and $1 belong to the inner sh
	setsid -f sh -c 'echo $$ >"$1"; shift; exec env "$@"' sh "$dir/$proc.launch.pid" \
		"${envs[@]}" "${cmd[@]}" >>"$dir/$bin.out" 2>&1 </dev/null
	LAUNCHED+=("$host:$proc")
}


# Send a signal to some processes of a host (those running); quiet if none.
signal_procs() {
	local sig=$1 host=$2 proc pid
	shift 2
	for proc in "$@"; do
		if pid=$(proc_pid "$host" "$proc"); then
			kill "-$sig" "$pid"
			say "$host $proc (pid $pid): SIG$sig"
		else
			say "$host $proc: not running"
		fi
	done
}


# Is a lab process not running (any more)?

# Wait (bounded, 5 s) until a process is gone, e.g. after SIGKILL.

# ---------------------------------------------------------------- talking to Kea

# POST one command to a host's agent; prints the JSON answer. args: host
# command [services (space separated)] [arguments-json]. Fails (curl's message)
# if the agent does not answer within CURL_TIMEOUT. A secure host is asked
# with keaha's client certificate and credentials (LAB_DIR/tls/curl.conf).
kea_cmd() {
	local body="{\"command\": \"$2\"" svcs
	local -a opts=()
	host_secure "$1" && opts=(-K "$(tls_dir)/curl.conf")
	if [ -n "${3:-}" ]; then
		# shellcheck disable=SC2086 # a list of words
		svcs=$(printf '"%s", ' $3)
		body+=", \"service\": [${svcs%, }]"
	fi
	[ -n "${4:-}" ] && body+=", \"arguments\": $4"
	curl -sS --max-time "$CURL_TIMEOUT" "${opts[@]+"${opts[@]}"}" -X POST -H 'Content-Type: application/json' \
		-d "$body}" "$(host_url "$1")"
}

# One word per service (one line each, in order) for the HA state of a host's
# servers: the local state, "no-ha", "error" (the agent could not reach the
# daemon) or "down" (the agent did not answer). One request for all services.
ha_states() {
	local host=$1 out s
	shift
	if out=$(kea_cmd "$host" status-get "$*" 2>/dev/null) &&
		jq -r '.[] | if .result != 0 then "error"
			elif .arguments["high-availability"] == null then "no-ha"
			else .arguments["high-availability"][0]["ha-servers"].local.state end' <<<"$out" 2>/dev/null; then
		return 0
	fi
	for s in "$@"; do echo down; done
}

# ---------------------------------------------------------------- configuration

# The lab as JSON for the config generators (built without jq: jq 1.6 costs
# 20 ms a start): timings, hook directory, TLS directory and users (never the
# passwords: the generators read them from their files), and every host of
# the table with its v6 server-id (a DUID-LL, unique per lab and host: lo has
# no MAC).
lab_model() {
	local h svcs sec sep=""
	case $LAB_DIR$HOOKS_DIR in *[\"\\]*) die "LAB_DIR and KEA_HOOKS_DIR must not contain quotes or backslashes" ;; esac
	printf '{"net": %d, "hooks_dir": "%s", "tls_dir": "%s", "realm": "%s", "keaha_user": "%s", "ha_user": "%s", "timings": {"heartbeat-delay": %d, "max-response-delay": %d, "max-ack-delay": %d, "max-unacked-clients": %d}, "hosts": {' \
		"$LAB_NET" "$HOOKS_DIR" "$(tls_dir)" "$AUTH_REALM" "$KEAHA_USER" "$HA_USER" \
		"$HEARTBEAT_DELAY" "$MAX_RESPONSE_DELAY" "$MAX_ACK_DELAY" "$MAX_UNACKED_CLIENTS"
	for h in "${HOSTS[@]}"; do
		# shellcheck disable=SC2086 # a list of words
		svcs=$(printf '"%s", ' ${H_SVCS[$h]})
		sec=false
		host_secure "$h" && sec=true
		printf '%s"%s": {"idx": %d, "topo": "%s", "topo_num": %d, "mode": "%s", "role": "%s", "addr": "%s", "port": %d, "url": "%s", "dir": "%s", "services": [%s], "duid_ll": "02000000%02x%02x", "secure": %s}' \
			"$sep" "$h" "${H_IDX[$h]}" "${H_TOPO[$h]}" "$(topo_num "${H_TOPO[$h]}")" "$(topo_mode "${H_TOPO[$h]}")" \
			"${H_ROLE[$h]}" "$(host_addr "$h")" "$(host_port "$h")" "$(host_url "$h")" "$(host_dir "$h")" "${svcs%, }" \
			"$LAB_NET" "${H_IDX[$h]}" "$sec"
		sep=", "
	done
	printf '}}\n'
}

# The kea-dhcp4 / kea-dhcp6 configuration of one host (the one generator for
# every host and both families): loopback sockets, one subnet for relayed
# clients with pools split by HA_<server> classes in load-balancing, memfile
# leases, WARN logs in the host directory, and the lease-cmds, stat-cmds and
# HA hooks (peers = the topology's hosts, URLs = their agents) unless plain.
# A secure host's HA talks HTTPS (its own certificate as client certificate)
# with basic auth (HA_USER) to its peers' agents.
dhcp_config() {
	local pwfile=/dev/null
	host_secure "$1" && pwfile=$(tls_dir)/ha.password
	jq -n --argjson m "$MODEL" --arg host "$1" --arg v "${2#dhcp}" --rawfile hapw "$pwfile" '
	$m.hosts[$host] as $me | $me.dir as $dir | $me.topo_num as $t
	| [$m.hosts | to_entries[] | select(.value.topo == $me.topo)] as $peers
	| def peer(role): [$peers[] | select(.value.role == role) | .key][0];
	  (if $me.secure then {"trust-anchor": ($m.tls_dir + "/ca.pem"),
	                       "cert-file": ($m.tls_dir + "/" + $host + ".pem"),
	                       "key-file": ($m.tls_dir + "/" + $host + ".key")} else {} end) as $tls
	| (if $me.secure then {"basic-auth-user": $m.ha_user, "basic-auth-password": ($hapw | rtrimstr("\n"))}
	   else {} end) as $auth
	| (if $me.mode == "" then [] else [
		{library: ($m.hooks_dir + "/libdhcp_lease_cmds.so")},
		{library: ($m.hooks_dir + "/libdhcp_stat_cmds.so")},
		{library: ($m.hooks_dir + "/libdhcp_ha.so"), parameters: {"high-availability": [
			{"this-server-name": $host, mode: $me.mode} + $m.timings + {"sync-timeout": 15000} + $tls + {
			 peers: [$peers[] | {name: .key, url: .value.url, role: .value.role,
			                     "auto-failover": (.value.role != "backup")} + $auth]}]}}
	  ] end) as $hooks
	| (if $v == "4" then ["10.\($t).1.10-10.\($t).1.250", "10.\($t).2.10-10.\($t).2.250", "10.\($t).1.10-10.\($t).2.250"]
	   else ["fd00:0:0:\($t)::1:0/112", "fd00:0:0:\($t)::2:0/112", "fd00:0:0:\($t)::1:0-fd00:0:0:\($t)::2:ffff"] end) as $r
	| (if $me.mode == "load-balancing"
	   then [{pool: $r[0], "client-class": ("HA_" + peer("primary"))},
	         {pool: $r[1], "client-class": ("HA_" + peer("secondary"))}]
	   else [{pool: $r[2]}] end) as $pools
	| {
	    "control-socket": {"socket-type": "unix", "socket-name": ($dir + "/kea" + $v + "-ctrl.sock")},
	    "lease-database": {type: "memfile", name: ($dir + "/kea-leases" + $v + ".csv"), "lfc-interval": 0},
	    "valid-lifetime": 3600,
	    "hooks-libraries": $hooks,
	    loggers: [{name: ("kea-dhcp" + $v), severity: "WARN", debuglevel: 0,
	               output_options: [{output: ($dir + "/kea-dhcp" + $v + ".log"), flush: true}]}]
	  } as $common
	| if $v == "4" then {Dhcp4: ($common + {
	      "interfaces-config": {interfaces: ["lo"], "dhcp-socket-type": "udp"},
	      subnet4: [{id: $t, subnet: "10.\($t).0.0/16", pools: $pools,
	                 relay: {"ip-addresses": ["127.0.0.1"]}}]})}
	  else {Dhcp6: ($common + {
	      "interfaces-config": {interfaces: ["lo/::1"]},
	      "data-directory": $dir,
	      "server-id": {type: "LL", htype: 1, persist: true,
	                    identifier: $me.duid_ll},
	      "preferred-lifetime": 2700,
	      subnet6: [{id: $t, subnet: "fd00:0:0:\($t)::/64", pools: $pools,
	                 relay: {"ip-addresses": ["::1"]}}]})}
	  end'
}

# The Control Agent configuration of one host: its address and port, one unix
# socket per DHCP daemon of the host, WARN logs (INFO logs every heartbeat).
# A secure host's agent: HTTPS with client certificates required (the lab
# CA), basic auth for KEAHA_USER and HA_USER.
agent_config() {
	local kpw=/dev/null hpw=/dev/null
	if host_secure "$1"; then kpw=$(tls_dir)/keaha.password hpw=$(tls_dir)/ha.password; fi
	jq -n --argjson m "$MODEL" --arg host "$1" --rawfile kpw "$kpw" --rawfile hpw "$hpw" '
	$m.hosts[$host] as $me
	| {"Control-agent": ({"http-host": $me.addr, "http-port": $me.port,
	    "control-sockets": ([$me.services[] | {key: ., value: {"socket-type": "unix",
	                         "socket-name": ($me.dir + "/kea" + .[4:] + "-ctrl.sock")}}] | from_entries),
	    loggers: [{name: "kea-ctrl-agent", severity: "WARN", debuglevel: 0,
	               output_options: [{output: ($me.dir + "/kea-ctrl-agent.log"), flush: true}]}]}
	  + if $me.secure then {
	    "trust-anchor": ($m.tls_dir + "/ca.pem"), "cert-file": ($m.tls_dir + "/" + $host + ".pem"),
	    "key-file": ($m.tls_dir + "/" + $host + ".key"), "cert-required": true,
	    authentication: {type: "basic", realm: $m.realm, clients: [
	      {user: $m.keaha_user, password: ($kpw | rtrimstr("\n"))},
	      {user: $m.ha_user, password: ($hpw | rtrimstr("\n"))}]}} else {} end)}'
}

# The throwaway PKI and secrets of the secure topology, made afresh at each
# start in LAB_DIR/tls (mode 0700): a CA; per secure host a certificate with
# its address in subjectAltName (its agent's server certificate and its HA
# client certificate); keaha's client certificate (CN keaha); random passwords
# for KEAHA_USER (keaha.password), HA_USER (ha.password) and a wrong one
# (wrong.password); curl.conf for this script's own requests. EC P-256 keys
# (~10 ms each). Keys, passwords and curl.conf are mode 0600.
write_tls() {
	local d h n=1
	d=$(tls_dir)
	command -v openssl >/dev/null || die "openssl is missing (scripts/deps.sh lab)"
	rm -rf "$d"
	mkdir -m 700 "$d"
	(
		umask 077
		cd "$d" || exit 1
		ossl() { openssl "$@" 2>>openssl.err || { tail -n 5 openssl.err >&2; exit 1; }; }
		# Our own minimal config: the system's openssl.cnf must not add extensions.
		printf '[req]\ndistinguished_name = dn\n[dn]\n[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n' >req.cnf
		ossl req -config req.cnf -extensions ca -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=keaha lab CA $LAB_NET"
		leaf() { # name eku [address]
			ossl req -config req.cnf -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
				-nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
			printf 'basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = %s\n%s' \
				"$2" "${3:+subjectAltName = IP:$3
}" >"$1.ext"
			ossl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "$((n++))" -days 30 \
				-extfile "$1.ext" -out "$1.pem"
			rm -f "$1.csr" "$1.ext"
		}
		for h in "${HOSTS[@]}"; do
			host_secure "$h" && leaf "$h" serverAuth,clientAuth "$(host_addr "$h")"
		done
		leaf keaha clientAuth
		chmod 644 ./*.pem
		for h in keaha ha wrong; do
			ossl rand -hex 12 >"$h.password"
		done
		printf 'cacert = "%s/ca.pem"\ncert = "%s/keaha.pem"\nkey = "%s/keaha.key"\nuser = "%s:%s"\n' \
			"$d" "$d" "$d" "$KEAHA_USER" "$(cat keaha.password)" >curl.conf
		rm -f req.cnf openssl.err
	) || die "making the lab's certificates failed (openssl)"
}

# Create a fresh host directory with all its configs; checks socket path length
# (unix sockets: ~107 bytes max) before Kea fails on it obscurely.
write_host() {
	local host=$1 dir svc sock
	dir=$(host_dir "$host")
	rm -rf "$dir"
	mkdir -p "$dir"
	agent_config "$host" >"$(proc_conf "$host" agent)"
	for svc in $(host_services "$host"); do
		sock="$dir/kea${svc#dhcp}-ctrl.sock"
		[ ${#sock} -le 100 ] || die "socket path too long (${#sock} > 100): $sock; use a shorter LAB_DIR"
		dhcp_config "$host" "$svc" >"$(proc_conf "$host" "$svc")"
	done
	# A secure host's configs hold passwords.
	if host_secure "$host"; then chmod 600 "$dir"/*.conf; fi
}

# keaha configuration listing some hosts (one [server] per host = HA peer
# name). A secure host's entry has keaha's credentials; VARIANT: ok, badpw (a
# wrong password-file) or nocert (no client certificate). args: file variant hosts...
write_keaha_conf() {
	local file=$1 variant=$2 h t pw=keaha
	shift 2
	t=$(tls_dir)
	[ "$variant" = badpw ] && pw=wrong
	{
		echo "# keaha configuration for the Kea lab in $LAB_DIR (written by tests/lab/lab.sh)"
		[ "$variant" = ok ] || echo "# For tests: the sec servers with $([ "$variant" = badpw ] && echo "a wrong password" || echo "no client certificate")"
		echo "[keaha]"
		echo "poll-interval = 1"
		echo "request-timeout = 2"
		for h in "$@"; do
			printf '\n[server %s]\nurl = %s\n' "$h" "$(host_url "$h")"
			host_secure "$h" || continue
			printf 'user = %s\npassword-file = %s\nca = %s\n' "$KEAHA_USER" "$t/$pw.password" "$t/ca.pem"
			[ "$variant" = nocert ] || printf 'cert = %s\nkey = %s\n' "$t/keaha.pem" "$t/keaha.key"
		done
	} >"$file"
}

# The lab's own description: keaha configs, hosts.tsv, and the lab number
# (so later commands find the same addresses without LAB_NET). The primaries
# config also lists every secure host: keaha manages a discovered peer
# through the [server] entry of the same name, the only place for its
# credentials. The keaha-sec-*.conf test configs (only with sec) list the
# same servers as keaha-primaries.conf (so keaha's remembered topology is
# the same), with the secure hosts' wrong password / missing client cert.
write_lab_files() {
	local h primaries=() secure=0
	for h in "$@"; do
		if host_secure "$h"; then
			primaries+=("$h") secure=1
			continue
		fi
		case ${H_ROLE[$h]} in primary | none) primaries+=("$h") ;; esac
	done
	write_keaha_conf "$LAB_DIR/keaha.conf" ok "$@"
	write_keaha_conf "$LAB_DIR/keaha-primaries.conf" ok "${primaries[@]}"
	rm -f "$LAB_DIR/keaha-sec-badpw.conf" "$LAB_DIR/keaha-sec-nocert.conf"
	if [ $secure = 1 ]; then
		write_keaha_conf "$LAB_DIR/keaha-sec-badpw.conf" badpw "${primaries[@]}"
		write_keaha_conf "$LAB_DIR/keaha-sec-nocert.conf" nocert "${primaries[@]}"
	fi
	for h in "$@"; do
		printf '%s\t%s\t%s\t%s\t%s\n' "$h" "$(host_addr "$h")" "$(host_port "$h")" \
			"${H_SVCS[$h]// /,}" "$(host_dir "$h")"
	done >"$LAB_DIR/hosts.tsv"
	echo "$LAB_NET" >"$LAB_DIR/lab.net"
}

# ---------------------------------------------------------------- lab state

# The lab number: the one stored by start (LAB_NET, if given, must agree), or
# with "new" (start) LAB_NET, default 0.
load_net() { lab_net_load LAB_NET 0 "$@"; }

# Running processes of any known host in LAB_DIR, as host:proc lines.
running_items() {
	local h p
	for h in "${HOSTS[@]}"; do
		[ -d "$(host_dir "$h")" ] || continue
		for p in $(host_procs "$h"); do
			proc_pid "$h" "$p" >/dev/null && echo "$h:$p"
		done
	done
	return 0
}

# ---------------------------------------------------------------- commands

# Make sure Kea and the tools are installed (the project's deps script).
ensure_deps() {
	local b missing=0
	for b in kea-dhcp4 kea-dhcp6 kea-ctrl-agent perfdhcp curl setsid openssl; do
		command -v "$b" >/dev/null || missing=1
	done
	[ -e "$FAKETIME_LIB" ] || missing=1
	if [ $missing = 1 ]; then
		say "installing Kea and lab tools (scripts/deps.sh lab)"
		sh "$REPO_DIR/scripts/deps.sh" lab || die "scripts/deps.sh lab failed"
	fi
	command -v jq >/dev/null || die "jq is missing (apt-get install jq, or scripts/deps.sh check)"
	[ -e "$HOOKS_DIR/libdhcp_ha.so" ] || die "HA hook not found in $HOOKS_DIR (set KEA_HOOKS_DIR)"
}

# Refuse to start when a port of these hosts is taken (another lab with the
# same LAB_NET?): a Kea DHCP daemon whose port is taken starts anyway, only
# logging DHCPSRV_NO_SOCKETS_OPEN, and then silently serves nothing.
check_ports_free() {
	local h s p listening busy=()
	command -v ss >/dev/null || return 0
	listening=" $(ss -Hlntu | awk '{ print $1 "/" $5 }' | tr '\n' ' ') "
	for h in "$@"; do
		p=$(host_port "$h")
		for s in "$(host_addr "$h")" 0.0.0.0 '*' '[::]'; do
			[[ $listening == *" tcp/$s:$p "* ]] && busy+=("tcp $s:$p ($h agent)")
		done
		for s in ${H_SVCS[$h]}; do
			p=$(dhcp_port "$h" "$s" server)
			[[ $listening =~ \ udp/[^\ ]*:$p\  ]] && busy+=("udp $p ($h $s)")
		done
	done
	[ ${#busy[@]} -eq 0 ] || die "ports in use, another lab with LAB_NET=$LAB_NET? ${busy[*]}"
}

# Wait (bounded) until every HA server of the given hosts is in its normal
# state, and every plain server answers; prints what is still missing.
wait_normal() {
	local deadline=$(($(now_ms) + START_TIMEOUT * 1000)) h want got i j
	local -a pending svcs states
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		pending=()
		for h in "$@"; do
			want=$(normal_state "$h")
			want=${want:-no-ha}
			read -r -a svcs <<<"${H_SVCS[$h]}"
			mapfile -t states < <(ha_states "$h" "${svcs[@]}")
			for j in "${!svcs[@]}"; do
				got=${states[j]:-down}
				[ "$got" = "$want" ] || pending+=("$h/${svcs[j]}:$got(want $want)")
			done
		done
		[ ${#pending[@]} -eq 0 ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.1
	done
	say "not in their normal state after ${START_TIMEOUT}s: ${pending[*]}"
	return 1
}

# start [TOPO...]: fresh configs, all processes, wait for normal HA states.
cmd_start() {
	local t0 topo h p want_tls=0
	local -a topos=("$@") hosts=() more
	t0=$(now_ms)
	[ ${#topos[@]} -gt 0 ] || read -r -a topos <<<"$DEFAULT_TOPOLOGIES"
	for topo in "${topos[@]}"; do
		topo_num "$topo" >/dev/null
		topo_secure "$topo" && want_tls=1
		read -r -a more <<<"$(topo_hosts "$topo")"
		hosts+=("${more[@]}")
	done
	ensure_deps
	mkdir -p "$LAB_DIR"
	[ -z "$(running_items)" ] || die "a lab is already running in $LAB_DIR: $(running_items | tr '\n' ' ')(run '$PROG stop' first)"
	load_net new
	check_ports_free "${hosts[@]}"
	[ $want_tls = 0 ] || write_tls
	MODEL=$(lab_model)
	for h in "${hosts[@]}"; do write_host "$h"; done
	write_lab_files "${hosts[@]}"
	say "starting ${hosts[*]} on 127.0.$LAB_NET.x in $LAB_DIR"
	LAUNCHED=()
	for h in "${hosts[@]}"; do
		for p in $(host_procs "$h"); do launch "$h" "$p"; done
	done
	wait_launched || { cmd_stop; die "start failed (processes stopped, logs kept in $LAB_DIR/hosts)"; }
	say "processes up after $(($(now_ms) - t0)) ms; waiting for normal HA states (max ${START_TIMEOUT}s)"
	wait_normal "${hosts[@]}" || die "lab started but not healthy (left running): see '$PROG status', the logs in $LAB_DIR/hosts, '$PROG stop'"
	say "lab ready in $(($(now_ms) - t0)) ms"
	cmd_hosts
}


# stop: every process of this lab by its pid file; logs and leases stay.
cmd_stop() {
	local -a items
	[ -d "$LAB_DIR/hosts" ] || { say "no lab in $LAB_DIR"; return 0; }
	load_net
	mapfile -t items < <(running_items)
	if [ ${#items[@]} -eq 0 ]; then
		say "nothing running in $LAB_DIR"
	else
		say "stopping ${#items[@]} processes"
		stop_items "${items[@]}"
	fi
	[ -z "$(running_items)" ] || die "some processes survived: $(running_items | tr '\n' ' ')"
	say "lab in $LAB_DIR stopped (logs kept)"
}

# status: per host, each process running or not, and each server's HA state.
cmd_status() {
	local h p pid st skew
	for h in $(lab_hosts); do
		printf '%-13s %s\n' "$h" "$(host_url "$h")"
		for p in $(host_procs "$h"); do
			if pid=$(proc_pid "$h" "$p"); then
				st="running (pid $pid)"
				[ "$(awk '{ print $3 }' "/proc/$pid/stat")" = T ] && st="frozen  (pid $pid)"
			else
				st="stopped"
			fi
			if [ "$p" = agent ]; then
				printf '  %-6s %s\n' "$p" "$st"
			else
				skew=$(cat "$(host_dir "$h")/skew" 2>/dev/null || true)
				printf '  %-6s %-24s ha: %s%s\n' "$p" "$st" "$(ha_states "$h" "$p")" "${skew:+  (clock $skew)}"
			fi
		done
	done
}

# url HOST: the host's agent URL.
cmd_url() {
	[ $# -eq 1 ] || die "usage: $PROG url HOST"
	check_host "$1"
	host_url "$1"
}

# hosts: the lab's hosts.tsv.
cmd_hosts() { cat "$LAB_DIR/hosts.tsv"; }

# kill / freeze / thaw HOST [PROC]: one signal, no grace.
cmd_signal() {
	local sig=$1 host=${2:-} procs p
	[ -n "$host" ] || die "usage: $PROG ${CMD} HOST [dhcp4|dhcp6|agent|all]"
	check_host "$host"
	procs=$(resolve_procs "$host" "${3:-all}")
	# shellcheck disable=SC2086
	signal_procs "$sig" "$host" $procs
	if [ "$sig" = KILL ]; then
		for p in $procs; do wait_gone "$host" "$p"; done
	fi
}

# stop-host HOST [PROC]: graceful stop of some processes of one host.
cmd_stop_host() {
	local host=${1:-} p
	local -a items=()
	[ -n "$host" ] || die "usage: $PROG stop-host HOST [dhcp4|dhcp6|agent|all]"
	check_host "$host"
	for p in $(resolve_procs "$host" "${2:-all}"); do items+=("$host:$p"); done
	stop_items "${items[@]}"
	say "$host: stopped ${items[*]#*:}"
}

# start-host HOST [PROC]: start again, same configs, what is not running.
cmd_start_host() {
	local host=${1:-} p
	[ -n "$host" ] || die "usage: $PROG start-host HOST [dhcp4|dhcp6|agent|all]"
	check_host "$host"
	LAUNCHED=()
	for p in $(resolve_procs "$host" "${2:-all}"); do
		proc_pid "$host" "$p" >/dev/null || launch "$host" "$p"
	done
	[ ${#LAUNCHED[@]} -gt 0 ] || { say "$host: everything already running"; return 0; }
	local started=("${LAUNCHED[@]#*:}")
	wait_launched || die "$host: start failed"
	say "$host: started ${started[*]}"
}


# skew HOST OFFSET: run the host's DHCP daemons under libfaketime.
cmd_skew() {
	local host=${1:-} off=${2:-}
	[[ $off =~ ^[+-][0-9]+[smhd]?$ ]] || die "usage: $PROG skew HOST OFFSET (e.g. +45s, -90s)"
	check_host "$host"
	[ -e "$FAKETIME_LIB" ] || die "libfaketime not found at $FAKETIME_LIB"
	echo "$off" >"$(host_dir "$host")/skew"
	restart_dhcp "$host"
	say "$host: DHCP daemons restarted with clock $off (agent on the real clock)"
}

# unskew HOST: back to the real clock.
cmd_unskew() {
	local host=${1:-}
	[ -n "$host" ] || die "usage: $PROG unskew HOST"
	check_host "$host"
	rm -f "$(host_dir "$host")/skew"
	restart_dhcp "$host"
	say "$host: DHCP daemons restarted on the real clock (a terminated partner needs '$PROG reload PARTNER')"
}

# reload HOST [SERVICE]: config-reload, the way out of 'terminated' (skew).
cmd_reload() {
	local host=${1:-} s out rc=0
	[ -n "$host" ] || die "usage: $PROG reload HOST [dhcp4|dhcp6]"
	check_host "$host"
	for s in ${2:-$(host_services "$host")}; do
		host_has "$host" "$s" || die "$host runs no $s"
		out=$(kea_cmd "$host" config-reload "$s") || { say "$host $s: agent unreachable"; rc=1; continue; }
		say "$host $s: $(jq -r '.[0].text' <<<"$out")"
		[ "$(jq -r '.[0].result' <<<"$out")" = 0 ] || rc=1
	done
	return $rc
}

# wait-state HOST SERVICE STATE [TIMEOUT]: poll status-get until the state.
cmd_wait_state() {
	local host=${1:-} svc=${2:-} want=${3:-} timeout=${4:-30} got="" t0 i
	[ -n "$want" ] || die "usage: $PROG wait-state HOST dhcp4|dhcp6 STATE [TIMEOUT]"
	[[ $timeout =~ ^[0-9]+$ ]] || die "TIMEOUT must be whole seconds"
	check_host "$host"
	host_has "$host" "$svc" || die "$host runs no $svc"
	t0=$(now_ms)
	for ((i = 0; i <= timeout * 5; i++)); do
		got=$(ha_states "$host" "$svc")
		if [ "$got" = "$want" ]; then
			say "$host $svc: $got after $(($(now_ms) - t0)) ms"
			return 0
		fi
		[ $(($(now_ms) - t0)) -lt $((timeout * 1000)) ] || break
		sleep 0.2
	done
	say "$host $svc: still '$got' after ${timeout}s (wanted $want)"
	return 1
}

# perfdhcp HOST SERVICE: a short bounded perfdhcp run against every serving
# server of HOST's pair (each answers its own share in load-balancing);
# prints the leases each gave. Fails if none was obtained.
cmd_perfdhcp() {
	local host=${1:-} svc=${2:-} h n total=0 out rc
	local clients=${PERF_CLIENTS:-50}
	[ -n "$svc" ] || die "usage: $PROG perfdhcp HOST dhcp4|dhcp6"
	check_host "$host"
	host_has "$host" "$svc" || die "$host runs no $svc"
	command -v perfdhcp >/dev/null || die "perfdhcp missing (package kea-admin)"
	for h in $(topo_hosts "${H_TOPO[$host]}"); do
		if [ "${H_ROLE[$h]}" = backup ] || ! host_has "$h" "$svc"; then continue; fi
		local -a args=(-R "$clients" -n "$clients" -r 50 -p 4
			-N "$(dhcp_port "$h" "$svc" server)" -L "$(dhcp_port "$h" "$svc" client)")
		if [ "$svc" = dhcp4 ]; then args=(-4 "${args[@]}" 127.0.0.1); else args=(-6 -A1 -l lo "${args[@]}" ::1); fi
		rc=0
		out=$(timeout 20 perfdhcp "${args[@]}" 2>&1) || rc=$?
		# The second exchange (REQUEST-ACK / REQUEST-REPLY) counts the leases.
		n=$(awk '/^received packets:/ { r[++k] = $3 } END { print (k >= 2 ? r[2] : 0) }' <<<"$out")
		[ "$rc" = 0 ] || [ "$rc" = 3 ] || say "$h: perfdhcp exit $rc: $(tail -n 1 <<<"$out")"
		printf '%s %s: %s leases for %s clients\n' "$h" "$svc" "$n" "$clients"
		total=$((total + n))
	done
	printf 'total: %s leases\n' "$total"
	[ "$total" -gt 0 ]
}

cmd_help() {
	cat <<EOF
usage: [LAB_DIR=dir] [LAB_NET=n] $PROG COMMAND [ARGS]

Real Kea 2.2 HA lab on loopback (LAB_DIR=$LAB_DIR, hosts on 127.0.\$LAB_NET.x).
Topologies: lb (load-balancing, v4+v6), hs (hot-standby, v4+v6),
bk (load-balancing + backup, v4), plain (v4+v6 servers without hooks),
sec (load-balancing, v4, agents with HTTPS + client certificates + basic auth;
only started when named).

  start [TOPO...]              write configs, start lb hs bk plain (or the
                               topologies named), wait until every server is
                               in its normal state
  stop                         stop every process of the lab (logs kept)
  status                       processes and HA states of every host
  hosts                        hosts.tsv: name address port services dir
  url HOST                     the host's Control Agent URL
  kill HOST [PROC]             SIGKILL (PROC: dhcp4, dhcp6, agent, all=default)
  stop-host HOST [PROC]        SIGTERM, bounded wait, then SIGKILL
  start-host HOST [PROC]       start what is not running, same configs
  freeze HOST [PROC]           SIGSTOP
  thaw HOST [PROC]             SIGCONT
  skew HOST OFFSET             restart HOST's DHCP daemons under libfaketime
                               (OFFSET like +45s, -90s); the agent keeps real time
  unskew HOST                  restart them on the real clock
  reload HOST [SERVICE]        config-reload (leaves 'terminated' after a skew)
  wait-state HOST SERVICE STATE [TIMEOUT]
                               poll status-get until the HA state (default 30 s)
  perfdhcp HOST SERVICE        short perfdhcp run against HOST's pair, counts
                               leases (PERF_CLIENTS clients, default 50)
  help                         this text

Files in LAB_DIR: keaha.conf (every server), keaha-primaries.conf (primaries,
plain servers, every sec server), hosts.tsv, hosts/NAME/ (configs, sockets,
leases, logs); with sec: tls/ (CA, certificates, keys, passwords),
keaha-sec-badpw.conf and keaha-sec-nocert.conf (sec servers, wrong password /
no client certificate).
EOF
}

main() {
	CMD=${1:-help}
	[ $# -gt 0 ] && shift
	case $CMD in
	help | -h | --help) cmd_help; return ;;
	start) cmd_start "$@"; return ;;
	stop) cmd_stop; return ;;
	esac
	[ -r "$LAB_DIR/hosts.tsv" ] || die "no lab in $LAB_DIR (run '$PROG start')"
	load_net
	case $CMD in
	status) cmd_status ;;
	hosts) cmd_hosts ;;
	url) cmd_url "$@" ;;
	kill) cmd_signal KILL "$@" ;;
	freeze) cmd_signal STOP "$@" ;;
	thaw) cmd_signal CONT "$@" ;;
	stop-host) cmd_stop_host "$@" ;;
	start-host) cmd_start_host "$@" ;;
	skew) cmd_skew "$@" ;;
	unskew) cmd_unskew "$@" ;;
	reload) cmd_reload "$@" ;;
	wait-state) cmd_wait_state "$@" ;;
	perfdhcp) cmd_perfdhcp "$@" ;;
	*) die "unknown command '$CMD' (see '$PROG help')" ;;
	esac
}

main "$@"
