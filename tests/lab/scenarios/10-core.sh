# Lab scenarios: what `keaha status` says in each HA state and failure. Sourced by tests/lab/run-tests.sh, which defines the helpers.

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

LAB_SCENARIOS+=(t_all_ok t_primary_killed t_both_dhcp_killed t_agents_stopped t_agent_frozen
	t_backup_killed t_clock_skew t_discovery_remembered t_watch_events)
