# Lab scenarios: `keaha ha continue`, `reset` and `restore-scopes` on real Kea 2.2, each
# checking the states Kea really reaches. Uses the helpers of 50-actions.sh (ha_cmd,
# kea_state, lease_count), sourced before this file.

# One command to one server through its agent; the answer's first element.
kea_call() { # HOST SERVICE COMMAND [ARGUMENTS-JSON]
	local body
	body=$(jq -nc --arg c "$3" --arg s "$2" --argjson a "${4:-null}" \
		'{command: $c, service: [$s]} + (if $a == null then {} else {arguments: $a} end)')
	curl -s -m 10 -X POST -H 'Content-Type: application/json' -d "$body" "$("$LAB" url "$1")" | jq -c '.[0]'
}

# Gives HOST's HA relationship a state-machine section pausing in STATE (MODE always/once),
# by config-set of its own config-get (which restarts its HA state machine); prints the result.
set_pause() { # HOST SERVICE STATE MODE
	local key cfg
	key=$([ "$2" = dhcp4 ] && echo Dhcp4 || echo Dhcp6)
	cfg=$(kea_call "$1" "$2" config-get | jq -c --arg k "$key" --arg s "$3" --arg p "$4" '.arguments |
		.[$k]["hooks-libraries"] |= map(if .parameters["high-availability"] then
		.parameters["high-availability"][0]["state-machine"] = {states: [{state: $s, pause: $p}]} else . end)')
	kea_call "$1" "$2" config-set "$cfg" | jq -r .result
}

scopes_of() { # HOST SERVICE
	kea_call "$1" "$2" status-get | jq -c '.arguments["high-availability"][0]["ha-servers"].local.scopes'
}

has_line() { grep -qF -- "$2" <<<"$1" && echo yes || echo "no: $(tail -n 4 <<<"$1" | tr '\n' ' ')"; }

# Paused in waiting: status-get's "reload" shows how long, so one poll proves it.
t_actions_continue_waiting() {
	local i
	expect "pause in waiting: config-set accepted" "$(set_pause hs-standby dhcp4 waiting always)" 0
	# Kea leaves waiting within ~1 s when not paused: still there 8 s later is the pause.
	sleep 8
	expect "pause in waiting: hs-standby still waiting after 8 s" "$(kea_state hs-standby dhcp4)" waiting
	status
	expect "paused: impaired" "$(rel "$HS4" .status)" impaired
	expect "paused: the reason names the pause" \
		"$(rel "$HS4" .reason | grep -c 'hs-standby paused in waiting by its state-machine configuration')" 1
	expect "paused: the next step is continue hs-standby" \
		"$(rel "$HS4" '."next-action"') $(rel "$HS4" '."next-action-peer"')" "continue hs-standby"
	ha_cmd continue "$HS4" --dry-run
	expect "continue --dry-run: exit 0" "$RC" 0
	expect "continue --dry-run: proven from one poll" "$(has_line "$OUT" "a state its configuration pauses in (waiting passes in seconds): it is paused")" yes
	expect "continue --dry-run: no watch needed" "$(grep -c 'watching it' <<<"$OUT")" 0
	expect "continue --dry-run: nothing sent (still waiting)" "$(kea_state hs-standby dhcp4)" waiting
	ha_cmd continue "$HS4" --yes
	expect "continue: exit 0" "$RC" 0
	expect "continue: Kea says the state machine continues" "$(has_line "$OUT" "HA state machine continues")" yes
	for ((i = 0; i < 20; i++)); do [ "$(kea_state hs-standby dhcp4)" = hot-standby ] && break; sleep 0.5; done
	expect "continue: hs-standby hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	expect "continue: hs-primary hot-standby" "$(kea_state hs-primary dhcp4)" hot-standby
	status
	expect "continued: OK" "$(rel "$HS4" .status)" ok
	ha_cmd continue "$HS4" --yes
	expect "continue again: refused, no peer in a state it pauses in (exit 2)" "$RC" 2
}

# Paused in ready: one poll cannot tell a pause from a passing state, so keaha watches first.
t_actions_continue_ready() {
	expect "pause in ready (once): config-set accepted" "$(set_pause hs-standby dhcp4 ready once)" 0
	"$LAB" wait-state hs-standby dhcp4 ready 10 >/dev/null 2>&1
	expect "pause in ready: hs-standby ready" "$(kea_state hs-standby dhcp4)" ready
	ha_cmd continue "$HS4" --dry-run
	expect "continue --dry-run (ready): exit 0" "$RC" 0
	expect "continue --dry-run (ready): watches before deciding" "$(has_line "$OUT" "hs-standby is in ready, a state its configuration pauses in; unless paused, Kea leaves it within 6 s: watching it")" yes
	expect "continue --dry-run (ready): then calls it paused" "$(has_line "$OUT" "a state its configuration pauses in (ready passes in seconds): it is paused")" yes
	expect "continue --dry-run (ready): nothing sent" "$(kea_state hs-standby dhcp4)" ready
	ha_cmd continue "$HS4" --yes
	expect "continue (ready): exit 0" "$RC" 0
	"$LAB" wait-state hs-standby dhcp4 hot-standby 10 >/dev/null 2>&1
	expect "continue (ready): hs-standby hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	# "once": the next time through ready it does not pause.
	kea_call hs-standby dhcp4 ha-reset >/dev/null
	"$LAB" wait-state hs-standby dhcp4 hot-standby 10 >/dev/null 2>&1
	expect "pause once: after ha-reset hs-standby passes ready to hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
}

# Paused in hot-standby, the standby does not take over from its dead primary: DHCP is down
# until ha-continue. keaha sees the overdue partner-down and offers continue as the way out.
t_actions_continue_takeover() {
	local leases
	expect "pause in hot-standby: config-set accepted" "$(set_pause hs-standby dhcp4 hot-standby always)" 0
	"$LAB" wait-state hs-standby dhcp4 hot-standby 10 >/dev/null 2>&1
	sleep 1
	"$LAB" kill hs-primary dhcp4 >/dev/null 2>&1
	# Not paused, it would be partner-down ~4 s after the kill (README section 5); keaha calls
	# it paused once that is 2 heartbeats + max-response-delay overdue (~10 s after the kill).
	sleep 6
	expect "primary killed: the paused standby stays hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	if wait_status "$HS4" service-down 15; then ok "paused standby: service down"
	else nok "paused standby: service down" "$(rel "$HS4" .status): $(rel "$HS4" .reason)"; fi
	expect "paused standby: still hot-standby" "$(kea_state hs-standby dhcp4)" hot-standby
	expect "paused standby: the reason says why nobody took over" \
		"$(rel "$HS4" .reason | grep -c 'hs-standby paused in hot-standby by its state-machine configuration (it has not heard from its partner')" 1
	expect "paused standby: the next step is continue hs-standby" \
		"$(rel "$HS4" '."next-action"') $(rel "$HS4" '."next-action-peer"')" "continue hs-standby"
	ha_cmd continue "$HS4" --yes
	expect "continue (take over): exit 0" "$RC" 0
	expect "continue (take over): keaha expected partner-down" "$(has_line "$OUT" "Expected afterwards (watched for up to 23 s): hs-standby partner-down")" yes
	expect "continue (take over): hs-standby partner-down" "$(kea_state hs-standby dhcp4)" partner-down
	leases=$("$LAB" perfdhcp hs-primary dhcp4 2>&1 | sed -n 's/^hs-standby dhcp4: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "continue (take over): hs-standby serves the clients ($leases of 50)"
	else nok "continue (take over): hs-standby serves the clients" "${leases:-0} of 50"; fi
	# The primary back: the standby enters hot-standby again and pauses there (always), which
	# nothing shows while the pair is in touch: keaha says it cannot tell.
	"$LAB" start-host hs-primary dhcp4 >/dev/null 2>&1
	"$LAB" wait-state hs-standby dhcp4 hot-standby 15 >/dev/null 2>&1
	"$LAB" wait-state hs-primary dhcp4 hot-standby 15 >/dev/null 2>&1
	ha_cmd continue "$HS4" --peer hs-standby --yes
	expect "continue in touch: exit 0" "$RC" 0
	expect "continue in touch: keaha cannot tell" "$(has_line "$OUT" "where Kea would stay anyway now (it stays there while in touch with its partner): keaha cannot tell")" yes
	expect "continue in touch: Kea resumed a pause" "$(has_line "$OUT" "HA state machine continues")" yes
	ha_cmd continue "$HS4" --peer hs-standby --yes
	expect "continue with no pause left: sent but not done (exit 1)" "$RC" 1
	expect "continue with no pause left: said so" "$(has_line "$OUT" "NOT done: hs-standby was not paused, Kea says: nothing changed")" yes
	expect "continue with no pause left: audit says not reached" "$(tail -n 1 "$STATE/audit.log" | jq -r .result)" "not reached"
}

# A lease wipe on the standby alone (HA does not replicate it): the pair looks normal but the
# standby lost every lease. ha-reset sends it through waiting and syncing to refetch them.
t_actions_reset() {
	local p s
	"$LAB" perfdhcp hs-primary dhcp4 >/dev/null 2>&1
	p=$(lease_count hs-primary)
	expect "before the wipe: hs-standby holds hs-primary's leases" "$(lease_count hs-standby)" "$p"
	kea_call hs-standby dhcp4 lease4-wipe '{}' >/dev/null
	s=$(lease_count hs-standby)
	if [ "$p" -gt 0 ] && [ "$s" -eq 0 ]; then ok "lease4-wipe on hs-standby: it lost them ($s of $p)"
	else nok "lease4-wipe on hs-standby: it lost them" "standby $s, primary $p"; fi
	expect "after the wipe: both still hot-standby" "$(kea_state hs-primary dhcp4) $(kea_state hs-standby dhcp4)" \
		"hot-standby hot-standby"
	status
	expect "missing leases: impaired" "$(rel "$HS4" .status)" impaired
	expect "missing leases: the next step is reset hs-standby" \
		"$(rel "$HS4" '."next-action"') $(rel "$HS4" '."next-action-peer"')" "reset hs-standby"
	ha_cmd reset "$HS4" --peer hs-standby --yes
	expect "reset: exit 0" "$RC" 0
	expect "reset: keaha compared the leases" "$(has_line "$OUT" "hs-standby now holds $p leases, hs-primary $p")" yes
	expect "reset: hs-standby holds every lease again" "$(lease_count hs-standby)" "$p"
	expect "reset: both hot-standby" "$(kea_state hs-primary dhcp4) $(kea_state hs-standby dhcp4)" "hot-standby hot-standby"
	status
	expect "after reset: OK" "$(rel "$HS4" .status)" ok
}

# ha-scopes by hand: the hot-standby standby made to answer the primary's clients too (both
# answer), and lb-primary made to answer nobody (half the clients unanswered). restore-scopes
# gives each the scopes its state implies.
t_actions_restore_scopes() {
	local leases
	expect "ha-scopes by hand on hs-standby" "$(kea_call hs-standby dhcp4 ha-scopes '{"scopes":["hs-primary"]}' | jq .result)" 0
	expect "ha-scopes by hand on lb-primary" "$(kea_call lb-primary dhcp4 ha-scopes '{"scopes":[]}' | jq .result)" 0
	leases=$("$LAB" perfdhcp hs-primary dhcp4 2>&1 | sed -n 's/^hs-standby dhcp4: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -gt 0 ]; then ok "wrong scopes: the standby answers clients too ($leases)"
	else nok "wrong scopes: the standby answers clients too" "${leases:-0}"; fi
	status
	expect "wrong scopes: hs impaired" "$(rel "$HS4" .status)" impaired
	expect "wrong scopes: hs reason" "$(rel "$HS4" .reason | grep -c 'hs-standby serves the scopes of hs-primary, not none as hot-standby implies')" 1
	expect "wrong scopes: hs next step restore-scopes" "$(rel "$HS4" '."next-action"')" restore-scopes
	expect "wrong scopes: lb next step restore-scopes" "$(rel "$LB4" '."next-action"')" restore-scopes
	ha_cmd restore-scopes "$HS4" --yes
	expect "restore-scopes hs: exit 0" "$RC" 0
	expect "restore-scopes hs: hs-standby serves no scope" "$(scopes_of hs-standby dhcp4)" '[]'
	expect "restore-scopes hs: hs-primary still its own" "$(scopes_of hs-primary dhcp4)" '["hs-primary"]'
	leases=$("$LAB" perfdhcp hs-primary dhcp4 2>&1 | sed -n 's/^hs-standby dhcp4: \([0-9]*\) leases.*/\1/p')
	expect "restore-scopes hs: the standby answers nobody again" "${leases:-0}" 0
	ha_cmd restore-scopes "$LB4" --yes
	expect "restore-scopes lb: exit 0" "$RC" 0
	expect "restore-scopes lb: lb-primary serves its own scope" "$(scopes_of lb-primary dhcp4)" '["lb-primary"]'
	expect "restore-scopes lb: states unchanged" "$(kea_state lb-primary dhcp4) $(kea_state lb-secondary dhcp4)" \
		"load-balancing load-balancing"
	status
	expect "scopes restored: both OK" "$(rel "$HS4" .status) $(rel "$LB4" .status)" "ok ok"
	ha_cmd restore-scopes "$LB4" --yes
	expect "restore-scopes again: refused, nothing to restore (exit 2)" "$RC" 2
}

LAB_SCENARIOS+=(t_actions_continue_waiting t_actions_continue_ready t_actions_continue_takeover
	t_actions_reset t_actions_restore_scopes)
