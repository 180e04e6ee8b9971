# Lab scenarios: failures injected into `keaha relationship add/remove` on the
# plain servers, each ending with both servers exactly as before (config-get
# compared sorted with jq -S); the removal choices (disable, delete) and the
# pool split undone. Sourced by tests/lab/run-tests.sh after 20-relationship.sh
# (plain_config, rel_cmd). A fault between two steps uses txn's test-only
# KEAHA_TEST_PAUSE (src/txn.c, test_fault): keaha waits before a command
# until a file appears, and the scenario breaks a server meanwhile.

LAB_TIMINGS=(--heartbeat-delay 1000 --max-response-delay 4000 --max-ack-delay 2000 --max-unacked-clients 0)

# rel_bg COMMAND SERVER ARGS...: keaha relationship ARGS in the background,
# paused before COMMAND on SERVER; returns once it is paused (<= 60 s).
rel_bg() {
	local cmd=$1 srv=$2 i
	shift 2
	mkdir -p "$STATE"
	GO=$STATE/go.$$.$RANDOM BG_OUT=$STATE/bg.out
	KEAHA_TEST_PAUSE="$cmd $srv $GO" timeout 300 "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" \
		relationship "$@" >"$BG_OUT" 2>&1 &
	BG_PID=$!
	for ((i = 0; i < 600; i++)); do
		[ -e "$GO.paused" ] && return 0
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# Lets the paused keaha go on and waits for it (bounded by its timeout 300); sets OUT, RC.
rel_bg_finish() {
	touch "$GO"
	wait "$BG_PID"
	RC=$?
	OUT=$(cat "$BG_OUT")
	rm -f "$GO" "$GO.paused"
}

has() { grep -qF -- "$2" <<<"$1" && echo yes || echo "no: $(tail -n 3 <<<"$1" | tr '\n' ' ')"; }
journal_count() { ls "$STATE/journal.json" 2>/dev/null | wc -l; }

# keaha's next run (any command) completes a pending journal; its stderr into OUT.
next_run() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" status --timeout 6 2>&1 >/dev/null)
}

# Both plain servers' DHCPv4 exactly as saved in A4 / B4.
expect_originals() { # LABEL
	expect "$1: plain-a exactly as before" "$(plain_config plain-a dhcp4)" "$A4"
	expect "$1: plain-b exactly as before" "$(plain_config plain-b dhcp4)" "$B4"
}

save_originals() {
	A4=$(plain_config plain-a dhcp4) B4=$(plain_config plain-b dhcp4)
	[ -n "$A4" ] && [ "$A4" != null ] || nok "originals read" "plain-a gave no config"
}

# The partner's agent is stopped after its config-set, before the primary's:
# keaha rolls back the primary, cannot reach the partner, keeps a journal;
# the partner's agent comes back and the next keaha run completes the rollback.
t_fail_partner_agent_stopped() {
	restart_lab plain
	save_originals
	if ! rel_bg config-set plain-a add p4 --mode load-balancing --primary plain-a --partner plain-b \
		"${LAB_TIMINGS[@]}" --yes; then
		nok "agent stopped: keaha paused between the config-sets" "$(cat "$BG_OUT")"; return
	fi
	"$LAB" stop-host plain-b agent >/dev/null 2>&1
	rel_bg_finish
	expect "agent stopped: not applied (exit 1)" "$RC" 1
	expect "agent stopped: the failed step and server named" "$(has "$OUT" "wait for HA states failed on plain-b")" yes
	expect "agent stopped: primary rolled back at once" "$(has "$OUT" "rolled back plain-a")" yes
	expect "agent stopped: user told the rest is pending" "$(has "$OUT" "completes it at its next run")" yes
	expect "agent stopped: journal kept" "$(journal_count)" 1
	expect "agent stopped: journal names only plain-b as sent" \
		"$(jq -c '[.servers[] | select(.sent) | .name]' "$STATE/journal.json" 2>/dev/null)" '["plain-b"]'
	expect "agent stopped: plain-a exactly as before" "$(plain_config plain-a dhcp4)" "$A4"
	next_run
	expect "agent stopped: still pending while the agent is down" "$(has "$OUT" "still pending")" yes
	"$LAB" start-host plain-b agent >/dev/null 2>&1
	sleep 1
	next_run
	expect "agent stopped: next run completes the rollback" "$(has "$OUT" "half-applied change completed")" yes
	expect "agent stopped: journal removed" "$(journal_count)" 0
	expect_originals "agent stopped"
}

# The partner's agent frozen (SIGSTOP) between the config-sets: every request
# to it times out; the primary is rolled back, the partner once thawed.
t_fail_partner_agent_frozen() {
	restart_lab plain
	save_originals
	if ! rel_bg config-set plain-a add p4 --mode hot-standby --primary plain-a --partner plain-b \
		"${LAB_TIMINGS[@]}" --yes; then
		nok "agent frozen: keaha paused between the config-sets" "$(cat "$BG_OUT")"; return
	fi
	"$LAB" freeze plain-b agent >/dev/null 2>&1
	rel_bg_finish
	"$LAB" thaw plain-b agent >/dev/null 2>&1
	expect "agent frozen: not applied (exit 1)" "$RC" 1
	expect "agent frozen: the failed step and server named" "$(has "$OUT" "wait for HA states failed on plain-b: no answer")" yes
	expect "agent frozen: primary rolled back" "$(has "$OUT" "rolled back plain-a")" yes
	expect "agent frozen: journal kept" "$(journal_count)" 1
	sleep 2 # the thawed agent works off the requests queued meanwhile
	next_run
	expect "agent frozen: next run completes the rollback" "$(has "$OUT" "half-applied change completed")" yes
	expect "agent frozen: journal removed" "$(journal_count)" 0
	expect_originals "agent frozen"
}

# config-write fails on the primary (its config file replaced by a directory):
# the partner, already written, is set and written back; nothing pending.
t_fail_config_write() {
	local f
	restart_lab plain
	save_originals
	f=$LAB_DIR/hosts/plain-a/kea-dhcp4.conf
	mv "$f" "$f.keep" && mkdir "$f"
	rel_cmd add p4 --mode load-balancing --primary plain-a --partner plain-b "${LAB_TIMINGS[@]}" --yes
	rmdir "$f" && mv "$f.keep" "$f"
	expect "config-write fails: not applied (exit 1)" "$RC" 1
	expect "config-write fails: the failed step named" "$(has "$OUT" "config-write failed on plain-a")" yes
	expect "config-write fails: partner written back" "$(has "$OUT" "rolled back plain-b")" yes
	expect "config-write fails: no journal left" "$(journal_count)" 0
	expect_originals "config-write fails"
	expect "config-write fails: plain-b's file holds its original again" \
		"$(jq -S . "$LAB_DIR/hosts/plain-b/kea-dhcp4.conf" 2>/dev/null)" "$B4"
}

# Adds the lease-commands hook to both plain DHCPv4 servers, so that a server
# running without hooks after a rejected config-set can be told apart.
with_lease_cmds() {
	local h cfg
	for h in plain-a plain-b; do
		cfg=$(plain_config $h dhcp4 | jq '.Dhcp4["hooks-libraries"] = [{library: "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}]')
		curl -s -X POST -H 'Content-Type: application/json' \
			-d "{\"command\":\"config-set\",\"service\":[\"dhcp4\"],\"arguments\":$cfg}" "$("$LAB" url $h)" >/dev/null
	done
}

commands_of() { # HOST: list-commands of its dhcp4, one line
	curl -s -X POST -H 'Content-Type: application/json' -d '{"command":"list-commands","service":["dhcp4"]}' \
		"$("$LAB" url "$1")" | jq -r '.[0].arguments | join(" ")'
}

# An HA configuration the hook rejects at load (config-test passes it): Kea
# answers result 1 and runs without any hooks while config-get shows the old
# configuration. keaha must see it, put back and verify both servers.
t_fail_hook_rejected() {
	restart_lab plain
	with_lease_cmds
	save_originals
	expect "hook rejected: set-up has lease commands" "$(commands_of plain-a | grep -c lease4-get)" 1
	OUT=$(KEAHA_TEST_HOOK_REJECT=plain-a "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" relationship add p4 \
		--mode load-balancing --primary plain-a --partner plain-b "${LAB_TIMINGS[@]}" --yes 2>&1)
	RC=$?
	expect "hook rejected: not applied (exit 1)" "$RC" 1
	expect "hook rejected: detected and said" "$(has "$OUT" "runs without any hooks while config-get still shows")" yes
	expect "hook rejected: config-set named as the failed step" "$(has "$OUT" "config-set failed on plain-a")" yes
	expect "hook rejected: both rolled back and verified" \
		"$(grep -c 'rolled back .*verified' <<<"$OUT")" 2
	expect_originals "hook rejected"
	expect "hook rejected: plain-a runs its hooks again (lease4-get)" "$(commands_of plain-a | grep -c lease4-get)" 1
	expect "hook rejected: plain-b runs its hooks again (lease4-get)" "$(commands_of plain-b | grep -c lease4-get)" 1
	expect "hook rejected: no HA left on plain-b" \
		"$(curl -s -X POST -H 'Content-Type: application/json' -d '{"command":"status-get","service":["dhcp4"]}' \
			"$("$LAB" url plain-b)" | jq '.[0].arguments | has("high-availability")')" false
	expect "hook rejected: no journal left" "$(journal_count)" 0
}

# Leases each plain server gave in a short perfdhcp run ("plain-a=N plain-b=M").
leases_by_server() { # SERVICE
	"$LAB" perfdhcp plain-a "$1" 2>/dev/null | awk '/^plain-/ { sub(":", "", $1); printf "%s=%s ", $1, $3 }'
}

# A secondary refused as primary elsewhere; removal with disable (reversible,
# in user-context) and delete; the load-balancing pool split undone.
t_relationship_remove_scopes() {
	local a6 b6 b4now served
	restart_lab plain
	save_originals
	a6=$(plain_config plain-a dhcp6) b6=$(plain_config plain-b dhcp6)
	rel_cmd add p4 --mode load-balancing --primary plain-a --partner plain-b "${LAB_TIMINGS[@]}" --yes
	expect "scopes: add LB DHCPv4 (exit 0)" "$RC" 0
	rel_cmd add p6 --dhcp6 --mode hot-standby --primary plain-b --partner plain-a "${LAB_TIMINGS[@]}" --yes
	expect "secondary as primary elsewhere: refused (exit 2)" "$RC" 2
	expect "secondary as primary elsewhere: the reason" "$(has "$OUT" "plain-b is secondary in a DHCPv4 relationship")" yes
	expect "secondary as primary elsewhere: nothing sent (plain-a v6)" "$(plain_config plain-a dhcp6)" "$a6"
	expect "secondary as primary elsewhere: nothing sent (plain-b v6)" "$(plain_config plain-b dhcp6)" "$b6"

	rel_cmd remove p4 --secondary-scopes disable --yes
	expect "remove disable: exit 0" "$RC" 0
	expect "remove disable: primary exactly as before (split undone, hooks gone)" "$(plain_config plain-a dhcp4)" "$A4"
	b4now=$(plain_config plain-b dhcp4)
	expect "remove disable: secondary serves no pool" "$(jq '[.Dhcp4.subnet4[].pools[]] | length' <<<"$b4now")" 0
	expect "remove disable: reversible from user-context (pools put back = original)" \
		"$(jq -S '.Dhcp4.subnet4 |= map(.pools = .["user-context"].keaha["disabled-pools"] | del(.["user-context"]))' <<<"$b4now")" "$B4"
	served=$(leases_by_server dhcp4)
	expect "remove disable: primary serves, secondary does not ($served)" \
		"$(awk '{ split($1, a, "="); split($2, b, "="); print (a[2] >= 40 && b[2] == 0) ? "yes" : "no" }' <<<"$served")" yes

	rel_cmd add p6 --dhcp6 --mode load-balancing --primary plain-a --partner plain-b "${LAB_TIMINGS[@]}" --yes
	expect "scopes: add LB DHCPv6 (exit 0)" "$RC" 0
	rel_cmd remove p6 --secondary-scopes delete --yes
	expect "remove delete: exit 0" "$RC" 0
	expect "remove delete: primary v6 exactly as before (split undone)" "$(plain_config plain-a dhcp6)" "$a6"
	expect "remove delete: secondary has no subnet" "$(plain_config plain-b dhcp6 | jq '.Dhcp6.subnet6 | length')" 0
	served=$(leases_by_server dhcp6)
	expect "remove delete: primary serves, secondary does not ($served)" \
		"$(awk '{ split($1, a, "="); split($2, b, "="); print (a[2] >= 40 && b[2] == 0) ? "yes" : "no" }' <<<"$served")" yes
}

LAB_SCENARIOS+=(t_fail_partner_agent_stopped t_fail_partner_agent_frozen t_fail_config_write
	t_fail_hook_rejected t_relationship_remove_scopes)
