# Lab scenarios: `keaha relationship add/remove` on the plain servers. Sourced by tests/lab/run-tests.sh, which defines the helpers.

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
	OUT=$("$KEAHA" --no-state -c "$LAB_DIR/keaha.conf" relationship add pair4 --mode load-balancing \
		--primary plain-a --partner plain-b "${timings[@]}" --yes 2>&1)
	expect "add with --no-state: refused (no place for originals, journal, audit)" "$?" 64
	rel_cmd add pair4 --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}"
	expect "add without --yes and without a terminal: refused" "$RC" 2
	rel_cmd add pair4 --mode load-balancing --primary plain-a --partner plain-b "${timings[@]}" --yes
	expect "add LB DHCPv4: exit 0" "$RC" 0
	status
	expect "add LB DHCPv4: the relationship is OK under its name" "$(rel pair4 .status)" ok
	leases=$("$LAB" perfdhcp plain-a dhcp4 2>&1 | sed -n 's/^total: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "add LB DHCPv4: clients get leases from the pair ($leases of 50)"
	else nok "add LB DHCPv4: clients get leases from the pair" "${leases:-0} of 50"; fi
	# Fail over and back on the pair keaha made: plain-a's DHCPv4 server killed, then restarted.
	"$LAB" kill plain-a dhcp4 >/dev/null
	"$LAB" wait-state plain-b dhcp4 partner-down 30 >/dev/null 2>&1
	if wait_status pair4 impaired 15; then ok "fail over: pair4 impaired"; else nok "fail over: pair4 impaired" "$(rel pair4 .status)"; fi
	expect "fail over: plain-b is the source of truth" "$(rel pair4 '."source-of-truth"')" plain-b
	leases=$("$LAB" perfdhcp plain-a dhcp4 2>&1 | sed -n 's/^total: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "fail over: plain-b alone serves every client ($leases of 50)"
	else nok "fail over: plain-b alone serves every client" "${leases:-0} of 50"; fi
	"$LAB" start-host plain-a dhcp4 >/dev/null
	"$LAB" wait-state plain-a dhcp4 load-balancing 60 >/dev/null 2>&1
	if wait_status pair4 ok 20; then ok "fail back: pair4 OK again"; else nok "fail back: pair4 OK again" "$(rel pair4 .reason)"; fi
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

LAB_SCENARIOS+=(t_relationship_add_remove t_relationship_failure_rolls_back t_journal_recovery)
