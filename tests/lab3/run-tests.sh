#!/usr/bin/env bash
# Integration tests of `keaha status` on real Kea 3.0 servers reached directly
# over their own HTTP control sockets (tests/lab3/lab3.sh, loopback only).
#   tests/lab3/run-tests.sh              every scenario
#   KEAHA_LAB3_TESTS="t_all_ok t_tui" tests/lab3/run-tests.sh   some of them
# Each scenario starts from a fresh lab in normal states and checks what keaha
# says with jq. Prints "kea3: N passed, N failed" last; exits 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KEAHA=${KEAHA:-$top/keaha}
case "$KEAHA" in /*) ;; *) KEAHA=$top/$KEAHA ;; esac
export LAB3_NET=${LAB3_NET:-14}
export LAB_DIR=${LAB_DIR:-/tmp/keaha-test-lab3.$$}
STATE=$LAB_DIR.state
LAB="$here/lab3.sh"
pass=0 fail=0 failed_names=""

cleanup() { tmux -L "keaha-lab3-$$" kill-server >/dev/null 2>&1; "$LAB" stop >/dev/null 2>&1; rm -rf "$STATE"; }
trap cleanup EXIT INT TERM

# ok, nok, expect, expect_not, rel, srv, wait_status, wait_event, fresh_replication, tests_summary.
# shellcheck source=tests/lab/common.sh
. "$here/../lab/common.sh"

# keaha status --json, into $OUT and $RC. CONF: managed (every server by its
# control URL, the default) or primaries (the rest found by discovery).
CONF=managed
status() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-$CONF.conf" status --json --timeout "${1:-8}" 2>/dev/null)
	RC=$?
}
# Keep the JSON of a failed scenario for the report.
keep() { cat <<<"$OUT" >"$LAB_DIR.$1.json" 2>/dev/null; }

# A fresh lab for scenario $1: the ca pair (t_ca_*: alone; t_tui_tmux: with
# everything), the plain servers behind agents (t_caplain_*), else the
# default topologies (lb hs hub plain).
restart_lab() {
	local -a topos=()
	case ${1:-} in t_ca_*) topos=(ca) ;; t_caplain_*) topos=(caplain) ;; t_tui_tmux) topos=(all) ;; esac
	"$LAB" stop >/dev/null 2>&1
	"$LAB" start "${topos[@]+"${topos[@]}"}" >/dev/null || { echo "lab did not start"; exit 1; }
}

LB=lb-primary+lb-secondary/dhcp4
HS=hs-primary+hs-standby/dhcp4
H1=hub-1+spoke1/dhcp4
H2=hub-2+spoke2/dhcp4

t_all_ok() {
	status
	expect "all OK: exit 0" "$RC" 0
	expect "all OK: 4 relationships" "$(jq -c '[.relationships[].name] | sort' <<<"$OUT")" "$(jq -nc --arg a $LB --arg b $HS --arg c $H1 --arg d $H2 '[$a,$b,$c,$d] | sort')"
	expect "all OK: every relationship ok" "$(jq -r '[.relationships[].status] | unique | join(",")' <<<"$OUT")" ok
	expect "all OK: every configured server transport direct" \
		"$(jq -r '[.servers[] | select(.origin == "configured") | .transport] | unique | join(",")' <<<"$OUT")" direct
	expect "all OK: Kea version 3.0.x" "$(srv lb-primary .version | cut -d. -f1,2)" 3.0
	expect "all OK: source of truth lb-primary" "$(rel $LB '."source-of-truth"')" lb-primary
	# Primaries only: the secondaries and spokes are found by discovery at
	# their HA listener (403 to config-get): watched through status-get, noted.
	CONF=primaries status
	keep all_ok.primaries
	expect "primaries: 4 relationships discovered" "$(jq '.relationships | length' <<<"$OUT")" 4
	expect "primaries: HA-listener peers noted" \
		"$(jq '[.servers[] | select(.reachable and (.note // "" | test("HA-only listener")))] | length' <<<"$OUT")" 4
	expect "primaries: HA-listener peers watched (state known)" \
		"$(jq -r '[.relationships[].peers[] | select(.name == "lb-secondary" or .name == "spoke2") | .state] | join(",")' <<<"$OUT")" \
		load-balancing,hot-standby
	expect "primaries: every relationship ok" "$(jq -r '[.relationships[].status] | unique | join(",")' <<<"$OUT")" ok
}

t_lb_primary_killed() {
	"$LAB" kill lb-primary >/dev/null 2>&1
	if wait_status $LB impaired 15; then ok "lb-primary killed: impaired"; else keep lb_killed; nok "lb-primary killed: impaired" "$(rel $LB .status)"; fi
	expect "lb-primary killed: source of truth lb-secondary" "$(rel $LB '."source-of-truth"')" lb-secondary
	expect "lb-primary killed: fault refused" "$(srv lb-primary .fault)" refused
	expect "lb-primary killed: peer reach down (direct daemon refusing)" "$(rel $LB '.peers[] | select(.name == "lb-primary") | .reach')" down
	expect "lb-primary killed: exit 1" "$RC" 1
	expect "lb-primary killed: others unaffected" "$(rel $HS .status)/$(rel $H1 .status)/$(rel $H2 .status)" ok/ok/ok
	"$LAB" wait-state lb-secondary partner-down 15 >/dev/null 2>&1
	status
	expect "lb-primary killed: lb-secondary partner-down seen" \
		"$(rel $LB '.peers[] | select(.name == "lb-secondary") | .state')" partner-down
}

t_hs_frozen() {
	local t0 t1
	"$LAB" freeze hs-primary >/dev/null 2>&1
	t0=$(date +%s.%N)
	status 5
	t1=$(date +%s.%N)
	keep hs_frozen
	"$LAB" thaw hs-primary >/dev/null 2>&1
	if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 9) }'; then ok "hs-primary frozen: status returns within its deadline"
	else nok "hs-primary frozen: status returns within its deadline" "took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') s"; fi
	expect_not "hs-primary frozen: hs relationship not OK" "$(rel $HS .status)" ok
	expect "hs-primary frozen: its peer reported as timeout" "$(rel $HS '.peers[] | select(.name == "hs-primary") | .error')" timeout
	expect "hs-primary frozen: lb unaffected" "$(rel $LB .status)" ok
}

t_lb_both_killed() {
	"$LAB" kill lb-primary >/dev/null 2>&1
	"$LAB" kill lb-secondary >/dev/null 2>&1
	if wait_status $LB service-down 10; then ok "both lb peers killed: service down"
	else keep lb_both; nok "both lb peers killed: service down" "$(rel $LB .status): $(rel $LB .reason)"; fi
	expect "both lb peers killed: exit 2" "$RC" 2
	expect "both lb peers killed: no source of truth" "$(rel $LB '."source-of-truth"')" null
}

t_clock_skew() {
	"$LAB" skew lb-secondary +45s >/dev/null 2>&1
	"$LAB" wait-state lb-secondary load-balancing 20 >/dev/null 2>&1
	"$LAB" wait-state lb-primary load-balancing 20 >/dev/null 2>&1
	if wait_status $LB impaired 15; then ok "skew +45 s: impaired"; else keep skew; nok "skew +45 s: impaired" "$(rel $LB .status)"; fi
	local skew
	skew=$(rel $LB '."clock-skew"')
	if [ -n "$skew" ] && [ "$skew" != null ] && awk -v s="$skew" 'BEGIN { exit !(s >= 43 && s <= 47) }'; then ok "skew +45 s: shown ($skew s)"
	else keep skew; nok "skew +45 s: shown" "$skew"; fi
	expect "skew +45 s: lb-secondary clock offset positive" "$(rel $LB '.peers[] | select(.name == "lb-secondary") | ."clock-offset" > 40')" true
	expect "skew +45 s: Kea's own clock-skew (lb-primary status-get)" \
		"$("$LAB" cmd lb-primary status-get 2>/dev/null | jq '.[0].arguments["high-availability"][0]["ha-servers"].remote["clock-skew"] | . >= 43 and . <= 47')" true
}

t_spoke1_killed() {
	"$LAB" kill spoke1 >/dev/null 2>&1
	if wait_status $H1 impaired 15; then ok "spoke1 killed: hub-1 impaired"; else keep spoke1; nok "spoke1 killed: hub-1 impaired" "$(rel $H1 .status)"; fi
	"$LAB" wait-state hub:hub-1 partner-down 15 >/dev/null 2>&1
	status
	expect "spoke1 killed: hub-2 relationship ok" "$(rel $H2 .status)" ok
	expect "spoke1 killed: hub-1 partner-down" "$(rel $H1 '.peers[] | select(.name == "hub-1") | .state')" partner-down
	expect "spoke1 killed: source of truth hub-1" "$(rel $H1 '."source-of-truth"')" hub-1
}

# ha-maintenance-start sent to spoke2 puts its partner (hub-2) in
# in-maintenance and spoke2 in partner-in-maintenance. Kea then stops the
# hub's DHCP service for ALL its relationships (dhcp-state globally-disabled,
# disabled-by-local-command [1001]): hub-1's subnet is not served either, so
# keaha must not call hub-1's relationship OK.
t_spoke2_maintenance() {
	local a
	a=$("$LAB" cmd spoke2 ha-maintenance-start 2>/dev/null)
	expect "maintenance: ha-maintenance-start accepted" "$(jq -r '.[0].result' <<<"$a")" 0
	"$LAB" wait-state spoke2 partner-in-maintenance 10 >/dev/null 2>&1
	"$LAB" wait-state hub:hub-2 in-maintenance 10 >/dev/null 2>&1
	a=$("$LAB" cmd hub status-get 2>/dev/null)
	expect "maintenance: Kea says hub globally disabled" "$(jq -r '.[0].arguments["dhcp-state"]["globally-disabled"]' <<<"$a")" true
	expect "maintenance: Kea says hub-1 still hot-standby" \
		"$(jq -r '.[0].arguments["high-availability"][0]["ha-servers"].local.state' <<<"$a")" hot-standby
	sleep 2
	status
	keep maintenance
	expect "maintenance: hub-2 in-maintenance seen" "$(rel $H2 '.peers[] | select(.name == "hub-2") | .state')" in-maintenance
	expect "maintenance: spoke2 partner-in-maintenance seen" "$(rel $H2 '.peers[] | select(.name == "spoke2") | .state')" partner-in-maintenance
	expect_not "maintenance: hub-2 relationship not OK" "$(rel $H2 .status)" ok
	expect_not "maintenance: hub-1 relationship not OK (hub not serving)" "$(rel $H1 .status)" ok
	expect "maintenance: others unaffected" "$(rel $LB .status)/$(rel $HS .status)" ok/ok
}

t_tui() {
	local dump=$LAB_DIR/tui.txt r missing=""
	timeout 30 "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-managed.conf" --headless 140x40 --rounds 2 \
		--dump "$dump" >/dev/null 2>&1
	expect "tui: headless exit 0" "$?" 0
	for r in $LB $HS $H1 $H2; do grep -qF "$r" "$dump" 2>/dev/null || missing="$missing $r"; done
	expect "tui: every relationship rendered" "${missing:-none}" none
	CONF=primaries
	timeout 30 "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" --headless 140x40 --rounds 2 \
		--dump "$dump.primaries" >/dev/null 2>&1
	missing=""
	for r in $LB $HS $H1 $H2; do grep -qF "$r" "$dump.primaries" 2>/dev/null || missing="$missing $r"; done
	expect "tui primaries: every relationship rendered" "${missing:-none}" none
	CONF=managed
}

# config-get of a lab host, sorted, hash included (Kea 3: equal hash = same configuration).
conf3() { "$LAB" cmd "$1" config-get 2>/dev/null | jq -S '.[0].arguments'; }
has() { grep -qF -- "$2" <<<"$1" && echo yes || echo "no: $(tail -n 3 <<<"$1" | tr '\n' ' ')"; }
rel3() { # keaha relationship ... over direct HTTP on every host's control URL; OUT, RC
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" relationship "$@" 2>&1)
	RC=$?
}
TIMINGS3=(--heartbeat-delay 1000 --max-response-delay 4000 --max-ack-delay 2000 --max-unacked-clients 0)

# The wizard's engine over direct HTTP (no Control Agent, no "service"): add a
# hot-standby relationship to the plain servers, HA sharing each daemon's
# control socket, then remove it; then a config-set the HA hook rejects
# (result 5: Kea runs without hooks while config-get shows the old
# configuration) rolled back and verified. Both servers end exactly as before.
t_relationship_direct() {
	local a b
	a=$(conf3 plain-a) b=$(conf3 plain-b)
	rel3 add d4 --mode hot-standby --primary plain-a --partner plain-b "${TIMINGS3[@]}" --yes
	expect "direct add: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	expect "direct add: HA peers at the control URLs, no dedicated listener" \
		"$(conf3 plain-a | jq -c '.Dhcp4["hooks-libraries"][1].parameters["high-availability"][0] | [.peers[].url, .["multi-threading"]["http-dedicated-listener"]]')" \
		"[\"http://127.0.$LAB3_NET.38:8108/\",\"http://127.0.$LAB3_NET.39:8109/\",false]"
	"$LAB" wait-state plain-b hot-standby 15 >/dev/null 2>&1
	status
	expect "direct add: relationship d4 ok" "$(jq -r '.relationships[] | select(.name == "d4") | .status' <<<"$OUT")" ok
	expect "direct add: both peers hot-standby" \
		"$(jq -r '[.relationships[] | select(.name == "d4") | .peers[].state] | join(",")' <<<"$OUT")" hot-standby,hot-standby
	rel3 add d4b --mode hot-standby --primary plain-b --partner plain-a "${TIMINGS3[@]}" --yes
	expect "direct: the standby refused as primary of a second relationship (exit 2)" "$RC" 2
	# A peer known only by its HA listener (403 to config-get) is never managed through it.
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" relationship remove "$LB" \
		--secondary-scopes keep --yes 2>&1)
	expect "direct: a peer known only by its HA listener: refused (exit 2)" "$?" 2
	expect "direct: ... and told why" "$(has "$OUT" "only the HA listener of lb-secondary is known")" yes
	rel3 remove d4 --secondary-scopes keep --yes
	expect "direct remove: exit 0" "$RC" 0
	expect "direct remove: plain-a exactly as before (same hash)" "$(conf3 plain-a)" "$a"
	expect "direct remove: plain-b exactly as before (same hash)" "$(conf3 plain-b)" "$b"
	OUT=$(KEAHA_TEST_HOOK_REJECT=plain-a "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" relationship add d4 \
		--mode hot-standby --primary plain-a --partner plain-b "${TIMINGS3[@]}" --yes 2>&1)
	RC=$?
	expect "hook rejected (result 5): not applied (exit 1)" "$RC" 1
	expect "hook rejected (result 5): said" "$(has "$OUT" "failed to load (result 5)")" yes
	expect "hook rejected (result 5): both rolled back and verified" "$(grep -c 'rolled back .*verified' <<<"$OUT")" 2
	expect "hook rejected (result 5): plain-a exactly as before" "$(conf3 plain-a)" "$a"
	expect "hook rejected (result 5): plain-b exactly as before" "$(conf3 plain-b)" "$b"
	expect "hook rejected (result 5): plain-a runs multi-threaded again, without HA" \
		"$("$LAB" cmd plain-a status-get 2>/dev/null | jq -c '.[0].arguments | [.["multi-threading-enabled"], has("high-availability")]')" \
		"[true,false]"
	expect "hook rejected (result 5): no journal left" "$(ls "$STATE/journal.json" 2>/dev/null | wc -l)" 0
}

# A spoke added to the lab's hub (hot-standby, Kea 3 hub-and-spoke): the hub
# gets a third relationship with its own this-server-name, the spoke's subnet
# (added to the hub first, as an admin would) tied to it with ha-server-name;
# hub-1 and hub-2 keep working. Removing it gives the spoke its original
# configuration and leaves the hub's other relationships as they were.
t_hub_spoke() {
	local a h hub_ha
	h=$(conf3 hub | jq -c --argjson sn "$(conf3 plain-a | jq -c '.Dhcp4.subnet4[0]')" 'del(.hash) | .Dhcp4.subnet4 += [$sn]')
	expect "hub-spoke: set-up (plain-a's subnet on the hub)" "$("$LAB" cmd hub config-set "$h" 2>/dev/null | jq '.[0].result')" 0
	"$LAB" wait-state hub hot-standby 15 >/dev/null 2>&1
	a=$(conf3 plain-a) hub_ha=$(conf3 hub | jq -c '.Dhcp4["hooks-libraries"]')
	rel3 add s3 --mode hot-standby --primary hub --partner plain-a "${TIMINGS3[@]}" --yes
	expect "hub-spoke add: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	expect "hub-spoke add: the hub has three relationships" \
		"$(conf3 hub | jq -c '[.Dhcp4["hooks-libraries"][1].parameters["high-availability"][]["this-server-name"]]')" '["hub-1","hub-2","hub"]'
	expect "hub-spoke add: the spoke's subnet tied to the new relationship" \
		"$(conf3 hub | jq -r '.Dhcp4.subnet4[2]["user-context"]["ha-server-name"]')" hub
	"$LAB" wait-state hub:hub-1 hot-standby 15 >/dev/null 2>&1
	"$LAB" wait-state hub:hub-2 hot-standby 15 >/dev/null 2>&1
	status
	expect "hub-spoke add: s3 ok" "$(rel s3 .status)" ok
	expect "hub-spoke add: hub-1 and hub-2 still ok" "$(rel $H1 .status)/$(rel $H2 .status)" ok/ok
	rel3 remove s3 --secondary-scopes keep --yes
	expect "hub-spoke remove: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	expect "hub-spoke remove: plain-a exactly as before (same hash)" "$(conf3 plain-a)" "$a"
	expect "hub-spoke remove: the hub's hooks as before" "$(conf3 hub | jq -c '.Dhcp4["hooks-libraries"]')" "$hub_ha"
	expect "hub-spoke remove: the spoke's subnet on the hub without pools, tie kept" \
		"$(conf3 hub | jq -c '.Dhcp4.subnet4[2] | [(.pools | length), .["user-context"].keaha["ha-server-name"]]')" '[0,"hub"]'
	"$LAB" wait-state hub:hub-1 hot-standby 15 >/dev/null 2>&1
	"$LAB" wait-state hub:hub-2 hot-standby 15 >/dev/null 2>&1
	status
	expect "hub-spoke remove: hub-1 and hub-2 ok" "$(rel $H1 .status)/$(rel $H2 .status)" ok/ok
}

# --- Replication (issue 6) over direct HTTP: keaha edit, drift, keaha sync, the dashboard ---

# keaha CMD... on $CONF, no terminal; OUT and RC.
repl3() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-$CONF.conf" "$@" </dev/null 2>&1)
	RC=$?
}
# A jq filter over a host's Dhcp4 map (config-get), compact.
dhcp4_of() { "$LAB" cmd "$1" config-get 2>/dev/null | jq -c ".[0].arguments.Dhcp4 | $2"; }
# A change made outside keaha (config-get, a jq filter on the arguments, config-set); Kea's result.
external3() {
	local a
	a=$("$LAB" cmd "$1" config-get 2>/dev/null | jq -c ".[0].arguments | del(.hash) | $2")
	"$LAB" cmd "$1" config-set "$a" 2>/dev/null | jq -r '.[0].result'
}
# An $EDITOR script that applies a jq filter to the file keaha opens; prints its path.
editor3() {
	printf '%s\n' "$2" >"$STATE/$1.jq"
	printf '#!/bin/sh\njq -f "%s" "$1" >"$1.new" && mv "$1.new" "$1"\n' "$STATE/$1.jq" >"$STATE/$1.sh"
	chmod +x "$STATE/$1.sh"
	echo "$STATE/$1.sh"
}
peer3() { rel "$1" ".peers[] | select(.name == \"$2\") | $3"; }
LOCAL3='[.["control-sockets"], .["lease-database"], .loggers, .["interfaces-config"], (.["hooks-libraries"][] | select(.library | test("libdhcp_ha")) | .parameters["high-availability"][0] | [.["this-server-name"], .["multi-threading"]])]'
# The pool, an option and a reservation changed on the primary, by an editor script.
LB3_EDIT='.Dhcp4.subnet4[0].pools[0].pool |= sub("250$"; "200")
 | .Dhcp4["option-data"] += [{"name": "domain-name-servers", "data": "192.0.2.53"}]
 | .Dhcp4.subnet4[0].reservations += [{"hw-address": "aa:bb:cc:00:01:01", "ip-address": (.Dhcp4.subnet4[0].subnet | sub("0\\.0/16$"; "7.1")), "hostname": "printer1"}]'

t_replication_edit3() {
	local ed local_before pool hash_before
	fresh_replication
	pool=$(dhcp4_of lb-primary '.subnet4[0].pools[0].pool')
	local_before=$(dhcp4_of lb-secondary "$LOCAL3")
	hash_before=$("$LAB" cmd lb-secondary config-hash-get 2>/dev/null | jq -r '.[0].arguments.hash')
	ed=$(editor3 lb-edit "$LB3_EDIT")
	EDITOR=$ed repl3 edit lb-primary
	expect "edit3: without --yes and without a terminal: refused (2)" "$RC" 2
	expect "edit3: refused: the primary unchanged" "$(dhcp4_of lb-primary '.subnet4[0].pools[0].pool')" "$pool"
	EDITOR=$ed repl3 edit lb-primary --yes
	expect "edit3: on the lb primary over direct HTTP: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	expect "edit3: the pool change in one line" "$(grep -c 'pool .*-.*\.250 differs (.*\.200 on your edit)' <<<"$OUT")" 1
	expect "edit3: the secondary has the new pool" "$(dhcp4_of lb-secondary '.subnet4[0].pools[0].pool')" "${pool%250\"}200\""
	expect "edit3: the secondary has the option" \
		"$(dhcp4_of lb-secondary '[.["option-data"][] | select(.name == "domain-name-servers") | .data] | join(",")')" '"192.0.2.53"'
	expect "edit3: the secondary has the reservation" "$(dhcp4_of lb-secondary '[.subnet4[0].reservations[].hostname] | join(",")')" '"printer1"'
	expect "edit3: the secondary's server-local parts unchanged" "$(dhcp4_of lb-secondary "$LOCAL3")" "$local_before"
	expect_not "edit3: the secondary's Kea 3 configuration hash moved" \
		"$("$LAB" cmd lb-secondary config-hash-get 2>/dev/null | jq -r '.[0].arguments.hash')" "$hash_before"
	wait_status $LB ok 20
	expect "edit3: HA back in its normal state (OK)" "$(rel $LB .status)" ok
	expect "edit3: no config drift afterwards" "$(rel $LB '.["config-drift"]')" false
	expect "edit3: both originals backed up" "$(ls "$STATE/backups" 2>/dev/null | grep -c 'lb-.*-dhcp4.json')" 2
	expect "edit3: HA-only listener peers: refused, nothing changed (2)" \
		"$(CONF=primaries; EDITOR=$ed repl3 edit lb-primary --yes; echo "$RC $(grep -c 'only its HA listener is known' <<<"$OUT")")" "2 1"
}

# An external config-set on the secondary: `keaha watch` sees it by the Kea 3
# configuration hash (no reload rule on Kea 3) as a drift event; keaha sync
# brings it back (backup kept), and watch sees the drift resolved.
t_replication_sync3() {
	local wpid ev=$STATE/watch.jsonl
	fresh_replication
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-managed.conf" watch --events "$ev" --duration 40 \
		</dev/null >/dev/null 2>&1 &
	wpid=$!
	wait_event "$ev" verdict ok 10
	expect "sync3: external config-set on the secondary" \
		"$(external3 lb-secondary '.Dhcp4["valid-lifetime"] = 999 | .Dhcp4.subnet4[0].reservations += [{"hw-address": "aa:bb:cc:00:02:01", "ip-address": (.Dhcp4.subnet4[0].subnet | sub("0\\.0/16$"; "8.1"))}, {"hw-address": "aa:bb:cc:00:02:02", "ip-address": (.Dhcp4.subnet4[0].subnet | sub("0\\.0/16$"; "8.2"))}]')" 0
	if wait_event "$ev" drift drift 10; then ok "sync3: watch: a drift event (change seen by the config hash)"
	else nok "sync3: watch: a drift event" "$(cat "$ev" 2>/dev/null | tail -n 3)"; fi
	status
	expect "sync3: the secondary shows config-drift" "$(peer3 $LB lb-secondary '.["config-drift"]')" true
	expect "sync3: in words" "$(peer3 $LB lb-secondary '.drift | join("; ")')" \
		"subnet $(dhcp4_of lb-primary '.subnet4[0].subnet' | tr -d '"'): 2 reservations only on lb-secondary; valid-lifetime differs"
	repl3 sync $LB --dry-run
	expect "sync3: --dry-run with drift: exit 1" "$RC" 1
	expect "sync3: --dry-run changed nothing" "$(dhcp4_of lb-secondary '.["valid-lifetime"]')" 999
	repl3 sync $LB
	expect "sync3: without --yes and without a terminal: refused (2)" "$RC" 2
	repl3 sync $LB --yes
	expect "sync3: exit 0" "$RC" 0
	expect "sync3: the secondary has the primary's lifetime again" "$(dhcp4_of lb-secondary '.["valid-lifetime"]')" 3600
	expect "sync3: the overwritten configuration saved" \
		"$(jq '.Dhcp4["valid-lifetime"]' "$STATE"/backups/*-lb-secondary-dhcp4.json 2>/dev/null | head -n 1)" 999
	if wait_event "$ev" drift in-line 10; then ok "sync3: watch: drift resolved"
	else nok "sync3: watch: drift resolved" "$(tail -n 3 "$ev" 2>/dev/null)"; fi
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	repl3 sync $LB --yes
	expect "sync3: nothing to do: exit 0" "$RC" 0
	repl3 sync $H1 --yes
	expect "sync3: a hub's relationship: refused (2)" "$RC" 2
	expect "sync3: ... and told why" "$(has "$OUT" "hub and spoke")" yes
	CONF=primaries repl3 sync $LB --yes
	expect "sync3: a peer known only by its HA listener: refused (2)" "$RC" 2
	CONF=managed
}

# The primary away: the edit goes to the secondary (the source of truth now);
# the returned primary gets it from the secondary, never the other way round.
t_replication_primary_away3() {
	local ed
	fresh_replication
	"$LAB" kill lb-primary >/dev/null 2>&1
	"$LAB" wait-state lb-secondary partner-down 15 >/dev/null 2>&1
	ed=$(editor3 lifetime '.Dhcp4["valid-lifetime"] = 1800 | .Dhcp4["max-valid-lifetime"] = 1800')
	EDITOR=$ed repl3 edit $LB --yes
	expect "primary away3: the edit goes to the secondary (exit 0)" "$RC" 0
	expect "primary away3: the secondary is the source" "$(has "$OUT" "Editing lb-secondary's")" yes
	expect "primary away3: the secondary has the edit" "$(dhcp4_of lb-secondary '.["valid-lifetime"]')" 1800
	"$LAB" start-host lb-primary >/dev/null 2>&1
	"$LAB" wait-state lb-primary load-balancing 30 >/dev/null 2>&1
	status
	expect "primary back3: the secondary stays the source until the primary has the edit" \
		"$(rel $LB .replication.source)" lb-secondary
	expect "primary back3: the primary shows the drift" "$(peer3 $LB lb-primary '.["config-drift"]')" true
	repl3 sync $LB --yes
	expect "primary back3: sync exit 0" "$RC" 0
	expect "primary back3: the primary has the edit" "$(dhcp4_of lb-primary '.["valid-lifetime"]')" 1800
	expect "primary back3: the secondary kept it" "$(dhcp4_of lb-secondary '.["valid-lifetime"]')" 1800
	status
	expect "primary back3: the primary is the source again" "$(rel $LB .replication.source)" lb-primary
	expect "primary back3: no drift" "$(rel $LB '.["config-drift"]')" false
}

# The dashboard (headless) notices an external change on the secondary by its
# hash and brings it back by itself; its events file has the drift and the
# automatic replication, started then finished.
t_replication_dashboard3() {
	local dpid ev=$STATE/dash.jsonl
	fresh_replication
	repl3 sync $LB --yes   # the record: what keaha made everyone's
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-managed.conf" --headless 120x40 --rounds 40 \
		--events "$ev" --dump "$STATE/dash.txt" </dev/null >/dev/null 2>&1 &
	dpid=$!
	wait_event "$ev" verdict ok 10
	expect "dashboard3: external change on the secondary" "$(external3 lb-secondary '.Dhcp4["valid-lifetime"] = 777')" 0
	if wait_event "$ev" replication finished 30; then ok "dashboard3: automatic replication finished (event)"
	else nok "dashboard3: automatic replication finished (event)" "$(tail -n 4 "$ev" 2>/dev/null; cat "$STATE/replication.log" 2>/dev/null | tail -n 4)"; fi
	# The drift can be seen resolved before the child has exited: only these orders are fixed.
	expect "dashboard3: the drift came first" \
		"$(jq -r 'select(.kind == "drift" or .kind == "replication") | .kind + ":" + .to' "$ev" 2>/dev/null | head -n 1)" drift:drift
	expect "dashboard3: one replication, started then finished" \
		"$(jq -r 'select(.kind == "replication") | .to' "$ev" 2>/dev/null | tr '\n' ' ')" "started finished "
	if wait_event "$ev" drift in-line 10; then ok "dashboard3: drift resolved (event)"
	else nok "dashboard3: drift resolved (event)" "$(tail -n 3 "$ev" 2>/dev/null)"; fi
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	expect "dashboard3: the secondary's lifetime is the primary's" "$(dhcp4_of lb-secondary '.["valid-lifetime"]')" 3600
	expect "dashboard3: the run is logged" "$(grep -c 'automatic replication: keaha sync' "$STATE/replication.log" 2>/dev/null)" 1
}

# keaha ha ... on every host by its control URL (keaha-managed.conf); sets OUT and RC.
ha3() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-managed.conf" ha "$@" 2>&1)
	RC=$?
}
# The HA state of each of HOST's relationships, as Kea reports it ("a,b" for the hub).
states3() { "$LAB" cmd "$1" status-get 2>/dev/null | jq -r '[.[0].arguments["high-availability"][]["ha-servers"].local.state] | join(",")'; }

# keaha ha maintenance on a hub relationship. Sent to the hub, Kea's maintenance commands act
# on every relationship of it (kea3 README section 4): keaha warns before, and Kea really puts
# the other spoke in in-maintenance too; one cancel through the hub ends both.
t_ha_hub_maintenance() {
	ha3 maintenance-start $H1 --peer spoke1 --dry-run
	expect "hub maintenance --dry-run: exit 0" "$RC" 0
	expect "hub maintenance: sent to the hub, with its own name in hub-1" \
		"$(has "$OUT" 'send ha-maintenance-start to hub-1 with {"server-name":"hub-1"}')" yes
	expect "hub maintenance: warns that it acts on every relationship of the hub" \
		"$(has "$OUT" "Warning: hub-1 is a Kea hub in 1 more relationship(s) ($H2): ha-maintenance-start and -cancel act on all of them")" yes
	expect "hub maintenance --dry-run: nothing sent" "$(states3 hub)/$(states3 spoke1)" hot-standby,hot-standby/hot-standby
	ha3 maintenance-start $H1 --peer spoke1 --yes
	expect "hub maintenance: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 6
	expect "hub maintenance: spoke1 in-maintenance" "$(states3 spoke1)" in-maintenance
	expect "hub maintenance: the hub partner-in-maintenance in both relationships" "$(states3 hub)" \
		partner-in-maintenance,partner-in-maintenance
	expect "hub maintenance: as warned, spoke2 in-maintenance too" "$(states3 spoke2)" in-maintenance
	status
	keep ha_hub_maintenance
	expect "hub maintenance: next step maintenance-cancel on both relationships" \
		"$(rel $H1 '."next-action"') $(rel $H2 '."next-action"')" "maintenance-cancel maintenance-cancel"
	ha3 maintenance-cancel $H1 --yes
	expect "hub cancel: exit 0" "$RC" 0
	expect "hub cancel: warns it acts on every relationship" "$(has "$OUT" "act on all of them")" yes
	"$LAB" wait-state spoke2 hot-standby 10 >/dev/null 2>&1
	expect "hub cancel: everything hot-standby again" "$(states3 hub)/$(states3 spoke1)/$(states3 spoke2)" \
		hot-standby,hot-standby/hot-standby/hot-standby
	ha3 maintenance-cancel $H2 --yes
	expect "hub cancel: the other relationship has nothing left to cancel (exit 2)" "$RC" 2
	# The hub as the server taken down: one in-maintenance relationship switches its DHCP off for all.
	ha3 maintenance-start $H2 --peer hub-2 --dry-run
	expect "hub taken down --dry-run: sent to spoke2" "$(has "$OUT" "send ha-maintenance-start to spoke2")" yes
	expect "hub taken down --dry-run: warns hub-1's clients go unserved" \
		"$(has "$OUT" "hub-2 is a Kea hub: one relationship in in-maintenance switches its DHCP off for all of them, so clients of $H1 are not served")" yes
	status
	expect "hub: all OK at the end" "$(rel $H1 .status)/$(rel $H2 .status)" ok/ok
}

# Recovery from terminated on Kea 3 (kea3 README section 6): the skewed server restarted with
# a good clock waits for its partner; keaha re-applies the configuration of the one still
# terminated (config-set of its own config-get), and both return to load-balancing.
t_ha_recover() {
	"$LAB" skew lb-secondary +90s >/dev/null 2>&1
	"$LAB" wait-state lb-primary terminated 15 >/dev/null 2>&1
	"$LAB" wait-state lb-secondary terminated 15 >/dev/null 2>&1
	expect "skew +90 s: both terminated" "$(states3 lb-primary)/$(states3 lb-secondary)" terminated/terminated
	status
	expect "terminated: next step recover" "$(rel $LB '."next-action"')" recover
	ha3 recover $LB --yes
	expect "recover while the clocks differ: refused (exit 2)" "$RC" 2
	expect "recover refused: the skew named from keaha's own clocks" "$(has "$OUT" "fix NTP on lb-secondary (+9")" yes
	expect "recover refused: nothing sent" "$(states3 lb-primary)" terminated
	"$LAB" unskew lb-secondary >/dev/null 2>&1
	"$LAB" wait-state lb-secondary waiting 10 >/dev/null 2>&1
	expect "clock fixed, restarted: lb-secondary waits for its terminated partner" "$(states3 lb-secondary)" waiting
	status
	keep ha_recover
	expect "clock fixed: Kea's frozen 90 s not taken for a skew" "$(rel $LB .reason | grep -c 'clocks differ')" 0
	expect "clock fixed: next step recover" "$(rel $LB '."next-action"')" recover
	ha3 recover $LB --yes
	expect "recover: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 6
	expect "recover: only the terminated lb-primary re-applied" "$(grep -c 'send config-set to' <<<"$OUT") $(has "$OUT" "send config-set to lb-primary")" "1 yes"
	expect "recover: its configuration kept first" "$(ls "$STATE"/backups/*-lb-primary-dhcp4-recover.json 2>/dev/null | wc -l)" 1
	expect "recover: both load-balancing" "$(states3 lb-primary)/$(states3 lb-secondary)" load-balancing/load-balancing
	if wait_status $LB ok 10; then ok "recover: relationship OK"; else keep ha_recover_after; nok "recover: relationship OK" "$(rel $LB .reason)"; fi
}

# ---------------------------------------------------------------- the ca pair
# ca-primary / ca-secondary: kea-dhcp4 and kea-dhcp6 behind each host's own
# kea-ctrl-agent 3.0, HA (load-balancing, both families) through the agents.
CA4=ca-primary+ca-secondary/dhcp4
CA6=ca-primary+ca-secondary/dhcp6

t_ca_all_ok() {
	status
	keep ca_all_ok
	expect "ca: exit 0" "$RC" 0
	expect "ca: two relationships, DHCPv4 and DHCPv6" "$(jq -c '[.relationships[].name] | sort' <<<"$OUT")" "[\"$CA4\",\"$CA6\"]"
	expect "ca: both ok" "$(rel $CA4 .status)/$(rel $CA6 .status)" ok/ok
	expect "ca: transport detected as agent (configured auto)" "$(srv ca-primary .transport)/$(srv ca-secondary .transport)" agent/agent
	expect "ca: Kea version 3.0.x through the agent" "$(srv ca-primary .version | cut -d. -f1,2)" 3.0
	expect "ca: both services found with HA" \
		"$(srv ca-secondary '[.services | to_entries[] | "\(.key)=\(.value.reach),\(.value.ha)"] | join(" ")')" "dhcp4=ok,true dhcp6=ok,true"
	expect "ca: both peers load-balancing in DHCPv6" "$(rel $CA6 '[.peers[].state] | join(",")')" load-balancing,load-balancing
	# Primary only: ca-secondary found by discovery at its HA peer URL, which is its agent.
	CONF=primaries status
	keep ca_all_ok.primaries
	expect "ca primaries: ca-secondary discovered through its agent" "$(srv ca-secondary '.origin + "/" + .transport')" discovered/agent
	expect "ca primaries: both relationships ok" "$(rel $CA4 .status)/$(rel $CA6 .status)" ok/ok
}

t_ca_dhcp4_killed() {
	"$LAB" kill ca-primary dhcp4 >/dev/null 2>&1
	if wait_status $CA4 impaired 15; then ok "ca dhcp4 killed behind its agent: DHCPv4 impaired"
	else keep ca_dhcp4_killed; nok "ca dhcp4 killed behind its agent: DHCPv4 impaired" "$(rel $CA4 .status)"; fi
	expect "ca dhcp4 killed: the agent still answers" "$(srv ca-primary .reachable)" true
	expect "ca dhcp4 killed: its dhcp4 service down" "$(srv ca-primary .services.dhcp4.reach)" down
	expect "ca dhcp4 killed: the agent's 'likely to be offline' kept" \
		"$(rel $CA4 '.peers[] | select(.name == "ca-primary") | .error' | grep -c 'likely to be offline')" 1
	expect "ca dhcp4 killed: source of truth ca-secondary" "$(rel $CA4 '."source-of-truth"')" ca-secondary
	expect "ca dhcp4 killed: DHCPv6 unaffected" "$(rel $CA6 .status)" ok
	expect "ca dhcp4 killed: exit 1" "$RC" 1
	"$LAB" wait-state ca-secondary:dhcp4 partner-down 15 >/dev/null 2>&1
	status
	expect "ca dhcp4 killed: ca-secondary partner-down seen" "$(rel $CA4 '.peers[] | select(.name == "ca-secondary") | .state')" partner-down
}

t_ca_agent_stopped() {
	"$LAB" stop-host ca-secondary agent >/dev/null 2>&1
	if wait_status $CA6 impaired 15; then ok "ca agent stopped: DHCPv6 impaired"
	else keep ca_agent_stopped; nok "ca agent stopped: DHCPv6 impaired" "$(rel $CA6 .status)"; fi
	expect "ca agent stopped: DHCPv4 impaired too" "$(rel $CA4 .status)" impaired
	expect "ca agent stopped: ca-secondary unreachable, refused" "$(srv ca-secondary '"\(.reachable)/\(.fault)"')" false/refused
	expect "ca agent stopped: its peer reach not ok in both" \
		"$(rel $CA4 '.peers[] | select(.name == "ca-secondary") | .reach')/$(rel $CA6 '.peers[] | select(.name == "ca-secondary") | .reach')" \
		unknown/unknown
	expect "ca agent stopped: its daemons still run (only the agent stopped)" \
		"$(test -n "$("$LAB" status 2>/dev/null | grep '^ca-secondary' | grep -o 'dhcp4 running.*dhcp6 running.*agent stopped')" && echo yes)" yes
	"$LAB" wait-state ca-primary partner-down 15 >/dev/null 2>&1
	status
	expect "ca agent stopped: ca-primary partner-down in both families" "$(rel $CA4 '."source-of-truth"')/$(rel $CA6 '."source-of-truth"')" ca-primary/ca-primary
	"$LAB" start-host ca-secondary agent >/dev/null 2>&1
	if wait_status $CA6 ok 30 && wait_status $CA4 ok 10; then ok "ca agent back: both relationships ok"
	else keep ca_agent_back; nok "ca agent back: both relationships ok" "$(rel $CA4 .status)/$(rel $CA6 .status)"; fi
}

# The kea-dhcp4 behind ca-primary's agent frozen (SIGSTOP) while the agent runs. Kea 3.0's
# agent forwards one command at a time and waits 60 s for the hung daemon ("Operation
# canceled"), so it answers nobody meanwhile: not keaha, not its own commands, not the
# partner's DHCPv6 heartbeats. Seen on Kea 3.0.4: ca-secondary goes partner-down in BOTH
# families after ~11 s, though ca-primary's kea-dhcp6 runs. keaha must not hang, must call
# ca-primary unknown (timeout), never down (it cannot know whether the daemons serve), and
# follow the partner's view; all OK again soon after thaw.
t_ca_dhcp4_frozen() {
	local t0 t1
	"$LAB" freeze ca-primary dhcp4 >/dev/null 2>&1
	t0=$(date +%s.%N)
	status 5
	t1=$(date +%s.%N)
	keep ca_dhcp4_frozen
	if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 7) }'; then ok "ca dhcp4 frozen: status returns within --timeout 5 + 2 s"
	else nok "ca dhcp4 frozen: status returns within --timeout 5 + 2 s" "took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') s"; fi
	expect "ca dhcp4 frozen: ca-primary (its agent) unreachable, timeout" "$(srv ca-primary '"\(.reachable)/\(.fault)/\(.reach)"')" false/timeout/unknown
	expect "ca dhcp4 frozen: its DHCPv4 peer unknown, not down" "$(rel $CA4 '.peers[] | select(.name == "ca-primary") | "\(.reach)/\(.error)"')" unknown/timeout
	expect "ca dhcp4 frozen: the reason says unreachable (timeout), not down" \
		"$(rel $CA4 .reason | grep -c '^ca-primary unreachable (timeout)') $(rel $CA4 .reason | grep -c 'ca-primary down')" "1 0"
	expect "ca dhcp4 frozen: DHCPv6 peer unknown too (the agent is stuck), not down" \
		"$(rel $CA6 '.peers[] | select(.name == "ca-primary") | .reach')" unknown
	expect "ca dhcp4 frozen: only dhcp4 stopped, dhcp6 and the agent run" \
		"$(test -n "$("$LAB" status 2>/dev/null | grep '^ca-primary' | grep -o 'dhcp4 frozen.*dhcp6 running.*agent running')" && echo yes)" yes
	# Kea's side of it: the agent leaves even a DHCPv6 command to the running daemon unanswered.
	expect "ca dhcp4 frozen: Kea's agent does not answer a DHCPv6 command either (curl 28)" \
		"$(curl -s -o /dev/null -m 3 -X POST -H 'Content-Type: application/json' \
			-d '{"command": "version-get", "service": ["dhcp6"]}' "http://127.0.$LAB3_NET.40:8110/"; echo $?)" 28
	"$LAB" wait-state ca-secondary:dhcp4 partner-down 20 >/dev/null 2>&1
	if wait_status $CA4 impaired 10 && [ "$(rel $CA4 '."source-of-truth"')" = ca-secondary ]; then
		ok "ca dhcp4 frozen: DHCPv4 impaired, ca-secondary serving"
	else keep ca_dhcp4_frozen_pd; nok "ca dhcp4 frozen: DHCPv4 impaired, ca-secondary serving" "$(rel $CA4 .status): $(rel $CA4 .reason)"; fi
	expect "ca dhcp4 frozen: ca-secondary partner-down seen (Kea's own timing, ~11 s)" \
		"$(rel $CA4 '.peers[] | select(.name == "ca-secondary") | .state')" partner-down
	expect "ca dhcp4 frozen: said ca-secondary serves all clients" "$(rel $CA4 .reason | grep -c 'ca-secondary in partner-down serves all clients')" 1
	expect "ca dhcp4 frozen: still unknown, never down" "$(rel $CA4 '.peers[] | select(.name == "ca-primary") | .reach')" unknown
	# DHCPv6: Kea's partner fails over too (its heartbeats die in the stuck agent); the
	# partner's sync may switch it off for a moment, so wait for it to serve.
	"$LAB" wait-state ca-secondary:dhcp6 partner-down 20 >/dev/null 2>&1
	if wait_status $CA6 impaired 20 && [ "$(rel $CA6 '."source-of-truth"')" = ca-secondary ]; then
		ok "ca dhcp4 frozen: DHCPv6 follows Kea (partner-down through the stuck agent): impaired, ca-secondary serving"
	else keep ca_dhcp4_frozen_v6; nok "ca dhcp4 frozen: DHCPv6 impaired, ca-secondary serving" "$(rel $CA6 .status): $(rel $CA6 .reason)"; fi
	expect "ca dhcp4 frozen: DHCPv6 still calls ca-primary unknown (its kea-dhcp6 runs), never down" \
		"$(rel $CA6 '.peers[] | select(.name == "ca-primary") | .reach')/$(rel $CA6 .reason | grep -c 'ca-primary down')" unknown/0
	expect "ca dhcp4 frozen: exit 1 (impaired)" "$RC" 1
	"$LAB" thaw ca-primary dhcp4 >/dev/null 2>&1
	if wait_status $CA4 ok 30 && wait_status $CA6 ok 15; then ok "ca dhcp4 thawed: both relationships ok"
	else keep ca_dhcp4_thawed; nok "ca dhcp4 thawed: both relationships ok" "$(rel $CA4 .status)/$(rel $CA6 .status): $(rel $CA4 .reason)"; fi
	expect "ca dhcp4 thawed: ca-primary reachable through its agent again" "$(srv ca-primary '"\(.reachable)/\(.transport)"')" true/agent
}

# The wizard's engine through Kea 3.0 agents (ca-plain-a/-b: no hooks, the
# same subnet): a DHCPv4 load-balancing and a DHCPv6 hot-standby relationship
# added (keaha sends "service"; HA through the agents, the hook's
# multi-threading off, as plan.c decides for Kea 3 behind an agent), serving,
# then removed: every daemon exactly as before (same configuration hash).
t_caplain_relationship() {
	local a4 b4 a6 b6 ha
	a4=$(conf3 ca-plain-a) b4=$(conf3 ca-plain-b) a6=$(conf3 ca-plain-a/dhcp6) b6=$(conf3 ca-plain-b/dhcp6)
	expect "caplain: set-up (two DHCPv4 and two DHCPv6 configurations read through the agents)" \
		"$(jq -s '[.[] | select(.hash != null)] | length' <<<"$a4$b4$a6$b6")" 4
	rel3 add p4 --mode load-balancing --primary ca-plain-a --partner ca-plain-b --dhcp4 "${TIMINGS3[@]}" --yes
	expect "caplain add DHCPv4: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	expect "caplain add DHCPv4: said HA goes through the agents" "$(has "$OUT" "HA through the Control Agents (no HA multi-threading)")" yes
	ha=$(conf3 ca-plain-b | jq -c '.Dhcp4["hooks-libraries"][] | select(.library | endswith("libdhcp_ha.so")) | .parameters["high-availability"][0]')
	expect "caplain add DHCPv4: peer URLs are the agents, HA multi-threading off (on real Kea 3.0)" \
		"$(jq -c '[.peers[].url, .["multi-threading"]["enable-multi-threading"], .mode]' <<<"$ha")" \
		"[\"http://127.0.$LAB3_NET.42:8112/\",\"http://127.0.$LAB3_NET.43:8113/\",false,\"load-balancing\"]"
	rel3 add p6 --mode hot-standby --primary ca-plain-a --partner ca-plain-b --dhcp6 "${TIMINGS3[@]}" --yes
	expect "caplain add DHCPv6 (hot-standby): exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | tail -n 8
	"$LAB" wait-state ca-plain-b:dhcp4 load-balancing 15 >/dev/null 2>&1
	"$LAB" wait-state ca-plain-b:dhcp6 hot-standby 15 >/dev/null 2>&1
	expect "caplain: Kea's states through the agents" "$("$LAB" status 2>/dev/null | awk '/^ca-plain-[ab] / { print $NF }' | paste -sd' ')" \
		"load-balancing,hot-standby load-balancing,hot-standby"
	status
	keep caplain_added
	expect "caplain: both relationships ok" \
		"$(jq -r '[.relationships[] | select(.name == "p4" or .name == "p6") | "\(.name)=\(.status)"] | sort | join(" ")' <<<"$OUT")" "p4=ok p6=ok"
	rel3 remove p4 --secondary-scopes keep --yes
	expect "caplain remove DHCPv4: exit 0" "$RC" 0
	rel3 remove p6 --secondary-scopes keep --yes
	expect "caplain remove DHCPv6: exit 0" "$RC" 0
	expect "caplain remove: all four daemons exactly as before (same hash)" \
		"$(conf3 ca-plain-a | jq -r .hash) $(conf3 ca-plain-b | jq -r .hash) $(conf3 ca-plain-a/dhcp6 | jq -r .hash) $(conf3 ca-plain-b/dhcp6 | jq -r .hash)" \
		"$(jq -r .hash <<<"$a4") $(jq -r .hash <<<"$b4") $(jq -r .hash <<<"$a6") $(jq -r .hash <<<"$b6")"
}

# ---------------------------------------------------------------- the dashboard in tmux
# keaha's TUI in a detached tmux session (own server: tmux -L), on the whole
# lab (every topology, ca included): read with capture-pane, keys typed.
TM_SOCK=keaha-lab3-$$
tm() { tmux -L "$TM_SOCK" -f /dev/null "$@"; }
capture() { SCREEN=$(tm capture-pane -p -t tui 2>/dev/null); }
# wait_screen SECONDS REGEX...: poll the screen every 0.2 s until every
# regex (grep -E) matches; bounded by count and time.
wait_screen() {
	local secs=$1 i re t0 all
	shift
	t0=$SECONDS
	for ((i = 0; i < secs * 5; i++)); do
		capture
		all=1
		for re in "$@"; do grep -Eq -- "$re" <<<"$SCREEN" || { all=0; break; }; done
		[ $all = 1 ] && return 0
		[ $((SECONDS - t0)) -le "$secs" ] || break
		sleep 0.2
	done
	return 1
}
screen_check() { # NAME SECONDS REGEX...
	local name=$1
	shift
	if wait_screen "$@"; then ok "$name"; else nok "$name" "screen: $(grep -v '^ *$' <<<"$SCREEN" | cut -c1-100 | head -n 14 | tr '\n' '|')"; fi
}

t_tui_tmux() {
	local r rc=$LAB_DIR/tui-tmux.rc i
	command -v tmux >/dev/null || { nok "tui tmux" "tmux missing (scripts/deps.sh)"; return; }
	rm -f "$rc"
	tm new-session -d -s tui -x 140 -y 40 "env -u NO_COLOR -u TMUX TERM=xterm-256color LANG=C.UTF-8 $(printf '%q ' "$KEAHA" \
		--state-dir "$STATE" -c "$LAB_DIR/keaha-managed.conf") 2>$(printf %q "$LAB_DIR/tui-tmux.err"); echo \$? >$(printf %q "$rc")"
	screen_check "tui tmux: 6 OK in the header" 20 '6 OK +0 impaired +0 down +0 unreachable'
	for r in $LB $HS $H1 $H2 $CA4 $CA6; do
		screen_check "tui tmux: $r shown OK" 2 "^$(sed 's/[+.]/\\&/g' <<<"$r") .* OK( |$)"
	done
	screen_check "tui tmux: the DHCPv6 relationship in its service column" 2 "^$(sed 's/[+.]/\\&/g' <<<"$CA6") +ca-primary +ca-secondary +DHCPv6 +OK"
	tm send-keys -t tui S
	screen_check "tui tmux: S lists the servers, ca-primary through its agent, both families" 5 \
		'^ *SERVER ' '^ca-primary .* 3\.0\.[0-9]+ +agent +load-balancing +load-balancing' '^lb-primary .* 3\.0\.[0-9]+ +direct +load-balancing'
	tm send-keys -t tui R
	screen_check "tui tmux: R back to every relationship" 5 '^RELATIONSHIP ' "^lb-primary\\+lb-secondary/dhcp4 "
	"$LAB" kill ca-primary dhcp4 >/dev/null 2>&1
	# Rows by their service column: "ca-primary (down)" widens the peer columns and the
	# relationship's name may then end in an ellipsis ("ca-primary+ca-secondary/…").
	screen_check "tui tmux: dhcp4 behind ca-primary's agent killed: its row Impaired" 20 \
		"^ca-primary\\+ca-secondary/[^ ]* .* DHCPv4 .* Impaired" "^ca-primary\\+ca-secondary/[^ ]* .* DHCPv6 .* OK( |$)" \
		'5 OK +1 impaired'
	tm send-keys -t tui q
	for ((i = 0; i < 50; i++)); do [ -s "$rc" ] && break; sleep 0.1; done
	expect "tui tmux: q quits with 0" "$(cat "$rc" 2>/dev/null)" 0
	tm kill-server >/dev/null 2>&1
}

[ -x "$KEAHA" ] || { echo "no keaha binary at $KEAHA"; exit 1; }
command -v jq >/dev/null || { echo "jq missing (scripts/deps.sh check)"; exit 1; }
# shellcheck disable=SC2206 # a list of words
scenarios=(${KEAHA_LAB3_TESTS:-t_all_ok t_lb_primary_killed t_hs_frozen t_lb_both_killed t_clock_skew
	t_spoke1_killed t_spoke2_maintenance t_tui t_relationship_direct t_hub_spoke t_ha_hub_maintenance
	t_ha_recover t_replication_edit3 t_replication_sync3 t_replication_primary_away3 t_replication_dashboard3
	t_ca_all_ok t_ca_dhcp4_killed t_ca_dhcp4_frozen t_ca_agent_stopped t_caplain_relationship t_tui_tmux})
"$LAB" build >/dev/null || { echo "Kea 3 chroot could not be built (needs root; see tests/lab3/README.md)"; echo "kea3: 0 passed, 1 failed"; exit 1; }
for t in "${scenarios[@]}"; do
	restart_lab "$t"
	CONF=managed
	$t
done
tests_summary kea3
