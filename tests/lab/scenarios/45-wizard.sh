# Lab scenarios: the dashboard's Add Relationship wizard and Remove dialog on the plain servers,
# driven by keys in headless mode (the screen written to a file). Sourced by tests/lab/run-tests.sh.

# wiz NAME KEYS: keaha's dashboard on the full lab config, headless, the keys pressed, the final
# screen in $STATE/NAME.txt (SCREEN); sets RC.
wiz() {
	mkdir -p "$STATE"
	timeout 120 "$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --headless 120x40 \
		--keys "$2" --dump "$STATE/$1.txt" 2>"$STATE/$1.err"
	RC=$?
	SCREEN=$(cat "$STATE/$1.txt" 2>/dev/null)
}

screen_says() { grep -qF -- "$1" <<<"$SCREEN" && echo yes || echo no; }

# Erases a text field of 5 characters and types VALUE.
retype() { echo "<Backspace> <Backspace> <Backspace> <Backspace> <Backspace> $1"; }

# plain-a's Failover Management (first server), the wizard, NAME, Advanced with the lab's quick timings.
WIZ_SETUP="S <Enter> a wiz4 <Tab> <Tab> <Tab> <Tab> <Space> <Tab> $(retype 1000) <Tab> $(retype 4000) <Tab> $(retype 2000) <Tab> <Backspace> <Backspace> 0"

t_wizard_add_remove() {
	local a4 b4
	restart_lab plain
	a4=$(plain_config plain-a dhcp4); b4=$(plain_config plain-b dhcp4)

	wiz cancel "$WIZ_SETUP <Esc>"
	expect "wizard, Esc: the dashboard exits 0" "$RC" 0
	expect "wizard, Esc: says nothing was changed" "$(screen_says 'cancelled, nothing was changed')" yes
	expect "wizard, Esc: plain-a unchanged" "$(plain_config plain-a dhcp4)" "$a4"

	wiz summary "$WIZ_SETUP <Enter>"
	expect "wizard Summary: the dry-run's diff for plain-a" "$(screen_says 'Changes on plain-a:')" yes
	expect "wizard Summary: the pool split shown" "$(screen_says '(HA_plain-a)')" yes
	expect "wizard Summary: the Add button" "$(screen_says '[ Add ]')" yes
	expect "wizard Summary: plain-a unchanged" "$(plain_config plain-a dhcp4)" "$a4"
	expect "wizard Summary: plain-b unchanged" "$(plain_config plain-b dhcp4)" "$b4"
	expect "wizard Summary: nothing in the audit log" "$(cat "$STATE/audit.log" 2>/dev/null | wc -l)" 0

	wiz add "$WIZ_SETUP <Enter> <Enter>"
	expect "wizard Add: exit 0" "$RC" 0
	expect "wizard Add: done, both servers written" "$(screen_says 'Done: both servers changed and written.')" yes
	expect "wizard Add: config-write on both shown" "$(grep -c 'config-write on plain-[ab]: Configuration written' <<<"$SCREEN")" 2
	if wait_status wiz4 ok 30; then ok "wizard Add: relationship wiz4 is OK"
	else nok "wizard Add: relationship wiz4 is OK" "$(rel wiz4 .status)"; fi
	expect "wizard Add: the audit log has it" "$(grep -c '"what":"add DHCPv4 relationship wiz4' "$STATE/audit.log")" 1

	# The dashboard now knows wiz4: a second DHCPv4 relationship on plain-a is refused up front.
	wiz again "S <Enter> a other <Enter>"
	expect "wizard again: refused before asking Kea" \
		"$(screen_says 'plain-a is already in DHCPv4 relationship wiz4')" yes

	wiz remove-summary "S <Enter> d <Right> <Enter>"
	expect "remove Summary: both hooks go" "$(grep -c -- '- hooks-libraries:' <<<"$SCREEN")" 4
	expect "remove Summary: the keep warning" "$(screen_says 'both hand out the same pools independently')" yes
	wiz remove-wrong "S <Enter> d <Right> <Enter> wiz5 <Enter>"
	expect "remove, wrong name typed: not applied" "$(screen_says 'not the name: type wiz4')" yes
	expect "remove, wrong name typed: still in the audit log once" "$(wc -l <"$STATE/audit.log")" 1

	wiz remove "S <Enter> d <Right> <Enter> wiz4 <Enter>"
	expect "remove: done" "$(screen_says 'Done: both servers changed and written.')" yes
	expect "remove: plain-a has no hooks" \
		"$(plain_config plain-a dhcp4 | jq '[.Dhcp4["hooks-libraries"][]?.library] | length')" 0
	expect "remove: plain-b has no hooks" \
		"$(plain_config plain-b dhcp4 | jq '[.Dhcp4["hooks-libraries"][]?.library] | length')" 0
	expect "remove: plain-a's pools as before" "$(plain_config plain-a dhcp4 | jq -c '.Dhcp4.subnet4[].pools')" \
		"$(jq -c '.Dhcp4.subnet4[].pools' <<<"$a4")"
	status
	expect "remove: wiz4 is gone" "$(rel wiz4 .status)" ""
	expect "remove: no relationship left" "$(jq '.relationships | length' <<<"$OUT")" 0
	expect "remove: two changes in the audit log" "$(wc -l <"$STATE/audit.log")" 2
}

# --readonly: a and d do nothing but say so; the help overlay does not list them.
t_wizard_readonly() {
	restart_lab plain
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --readonly --headless 120x40 \
		--keys "S <Enter> a" --dump "$STATE/ro.txt" 2>&1)
	expect "readonly: a says it is disabled" "$(grep -c 'read-only: add is disabled' "$STATE/ro.txt")" 1
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --readonly --headless 120x40 \
		--keys "?" --dump "$STATE/ro-help.txt" >/dev/null 2>&1
	expect "readonly: the help is shown" "$(grep -c 'poll every server now' "$STATE/ro-help.txt")" 1
	expect "readonly: the help lists no add" "$(grep -c 'add a relationship' "$STATE/ro-help.txt")" 0
}

LAB_SCENARIOS+=(t_wizard_add_remove t_wizard_readonly)
