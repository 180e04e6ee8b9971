# Lab scenarios: the dashboard's HA action dialog (h, and n for the next step the verdict
# names) on the lb pair, driven by keys in headless mode, each checked against the states Kea
# really reaches. Sourced by tests/lab/run-tests.sh after 45-wizard.sh (wiz, screen_says) and
# 50-actions.sh (kea_state).

LB_NAME="lb-primary+lb-secondary/dhcp4"

t_dashboard_ha_actions() {
	local audit0
	restart_lab
	audit0=$(cat "$STATE/audit.log" 2>/dev/null | wc -l)

	# lb-primary's Failover Management (first server), its DHCPv4 relationship, h.
	wiz ha-summary "S <Enter> h <Right> <Tab> <Right> <Enter>"
	expect "h: the dry-run's plan (ha-maintenance-start goes to the partner, lb-secondary)" \
		"$(screen_says 'send ha-maintenance-start to lb-secondary')" yes
	expect "h: lb-primary can then be shut down" "$(screen_says 'lb-primary will serve none and can')" yes
	expect "h: what happens, in words" "$(screen_says 'What happens:')" yes
	expect "h Summary: nothing sent" "$(kea_state lb-primary dhcp4)" load-balancing

	wiz ha-wrong "S <Enter> h <Right> <Tab> <Right> <Enter> lb-primary <Enter>"
	expect "h, the name mistyped: not sent" "$(screen_says "not the name: type $LB_NAME")" yes
	expect "h, the name mistyped: lb-primary still load-balancing" "$(kea_state lb-primary dhcp4)" load-balancing

	wiz ha-send "S <Enter> h <Right> <Tab> <Right> <Enter> $LB_NAME <Enter>"
	expect "h, maintenance-start: done" "$(screen_says 'Done: sent, and Kea reached the states expected.')" yes
	expect "h, maintenance-start: the command's own outcome" "$(screen_says 'Done: reached')" yes
	expect "h, maintenance-start: lb-primary in-maintenance (Kea)" "$(kea_state lb-primary dhcp4)" in-maintenance
	expect "h, maintenance-start: lb-secondary partner-in-maintenance (Kea)" \
		"$(kea_state lb-secondary dhcp4)" partner-in-maintenance

	# The verdict now names the next step; n offers it, Next, the name, Send.
	wiz ha-next "S <Enter> n <Enter> $LB_NAME <Enter>"
	expect "n: maintenance-cancel sent, done" \
		"$(screen_says 'send ha-maintenance-cancel to lb-')$(screen_says 'Done: sent, and Kea reached')" yesyes
	if wait_status "$LB_NAME" ok 20; then ok "n: the relationship is OK again"
	else nok "n: the relationship is OK again" "$(rel "$LB_NAME" .status)"; fi
	expect "n: lb-primary load-balancing (Kea)" "$(kea_state lb-primary dhcp4)" load-balancing
	expect "h and n: two actions in the audit log" \
		"$(( $(cat "$STATE/audit.log" | wc -l) - audit0 ))" 2

	# Refused by the situation (nothing to continue): the reason beside the action, no Next.
	wiz ha-refused "S <Enter> h <Right> <Right> <Right> <Right> <Enter>"
	expect "h, continue with nothing paused: refused up front" "$(grep -c '✗' <<<"$SCREEN")" 1
	expect "h, refused: no dry-run was run" "$(screen_says 'What will be sent')$(screen_says 'send ha-')" nono
}

LAB_SCENARIOS+=(t_dashboard_ha_actions)
