#!/usr/bin/env bash
# Integration tests of `keaha status` on the project's real Kea lab (loopback only).
#   tests/lab/run-tests.sh          every scenario
#   tests/lab/run-tests.sh smoke    one start, one OK check (for make asan)
# Each scenario starts from a lab in normal states and checks what keaha says
# with jq. Prints "lab: N passed, N failed" last; exits 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KEAHA=${KEAHA:-$top/keaha}
case "$KEAHA" in /*) ;; *) KEAHA=$top/$KEAHA ;; esac
export LAB_NET=${LAB_NET:-9}
export LAB_DIR=${LAB_DIR:-/tmp/keaha-test-lab.$$}
STATE=$LAB_DIR.state
LAB="$here/lab.sh"
pass=0 fail=0 failed_names=""

cleanup() { "$LAB" stop >/dev/null 2>&1; rm -rf "$STATE"; }
trap cleanup EXIT INT TERM

ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
nok()  { fail=$((fail + 1)); failed_names="$failed_names $1"; echo "FAIL - $1: $2"; }

# keaha status --json on the primaries-only config, into $OUT and $RC.
status() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" status --json --timeout "${1:-8}")
	RC=$?
}

# rel NAME FIELD: a field of one relationship in the last status.
rel() { jq -r --arg n "$1" ".relationships[] | select(.name == \$n) | $2" <<<"$OUT"; }

expect() { # NAME ACTUAL WANTED
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2', want '$3'"; fi
}

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

restart_lab() { # [TOPO...], default lb hs bk
	local topos=("$@")
	[ $# -gt 0 ] || topos=(lb hs bk)
	"$LAB" stop >/dev/null 2>&1
	"$LAB" start "${topos[@]}" >/dev/null || { echo "lab did not start"; exit 1; }
}

LB4=lb-primary+lb-secondary/dhcp4
LB6=lb-primary+lb-secondary/dhcp6
HS4=hs-primary+hs-standby/dhcp4
BK4=bk-primary+bk-secondary/dhcp4

t_all_ok() {
	status
	expect "all OK: exit 0" "$RC" 0
	expect "all OK: 5 relationships discovered from 3 primaries" "$(jq '.relationships | length' <<<"$OUT")" 5
	expect "all OK: backup discovered" "$(rel $BK4 '.peers[] | select(.role == "backup") | .reachable')" true
	expect "all OK: source of truth is the primary" "$(rel $LB4 '."source-of-truth"')" lb-primary
	expect "all OK: DHCPv6 relationship ok" "$(rel $LB6 .status)" ok
	local list
	list=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" relationship list --json)
	expect "relationship list: 5 relationships" "$(jq length <<<"$list")" 5
	expect "relationship list: the backup by role" \
		"$(jq -r --arg n $BK4 '.[] | select(.name == $n) | .peers[] | select(.role == "backup") | .name' <<<"$list")" bk-backup
}

t_primary_killed() {
	"$LAB" kill lb-primary >/dev/null
	if wait_status $LB4 impaired 15; then ok "primary killed: impaired"; else nok "primary killed: impaired" "$(rel $LB4 .status)"; fi
	expect "primary killed: source of truth is the secondary" "$(rel $LB4 '."source-of-truth"')" lb-secondary
	expect "primary killed: DHCPv6 impaired too" "$(rel $LB6 .status)" impaired
	expect "primary killed: exit 1" "$RC" 1
	expect "primary killed: others unaffected" "$(rel $HS4 .status)" ok
}

t_both_dhcp_killed() {
	for h in hs-primary hs-standby; do "$LAB" kill $h dhcp4 >/dev/null; done
	if wait_status $HS4 service-down 10; then ok "both DHCP servers killed: service down"; else nok "both DHCP servers killed: service down" "$(rel $HS4 .status): $(rel $HS4 .reason)"; fi
	expect "both DHCP servers killed: exit 2" "$RC" 2
	expect "both DHCP servers killed: no source of truth" "$(rel $HS4 '."source-of-truth"')" null
}

t_agents_stopped() {
	for h in hs-primary hs-standby; do "$LAB" stop-host $h agent >/dev/null; done
	if wait_status $HS4 unreachable 10; then ok "all agents stopped: unreachable"; else nok "all agents stopped: unreachable" "$(rel $HS4 .status)"; fi
	expect "all agents stopped: exit 3" "$RC" 3
}

t_agent_frozen() {
	local t0 t1
	"$LAB" freeze bk-secondary agent >/dev/null
	t0=$(date +%s.%N)
	status 5
	t1=$(date +%s.%N)
	"$LAB" thaw bk-secondary agent >/dev/null
	# Functional bound with generous slack, not a speed test.
	if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 9) }'; then ok "agent frozen: status returns within its deadline"
	else nok "agent frozen: status returns within its deadline" "took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') s"; fi
	expect "agent frozen: its relationship not OK" "$(rel $BK4 .status)" impaired
	expect "agent frozen: its peer reported as timeout" "$(rel $BK4 '.peers[] | select(.name == "bk-secondary") | .error')" timeout
	expect "agent frozen: other relationships unaffected" "$(rel $LB4 .status)" ok
}

t_backup_killed() {
	"$LAB" kill bk-backup >/dev/null
	if wait_status $BK4 impaired 10; then ok "backup killed: impaired"; else nok "backup killed: impaired" "$(rel $BK4 .status)"; fi
	expect "backup killed: reason names the backup" "$(rel $BK4 .reason | grep -c bk-backup)" 1
	expect "backup killed: source of truth stays the primary" "$(rel $BK4 '."source-of-truth"')" bk-primary
}

t_clock_skew() {
	"$LAB" skew hs-standby +45s >/dev/null
	"$LAB" wait-state hs-standby dhcp4 hot-standby 20 >/dev/null
	if wait_status $HS4 impaired 15; then ok "skew 45 s: impaired"; else nok "skew 45 s: impaired" "$(rel $HS4 .status)"; fi
	local skew
	skew=$(rel $HS4 '."clock-skew"')
	if [ "$skew" != null ] && awk -v s="$skew" 'BEGIN { exit !(s >= 43 && s <= 47) }'; then ok "skew 45 s: shown ($skew s)"; else nok "skew 45 s: shown" "$skew"; fi
	expect "skew 45 s: standby offset positive" "$(rel $HS4 '.peers[] | select(.name == "hs-standby") | ."clock-offset" > 40')" true
}

t_discovery_remembered() {
	status >/dev/null                       # remembers the topology
	"$LAB" kill lb-primary >/dev/null
	if wait_status $LB4 impaired 15; then ok "primary down at start: relationship remembered"; else nok "primary down at start: relationship remembered" "$(rel $LB4 .status)"; fi
}

t_watch_events() {
	local ev=$LAB_DIR/events.jsonl pid i
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" watch --duration 20 \
		--events "$ev" >"$LAB_DIR/watch.out" 2>&1 &
	pid=$!
	sleep 3
	"$LAB" kill lb-primary >/dev/null
	for ((i = 0; i < 30; i++)); do
		grep -q '"subject":"lb-secondary dhcp4".*"to":"partner-down"' "$ev" 2>/dev/null && break
		sleep 0.5
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	expect "watch: verdict change recorded" \
		"$(jq -r --arg n $LB4 'select(.kind == "verdict" and .subject == $n and .to == "impaired") | .from' "$ev" | head -1)" ok
	expect "watch: lb-secondary partner-down recorded" \
		"$(grep -c '"subject":"lb-secondary dhcp4".*"to":"partner-down"' "$ev")" 1
	expect "watch: events file is mode 0600" "$(stat -c %a "$ev")" 600
	expect "watch: text lines printed" "$(grep -c 'lb-primary+lb-secondary/dhcp4: OK -> Impaired' "$LAB_DIR/watch.out")" 1
}

SEC4=sec-primary+sec-secondary/dhcp4

# keaha against agents with HTTPS, client certificates and basic auth (the sec
# topology, beside the others): OK with good credentials, an authentication
# error with a wrong password, a TLS error without client certificate, and no
# password (keaha's, the HA peers' from config-get, the wrong one) in any output.
t_tls_auth() {
	local tls=$LAB_DIR/tls conf pw all=$LAB_DIR/sec-outputs
	restart_lab lb hs bk sec
	: >"$all"
	status
	cat <<<"$OUT" >>"$all"
	expect "tls+auth: exit 0" "$RC" 0
	expect "tls+auth: 6 relationships from 3 primaries and the sec pair" "$(jq '.relationships | length' <<<"$OUT")" 6
	expect "tls+auth: relationship ok" "$(rel $SEC4 .status)" ok
	expect "tls+auth: secondary reached over HTTPS" \
		"$(rel $SEC4 '.peers[] | select(.name == "sec-secondary") | "\(.reachable) \(.url)"')" "true $("$LAB" url sec-secondary)"
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" status >>"$all" 2>&1

	# Same servers as keaha-primaries.conf: the pair is remembered from above.
	for conf in badpw nocert; do
		OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-sec-$conf.conf" status --json --timeout 8 2>>"$all")
		RC=$?
		cat <<<"$OUT" >>"$all"
		"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-sec-$conf.conf" status >>"$all" 2>&1
		expect "tls+auth $conf: exit 3" "$RC" 3
		expect "tls+auth $conf: relationship unreachable" "$(rel $SEC4 .status)" unreachable
		expect "tls+auth $conf: other relationships unaffected" "$(rel $LB4 .status)" ok
		case $conf in
		badpw) expect "tls+auth badpw: authentication error on both peers" \
			"$(rel $SEC4 '[.peers[] | select(.reachable == false and (.error | test("HTTP 401: authentication")))] | length')" 2 ;;
		nocert) expect "tls+auth nocert: TLS error on both peers" \
			"$(rel $SEC4 '[.peers[] | select(.reachable == false and (.error | startswith("TLS error")))] | length')" 2 ;;
		esac
	done

	# 3 JSON + 3 table outputs, each naming the pair: the grep below saw them.
	expect "tls+auth: outputs captured" "$(grep -c "$SEC4" "$all" | awk '{ print ($1 >= 6) }')" 1
	for pw in keaha ha wrong; do
		expect "tls+auth: $pw password never printed" "$(grep -cF -- "$(cat "$tls/$pw.password")" "$all")" 0
	done
}

# config-get of one plain server's service, sorted, for before/after comparisons.
plain_config() { # HOST SERVICE
	curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"command\":\"config-get\",\"service\":[\"$2\"]}" "$("$LAB" url "$1")" | jq -S '.[0].arguments'
}

rel_cmd() { # keaha relationship ... on the full lab config; sets OUT and RC
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" relationship "$@" 2>&1)
	RC=$?
}

t_relationship_add_remove() {
	local a4 b4 a6 b6 leases
	restart_lab plain
	a4=$(plain_config plain-a dhcp4); b4=$(plain_config plain-b dhcp4)
	a6=$(plain_config plain-a dhcp6); b6=$(plain_config plain-b dhcp6)
	local timings=(--heartbeat-delay 1000 --max-response-delay 4000 --max-ack-delay 2000 --max-unacked-clients 0)
	rel_cmd add pair4 --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}" --dry-run
	expect "add --dry-run: exit 0" "$RC" 0
	expect "add --dry-run: changes nothing" "$(plain_config plain-a dhcp4)" "$a4"
	rel_cmd add pair4 --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}"
	expect "add without --yes and without a terminal: refused" "$RC" 2
	rel_cmd add pair4 --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}" --yes
	expect "add LB DHCPv4: exit 0" "$RC" 0
	status
	expect "add LB DHCPv4: the relationship is OK under its name" "$(rel pair4 .status)" ok
	leases=$("$LAB" perfdhcp plain-a dhcp4 2>&1 | sed -n 's/^total: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "add LB DHCPv4: clients get leases from the pair ($leases of 50)"
	else nok "add LB DHCPv4: clients get leases from the pair" "${leases:-0} of 50"; fi
	rel_cmd add pair4b --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}" --yes
	expect "a second DHCPv4 relationship on the same servers: refused" "$RC" 2
	rel_cmd add pair4 --mode hot-standby --primary plain-a --partner plain-b --dhcp6 "${timings[@]}" --yes
	expect "a name already used: refused" "$RC" 2
	rel_cmd add pair6 --mode hot-standby --primary plain-a --partner plain-b --dhcp6 "${timings[@]}" --yes
	expect "add HS DHCPv6: exit 0" "$RC" 0
	status
	expect "add HS DHCPv6: OK" "$(rel pair6 .status)" ok
	rel_cmd remove pair4 --yes
	expect "remove without --secondary-scopes: usage error" "$RC" 64
	rel_cmd remove pair4 --secondary-scopes keep --yes
	expect "remove DHCPv4 (keep): exit 0" "$RC" 0
	rel_cmd remove pair6 --secondary-scopes keep --yes
	expect "remove DHCPv6 (keep): exit 0" "$RC" 0
	expect "after removal: plain-a DHCPv4 has no HA" \
		"$(plain_config plain-a dhcp4 | jq '[.Dhcp4["hooks-libraries"][]?.library] | length')" 0
	leases=$("$LAB" perfdhcp plain-a dhcp4 2>&1 | sed -n 's/^total: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 1 ]; then ok "after removal: the servers still serve ($leases leases)"
	else nok "after removal: the servers still serve" "${leases:-0}"; fi
	expect "audit log: four changes recorded" "$(wc -l <"$STATE/audit.log")" 4
}

t_relationship_failure_rolls_back() {
	local a4 b4 conf=$LAB_DIR/keaha-badhooks.conf
	restart_lab plain
	a4=$(plain_config plain-a dhcp4); b4=$(plain_config plain-b dhcp4)
	sed 's/^\[keaha\]$/[keaha]\nkeaHooksLocation = \/nonexistent\/hooks/' "$LAB_DIR/keaha.conf" >"$conf"
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$conf" relationship add bad --mode load-balancing \
		--primary plain-a --partner plain-b --heartbeat-delay 1000 --max-response-delay 4000 --yes 2>&1)
	RC=$?
	expect "wrong hooks location: not applied (exit 1)" "$RC" 1
	expect "wrong hooks location: the failed step is named" "$(grep -q 'config-test failed on plain' <<<"$OUT" && echo yes)" yes
	expect "wrong hooks location: plain-a exactly as before" "$(plain_config plain-a dhcp4)" "$a4"
	expect "wrong hooks location: plain-b exactly as before" "$(plain_config plain-b dhcp4)" "$b4"
	expect "wrong hooks location: no journal left" "$(ls "$STATE"/journal.json 2>/dev/null | wc -l)" 0
}

# A change left half-applied (a journal naming plain-a's original) is completed by the next run.
t_journal_recovery() {
	local a4 changed url
	restart_lab plain
	a4=$(plain_config plain-a dhcp4)
	url=$("$LAB" url plain-a)
	mkdir -p "$STATE"
	jq -n --arg url "$url" --argjson orig "$a4" \
		'{what: "test", servers: [{name: "plain-a", url: $url, service: "dhcp4", agent: true, original: $orig}]}' \
		>"$STATE/journal.json"
	# What the half-done change left on the server: another valid-lifetime.
	changed=$(jq '.Dhcp4["valid-lifetime"] = 1234' <<<"$a4")
	curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"command\":\"config-set\",\"service\":[\"dhcp4\"],\"arguments\":$changed}" "$url" >/dev/null
	"$LAB" stop-host plain-a agent >/dev/null
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --timeout 4 status 2>&1 >/dev/null)
	expect "journal: still pending while the server does not answer" \
		"$(grep -c 'still pending' <<<"$OUT")" 1
	expect "journal: kept" "$(ls "$STATE/journal.json" 2>/dev/null | wc -l)" 1
	"$LAB" start-host plain-a agent >/dev/null
	sleep 1
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" status 2>&1 >/dev/null)
	expect "journal: completed at the next run" "$(grep -c 'completed' <<<"$OUT")" 1
	expect "journal: removed" "$(ls "$STATE/journal.json" 2>/dev/null | wc -l)" 0
	expect "journal: plain-a has its original configuration again" \
		"$(plain_config plain-a dhcp4 | jq '.Dhcp4["valid-lifetime"]')" "$(jq '.Dhcp4["valid-lifetime"]' <<<"$a4")"
}

t_smoke() {
	status
	expect "smoke: exit 0" "$RC" 0
	expect "smoke: 5 relationships" "$(jq '.relationships | length' <<<"$OUT")" 5
}

[ -x "$KEAHA" ] || { echo "no keaha binary at $KEAHA"; exit 1; }
if [ "${1:-}" = smoke ]; then
	scenarios=(t_smoke)
else
	scenarios=(${KEAHA_LAB_TESTS:-t_all_ok t_primary_killed t_both_dhcp_killed t_agents_stopped t_agent_frozen
		   t_backup_killed t_clock_skew t_discovery_remembered t_watch_events
		   t_relationship_add_remove t_relationship_failure_rolls_back t_journal_recovery t_tls_auth})
fi
for t in "${scenarios[@]}"; do
	restart_lab
	$t
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
