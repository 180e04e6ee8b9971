# Lab scenarios: `keaha ha ACTION` (on-call actions) on real Kea 2.2, each checking the states
# Kea really reaches. Sourced by tests/lab/run-tests.sh, which defines the helpers.

# keaha ha ... on the primaries-only config (discovery finds the partners); sets OUT and RC.
ha_cmd() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" ha "$@" 2>&1)
	RC=$?
}

# The HA state one server reports for itself (status-get through its agent).
kea_state() { # HOST SERVICE
	curl -s -m 3 -X POST -H 'Content-Type: application/json' \
		-d "{\"command\":\"status-get\",\"service\":[\"$2\"]}" "$("$LAB" url "$1")" |
		jq -r '.[0].arguments["high-availability"][0]["ha-servers"].local.state // "none"'
}

# Leases a server holds (lease4-get-all through its agent).
lease_count() { # HOST
	curl -s -m 5 -X POST -H 'Content-Type: application/json' \
		-d '{"command":"lease4-get-all","service":["dhcp4"]}' "$("$LAB" url "$1")" |
		jq '.[0].arguments.leases // [] | length'
}

# What must not change when an action is refused: states and configurations of the hosts given.
snapshot() { # HOST...
	local h s
	for h in "$@"; do
		for s in dhcp4 dhcp6; do
			echo "$h $s $(kea_state "$h" $s) $(curl -s -m 3 -X POST -H 'Content-Type: application/json' \
				-d "{\"command\":\"config-get\",\"service\":[\"$s\"]}" "$("$LAB" url "$h")" |
				jq -S -c '.[0].arguments' | md5sum)"
		done
	done
}

audit_lines() { cat "$STATE/audit.log" 2>/dev/null | wc -l; }

# keaha ha ... on a terminal (script(1)): once it asks for the relationship's name, runs BEFORE,
# then types ANSWER. Sets OUT and RC (bounded: 20 s to ask, 60 s to finish).
ha_tty() { # ANSWER BEFORE ARGS...
	local answer=$1 before=$2 d i pid
	shift 2
	d=$(mktemp -d)
	mkfifo "$d/in"
	( script -qfec "$(printf '%q ' "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" ha "$@")" \
		/dev/null <"$d/in" >"$d/out" 2>&1; echo $? >"$d/rc" ) &
	pid=$!
	exec 3>"$d/in"
	for ((i = 0; i < 80; i++)); do grep -q "Type the relationship" "$d/out" && break; sleep 0.25; done
	eval "$before"
	( echo "$answer" >&3 ) 2>/dev/null
	for ((i = 0; i < 240; i++)); do [ -s "$d/rc" ] && break; sleep 0.25; done
	exec 3>&-
	[ -s "$d/rc" ] || kill $(pgrep -P "$pid") "$pid" 2>/dev/null
	OUT=$(tr -d '\r' <"$d/out"); RC=$(cat "$d/rc" 2>/dev/null || echo timeout)
	rm -rf "$d"
}

t_actions_maintenance() {
	local before audit0 leases
	audit0=$(audit_lines)
	before=$(snapshot hs-primary hs-standby)
	ha_cmd maintenance-start "$HS4" --peer hs-primary --dry-run
	expect "maintenance --dry-run: exit 0" "$RC" 0
	expect "maintenance --dry-run: says what happens to DHCP service" \
		"$(grep -c 'hs-standby will serve all clients; hs-primary will serve none and can be shut down' <<<"$OUT")" 1
	ha_cmd maintenance-start "$HS4" --peer hs-primary
	expect "maintenance without --yes and without a terminal: refused" "$RC" 2
	OUT=$("$KEAHA" --readonly --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" ha \
		maintenance-start "$HS4" --peer hs-primary --yes 2>&1); RC=$?
	expect "maintenance with --readonly: refused" "$RC" 2
	expect "dry run, no terminal, --readonly: nothing sent (states, configurations)" \
		"$(snapshot hs-primary hs-standby)" "$before"
	ha_cmd maintenance-start "$HS4" --peer hs-primary --yes
	expect "maintenance-start --peer hs-primary: exit 0" "$RC" 0
	expect "maintenance-start: hs-standby partner-in-maintenance" "$(kea_state hs-standby dhcp4)" partner-in-maintenance
	expect "maintenance-start: hs-primary in-maintenance" "$(kea_state hs-primary dhcp4)" in-maintenance
	leases=$("$LAB" perfdhcp hs-primary dhcp4 2>&1 | sed -n 's/^hs-standby dhcp4: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "in maintenance: hs-standby serves the clients ($leases of 50)"
	else nok "in maintenance: hs-standby serves the clients" "${leases:-0} of 50"; fi
	"$LAB" stop-host hs-primary dhcp4 >/dev/null 2>&1
	if "$LAB" wait-state hs-standby dhcp4 partner-down 5 >/dev/null 2>&1; then
		ok "maintained server stopped: hs-standby partner-down, still serving (no unplanned failover)"
	else nok "maintained server stopped: hs-standby partner-down" "$(kea_state hs-standby dhcp4)"; fi
	leases=$("$LAB" perfdhcp hs-primary dhcp4 2>&1 | sed -n 's/^hs-standby dhcp4: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "maintained server stopped: hs-standby still serves ($leases of 50)"
	else nok "maintained server stopped: hs-standby still serves" "${leases:-0} of 50"; fi
	status
	expect "maintained server stopped: impaired, not down" "$(rel "$HS4" .status)" impaired
	expect "maintained server stopped: hs-standby is the source of truth" "$(rel "$HS4" '."source-of-truth"')" hs-standby
	"$LAB" start-host hs-primary dhcp4 >/dev/null 2>&1
	"$LAB" wait-state hs-primary dhcp4 hot-standby 20 >/dev/null 2>&1
	expect "maintained server back: hs-primary hot-standby" "$(kea_state hs-primary dhcp4)" hot-standby
	ha_cmd maintenance-start "$HS4" --peer hs-standby --yes
	expect "maintenance-start --peer hs-standby: exit 0" "$RC" 0
	expect "maintenance-start: hs-primary partner-in-maintenance" "$(kea_state hs-primary dhcp4)" partner-in-maintenance
	status
	expect "left in maintenance: the next step is maintenance-cancel" "$(rel "$HS4" '."next-action"')" maintenance-cancel
	ha_cmd maintenance-cancel "$HS4" --yes
	expect "maintenance-cancel: exit 0" "$RC" 0
	expect "maintenance-cancel: hs-primary hot-standby" "$(kea_state hs-primary dhcp4)" hot-standby
	expect "maintenance-cancel: hs-standby hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	expect "audit log: three actions recorded" "$(($(audit_lines) - audit0))" 3
}

t_actions_recover() {
	"$LAB" skew hs-standby +90s >/dev/null 2>&1
	"$LAB" wait-state hs-primary dhcp4 terminated 15 >/dev/null 2>&1
	"$LAB" wait-state hs-standby dhcp4 terminated 15 >/dev/null 2>&1
	expect "skew +90 s: hs-primary terminated" "$(kea_state hs-primary dhcp4)" terminated
	expect "skew +90 s: hs-standby terminated" "$(kea_state hs-standby dhcp4)" terminated
	status
	expect "terminated: the next step is recover" "$(rel "$HS4" '."next-action"')" recover
	ha_cmd recover "$HS4" --yes
	expect "recover while the clocks differ by 90 s: refused" "$RC" 2
	expect "recover refused: the skew is named" "$(grep -q 'clocks still differ by 9[0-9] s' <<<"$OUT" && echo yes)" yes
	expect "recover refused: hs-primary still terminated" "$(kea_state hs-primary dhcp4)" terminated
	"$LAB" unskew hs-standby >/dev/null 2>&1
	"$LAB" wait-state hs-standby dhcp4 waiting 10 >/dev/null 2>&1
	expect "clock fixed, restarted: hs-standby waiting" "$(kea_state hs-standby dhcp4)" waiting
	ha_cmd recover "$HS4" --yes
	expect "recover DHCPv4: exit 0" "$RC" 0
	expect "recover DHCPv4: hs-primary hot-standby" "$(kea_state hs-primary dhcp4)" hot-standby
	expect "recover DHCPv4: hs-standby hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	ha_cmd recover "hs-primary+hs-standby/dhcp6" --yes
	expect "recover DHCPv6: exit 0" "$RC" 0
	expect "recover DHCPv6: hs-primary hot-standby" "$(kea_state hs-primary dhcp6)" hot-standby
	status
	expect "recovered: both relationships OK" "$(rel "$HS4" .status) $(rel hs-primary+hs-standby/dhcp6 .status)" "ok ok"
}

t_actions_sync_backup() {
	local p b
	"$LAB" kill bk-backup dhcp4 >/dev/null 2>&1
	"$LAB" perfdhcp bk-primary dhcp4 >/dev/null 2>&1
	"$LAB" start-host bk-backup dhcp4 >/dev/null 2>&1
	"$LAB" wait-state bk-backup dhcp4 backup 10 >/dev/null 2>&1
	p=$(lease_count bk-primary); b=$(lease_count bk-backup)
	if [ "$p" -gt 0 ] && [ "$b" -lt "$p" ]; then ok "backup restarted: it misses leases ($b of $p)"
	else nok "backup restarted: it misses leases" "backup $b, primary $p"; fi
	status
	expect "missing leases detected: impaired" "$(rel "$BK4" .status)" impaired
	expect "missing leases: the next step is sync-leases" "$(rel "$BK4" '."next-action"') $(rel "$BK4" '."next-action-peer"')" \
		"sync-leases bk-backup"
	ha_cmd sync-leases "$BK4" --yes
	expect "sync-leases: exit 0" "$RC" 0
	expect "sync-leases: the backup holds every lease" "$(lease_count bk-backup)" "$(lease_count bk-primary)"
	status
	expect "after sync: OK" "$(rel "$BK4" .status)" ok
}

# Every refusal: exit 2 (64 for usage), and nothing sent: states, configurations, audit log unchanged.
t_actions_refusals() {
	local before lb audit0
	"$LAB" kill lb-primary dhcp4 >/dev/null 2>&1
	"$LAB" wait-state lb-secondary dhcp4 partner-down 10 >/dev/null 2>&1
	audit0=$(audit_lines)
	before=$(snapshot hs-primary hs-standby bk-primary bk-backup)
	lb=$(snapshot lb-secondary)
	ha_cmd maintenance-start "$LB4" --peer lb-secondary --yes
	expect "refused: maintenance on a peer whose partner is down" "$RC" 2
	ha_cmd sync-leases "$LB4" --peer lb-secondary --yes
	expect "refused: sync from an unreachable partner" "$RC" 2
	ha_cmd reset "$LB4" --peer lb-secondary --yes
	expect "refused: reset with nothing to resync from" "$RC" 2
	expect "refusals on lb: nothing sent to lb-secondary" "$(snapshot lb-secondary)" "$lb"
	ha_cmd maintenance-cancel "$HS4" --yes
	expect "refused: cancel with nobody in maintenance" "$RC" 2
	ha_cmd continue "$HS4" --yes
	expect "refused: continue with no pause configured" "$RC" 2
	ha_cmd recover "$HS4" --yes
	expect "refused: recover with nothing terminated" "$RC" 2
	ha_cmd restore-scopes "$HS4" --yes
	expect "refused: restore-scopes when scopes match" "$RC" 2
	ha_cmd maintenance-start "$BK4" --peer bk-backup --yes
	expect "refused: maintenance of a backup" "$RC" 2
	ha_cmd maintenance-start "$HS4" --peer nosuch --yes
	expect "usage: a peer not in the relationship" "$RC" 64
	ha_cmd maintenance-start "$HS4" --yes
	expect "usage: maintenance-start without --peer" "$RC" 64
	ha_cmd recover nosuch+rel/dhcp4 --yes
	expect "usage: unknown relationship" "$RC" 64
	"$LAB" kill lb-secondary dhcp4 >/dev/null 2>&1
	sleep 1
	ha_cmd restore-scopes "$LB4" --yes
	expect "refused: anything while the service is down" "$RC" 2
	expect "refused while down: the reason says so" "$(grep -q 'DHCP service is down' <<<"$OUT" && echo yes)" yes
	expect "refusals: nothing sent (states and configurations unchanged)" \
		"$(snapshot hs-primary hs-standby bk-primary bk-backup)" "$before"
	expect "refusals: nothing in the audit log" "$(audit_lines)" "$audit0"
}

# On a terminal: the confirmation names the relationship; and the outcome is what the servers
# show, not Kea's words: the partner dies between the plan and the command.
t_actions_honest_outcome() {
	local audit0
	audit0=$(audit_lines)
	ha_tty not-the-name "" sync-leases "$BK4"
	expect "terminal: a wrong name is no confirmation (refused)" "$RC" 2
	expect "terminal: nothing sent after a wrong name" "$(audit_lines)" "$audit0"
	ha_tty "$BK4" '"$LAB" kill bk-primary dhcp4 >/dev/null 2>&1' sync-leases "$BK4"
	expect "partner died after the plan: sent but failed (exit 1)" "$RC" 1
	expect "Kea said: likely to be offline" "$(grep -q 'likely to be offline' <<<"$OUT" && echo yes)" yes
	expect "keaha says: bk-backup itself still runs" \
		"$(grep -q 'bk-backup still answers status-get (backup): it is running' <<<"$OUT" && echo yes)" yes
	expect "keaha says: the partner it fetches from is down" \
		"$(grep -q 'bk-primary, the partner it fetches from, does not answer status-get' <<<"$OUT" && echo yes)" yes
	expect "audit log: the failed action recorded" "$(tail -n 1 "$STATE/audit.log" | jq -r .result)" failed
}

LAB_SCENARIOS+=(t_actions_maintenance t_actions_recover t_actions_sync_backup t_actions_refusals
	t_actions_honest_outcome)
