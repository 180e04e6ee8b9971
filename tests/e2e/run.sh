#!/usr/bin/env bash
# End-to-end test of the keaha dashboard in tmux on the project's real Kea lab
# (tests/lab/lab.sh, loopback only): keaha runs in detached tmux sessions of a
# fixed size; the test types keys with send-keys and reads the screen with
# capture-pane, as a person would.
#   tests/e2e/run.sh
# Scenario: the lab's relationships show OK; lb-primary is killed, its rows
# turn Impaired and the pane names lb-secondary as source of truth; triage,
# events and help; resize to 60x15, 40x10 and back; NO_COLOR=1 leaves no colour
# escapes; --readonly hides add/remove; the wizard opens, takes text, closes
# with Esc; lb-primary comes back; E runs keaha edit in the terminal and the
# dashboard comes back; q quits with 0.
# Own lab (E2E_LAB_NET, default 8; E2E_LAB_DIR) and own tmux server
# (tmux -L keaha-e2e-PID); every wait is bounded; a trap stops both.
# Prints "e2e: N passed, N failed" last; exits 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KEAHA=${KEAHA:-$top/keaha}
case "$KEAHA" in /*) ;; *) KEAHA=$top/$KEAHA ;; esac
export LAB_NET=${E2E_LAB_NET:-8}
export LAB_DIR=${E2E_LAB_DIR:-/tmp/keaha-e2e.$$}
LAB="$top/tests/lab/lab.sh"
SOCK=keaha-e2e-$$
W=140 H=40
pass=0 fail=0 failed_names=""

tm() { tmux -L "$SOCK" -f "$LAB_DIR/tmux.conf" "$@"; }

cleanup() {
	tm kill-server >/dev/null 2>&1
	"$LAB" stop >/dev/null 2>&1
	if [ "$fail" -eq 0 ]; then rm -rf "$LAB_DIR"; else echo "e2e: lab files and keaha outputs kept in $LAB_DIR"; fi
}

ok()  { pass=$((pass + 1)); echo "ok   - $1"; }
# nok NAME WHY: a failure, with the last captured screen for the reader.
nok() {
	fail=$((fail + 1))
	failed_names="$failed_names [$1]"
	echo "FAIL - $1: $2"
	[ -n "${SCREEN:-}" ] && while IFS= read -r l; do printf '    | %s\n' "$l"; done <<<"$SCREEN"
}
check() { # NAME WHY command...: ok if the command succeeds
	local name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else nok "$name" "$why"; fi
}

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# ------------------------------------------------------------ tmux and keaha

# start_session NAME [VAR=value...] -- [keaha args...]: keaha in a detached
# session of W x H, colour terminal, UTF-8; its exit code goes to NAME.rc.
start_session() {
	local name=$1 envs=() cmd
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	rm -f "$LAB_DIR/$name.rc"
	cmd="cd $(printf %q "$top") && env -u LC_ALL -u NO_COLOR -u TMUX TERM=xterm-256color LANG=C.UTF-8"
	cmd+=" ${envs[*]+${envs[*]}} $(printf '%q ' "$KEAHA" "$@") 2>$(printf %q "$LAB_DIR/$name.err");"
	cmd+=" echo \$? >$(printf %q "$LAB_DIR/$name.rc")"
	tm new-session -d -s "$name" -x "$W" -y "$H" "$cmd"
}

# The screen as text (SCREEN), or with its escapes (-e).
capture() { SCREEN=$(tm capture-pane -p ${2:+"$2"} -t "$1" 2>/dev/null); }

# Do all regexes (grep -E) match the last capture?
matches_all() {
	local re
	for re in "$@"; do grep -Eq -- "$re" <<<"$SCREEN" || return 1; done
}

# wait_screen NAME SECONDS REGEX...: poll the screen every 0.2 s until every
# regex matches (bounded by count and by the clock).
wait_screen() {
	local name=$1 secs=$2 i deadline
	shift 2
	deadline=$(($(now_ms) + secs * 1000))
	for ((i = 0; i < secs * 5; i++)); do
		capture "$name"
		matches_all "$@" && return 0
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.2
	done
	capture "$name"
	matches_all "$@"
}

# wait_gone NAME SECONDS REGEX: poll until the regex no longer matches.
wait_gone() {
	local name=$1 secs=$2 re=$3 i
	for ((i = 0; i < secs * 5; i++)); do
		capture "$name"
		grep -Eq -- "$re" <<<"$SCREEN" || return 0
		sleep 0.2
	done
	return 1
}

keys() { local name=$1; shift; tm send-keys -t "$name" "$@"; }

# Tests on the last capture.
screen_has() { grep -Eq -- "$1" <<<"$SCREEN"; }
screen_lacks() { ! screen_has "$1"; }
line_matches() { sed -n "${1}p" <<<"$SCREEN" | grep -Eq -- "$2"; } # LINE-NUMBER REGEX
joined_has() { tr -s ' \n' '  ' <<<"$SCREEN" | grep -Eq -- "$1"; } # across wrapped lines
# both_indented_with WORD LINE LINE: two indented lines that name WORD.
both_indented_with() { [[ $2 == "    "*"$1"* && $3 == "    "*"$1"* ]]; }

# Lines of the last capture matching a regex.
count_lines() { grep -Ec -- "$1" <<<"$SCREEN"; }

# The line after the first one matching a regex.
line_after() { awk -v re="$1" 'hit { print; exit } $0 ~ re { hit = 1 }' <<<"$SCREEN"; }

# Colour SGR parameters in the last capture (-e): 30-37, 40-47, 90-97,
# 100-107, 38;... and 48;... (39/49, the default colours, are no colour).
colour_codes() {
	local seq params p out=() skip=0
	while read -r seq; do
		params=${seq#$'\e['}
		params=${params%m}
		params=${params//:/;}
		IFS=';' read -r -a ps <<<"$params"
		skip=0
		for p in "${ps[@]}"; do
			if [ $skip -gt 0 ]; then skip=$((skip - 1)); continue; fi
			case $p in
			38 | 48) out+=("$seq"); break ;;
			3[0-7] | 4[0-7] | 9[0-7] | 10[0-7]) out+=("$seq") ;;
			esac
		done
	done < <(grep -oE $'\e\\[[0-9;:]*m' <<<"$SCREEN")
	[ ${#out[@]} -eq 0 ] || printf '%q ' "${out[@]}"
}

# Any escape sequence at all in the last capture (-e)?
has_sgr() { grep -q $'\e\\[' <<<"$SCREEN"; }

# Waits (bounded) until a session's pane is dead; prints its exit code file.
wait_exit() {
	local name=$1 i
	for ((i = 0; i < 50; i++)); do
		[ "$(tm display-message -p -t "$name" '#{pane_dead}' 2>/dev/null)" = 1 ] && [ -s "$LAB_DIR/$name.rc" ] && break
		sleep 0.1
	done
	[ "$(tm display-message -p -t "$name" '#{pane_dead}' 2>/dev/null)" = 1 ] || { echo "running"; return 1; }
	cat "$LAB_DIR/$name.rc" 2>/dev/null || echo "no exit code"
}

# Relationship rows of the list: NAME-PREFIX VERSION STATUS (names may be
# cut short by the column layout, so the service column tells v4 from v6).
row_re() { echo "^$1[^ ]* .*DHCPv$2 +(! +|!! +|-- +)?$3"; }
LB4_IMP=$(row_re 'lb-primary\+lb-' 4 Impaired)
LB6_IMP=$(row_re 'lb-primary\+lb-' 6 Impaired)
ALL_OK=("$(row_re 'lb-primary\+lb-' 4 OK)" "$(row_re 'lb-primary\+lb-' 6 OK)"
	"$(row_re 'hs-primary\+hs-' 4 OK)" "$(row_re 'hs-primary\+hs-' 6 OK)" "$(row_re 'bk-primary\+bk-' 4 OK)")

# ------------------------------------------------------------ the scenario

t_start() {
	local s
	for s in main mono ro; do
		if wait_screen $s 30 '5 OK  0 impaired  0 down  0 unreachable' "${ALL_OK[@]}"; then
			ok "start ($s): the 5 relationships of the lab listed OK"
		else
			nok "start ($s): the 5 relationships of the lab listed OK" "not within 30 s"
		fi
	done
	capture main -e
	check "start: colours used on a colour terminal (so the NO_COLOR check means something)" \
		"no colour SGR in the capture" test -n "$(colour_codes)"
}

t_primary_killed() {
	"$LAB" kill lb-primary >/dev/null 2>&1 || nok "kill lb-primary" "lab.sh kill failed"
	if wait_screen main 20 '3 OK  2 impaired' "$LB4_IMP" "$LB6_IMP"; then
		ok "primary killed: both lb rows Impaired"
	else
		nok "primary killed: both lb rows Impaired" "not within 20 s"
	fi
	# Worst first: the two Impaired rows are the first two rows under the header.
	check "primary killed: Impaired rows sorted first" "rows 3-4 of the screen are not the lb rows" \
		test "$(sed -n '3,4p' <<<"$SCREEN" | grep -Ec 'Impaired')" = 2
	keys main g
	if wait_screen main 5 '│ lb-primary\+lb-secondary/dhcp4 *$' 'Source of truth +lb-secondary'; then
		ok "primary killed: pane of lb dhcp4 names lb-secondary as source of truth"
	else
		nok "primary killed: pane of lb dhcp4 names lb-secondary as source of truth" "pane heading or source of truth missing"
	fi
	keys main j
	if wait_screen main 5 '│ lb-primary\+lb-secondary/dhcp6 *$' 'Source of truth +lb-secondary'; then
		ok "j: selection moves to lb dhcp6, source of truth lb-secondary"
	else
		nok "j: selection moves to lb dhcp6, source of truth lb-secondary" "pane did not follow"
	fi
	keys main k
	check "k: selection back on lb dhcp4" "pane did not follow" \
		wait_screen main 5 '│ lb-primary\+lb-secondary/dhcp4 *$'
	if wait_screen main 20 'HA state +partner-down, serving: all'; then
		ok "primary killed: lb-secondary partner-down, serving all, in the pane"
	else
		nok "primary killed: lb-secondary partner-down, serving all, in the pane" "not within 20 s"
	fi
}

t_triage() {
	local r4 r6
	keys main t
	if wait_screen main 5 '^ keaha  Triage' '^! +Impaired +lb-primary\+lb-secondary/dhcp4' '^! +Impaired +lb-primary\+lb-secondary/dhcp6'; then
		ok "t: triage lists both lb relationships as Impaired"
	else
		nok "t: triage lists both lb relationships as Impaired" "missing"
	fi
	r4=$(line_after 'Impaired +lb-primary\+lb-secondary/dhcp4')
	r6=$(line_after 'Impaired +lb-primary\+lb-secondary/dhcp6')
	check "t: each with a reason naming lb-primary" "reasons: '$r4' / '$r6'" \
		both_indented_with lb-primary "$r4" "$r6"
	check "t: each with a next step" "$(count_lines '^    next: ') next: lines" test "$(count_lines '^    next: ')" -ge 2
	check "t: OK relationships not in triage" "hs or bk listed" test "$(count_lines '(hs|bk)-primary\+')" = 0
}

t_events() {
	keys main e
	if wait_screen main 5 '^ keaha  Event timeline' 'lb-primary\+lb-secondary/dhcp4: OK -> Impaired' \
		'lb-secondary dhcp4: .*-> partner-down' 'lb-primary dhcp4 unreachable'; then
		ok "e: events show the verdict change, the unreachable primary and partner-down"
	else
		nok "e: events show the verdict change, the unreachable primary and partner-down" "missing"
	fi
}

t_help() {
	keys main '?'
	if wait_screen main 5 'keaha keys' ' q +quit( |$)' 'add a relationship' '\? <F1> +this help'; then
		ok "?: help overlay lists the keys (quit, add...)"
	else
		nok "?: help overlay lists the keys (quit, add...)" "missing"
	fi
	keys main x
	check "?: any key closes the help" "still shown" wait_gone main 5 'keaha keys'
	keys main R
	check "R: back to the relationships" "not shown" wait_screen main 5 '^ keaha  Failover Management' '^RELATIONSHIP '
}

t_resize() {
	local long n
	tm resize-window -t main -x 60 -y 15
	if wait_screen main 5 '^ keaha ' '^RELATIONSHIP ' 'Impaired'; then
		ok "60x15: a usable layout (title, list)"
	else
		nok "60x15: a usable layout (title, list)" "no title or list"
	fi
	n=$(tm capture-pane -p -t main | wc -l)
	check "60x15: 15 lines" "$n lines" test "$n" = 15
	check "60x15: status bar on line 14" "line 14: '$(sed -n 14p <<<"$SCREEN")'" \
		line_matches 14 '^ (polled|STALE)'
	check "60x15: no too-small message" "shown" screen_lacks 'Terminal too small'
	# Characters, not bytes (mawk counts bytes; "…" is three of them in UTF-8).
	long=$(LC_ALL=C.UTF-8 bash -c 'n=0; while IFS= read -r l; do [ ${#l} -gt 60 ] && n=$((n + 1)); done; echo $n' <<<"$SCREEN")
	check "60x15: no line wider than 60" "$long lines" test "$long" = 0

	tm resize-window -t main -x 40 -y 10
	if wait_screen main 5 'Terminal too small'; then ok "40x10: too-small message"; else nok "40x10: too-small message" "not shown"; fi
	# The whole message, even if it had to wrap over several lines.
	check "40x10: message says 'need at least WxH (now 40x10)'" "message cut: '$(grep -m1 'Terminal' <<<"$SCREEN")'" \
		joined_has 'Terminal too small: need at least [0-9]+x[0-9]+ \(now 40x10\)'

	tm resize-window -t main -x "$W" -y "$H"
	if wait_screen main 5 '^ keaha  Failover Management' '3 OK  2 impaired' '^RELATIONSHIP ' "$LB4_IMP" 'Source of truth'; then
		ok "back to ${W}x${H}: list and pane again"
	else
		nok "back to ${W}x${H}: list and pane again" "not restored"
	fi
}

t_no_color() {
	local codes
	if wait_screen mono 20 '3 OK  2 impaired' "$LB4_IMP" "$LB6_IMP"; then
		ok "NO_COLOR=1: Impaired readable as text with the '!' marker"
	else
		nok "NO_COLOR=1: Impaired readable as text with the '!' marker" "not within 20 s"
	fi
	capture mono -e
	codes=$(colour_codes)
	check "NO_COLOR=1: no colour escapes in the captured pane" "found: $codes" test -z "$codes"
	check "NO_COLOR=1: attributes (bold/reverse) still mark the screen" "no SGR at all" has_sgr
}

t_readonly() {
	check "--readonly: status bar says read-only" "missing" wait_screen ro 5 '\| read-only \|'
	keys ro '?'
	if wait_screen ro 5 'keaha keys' ' q +quit( |$)'; then ok "--readonly: help overlay shown"; else nok "--readonly: help overlay shown" "missing"; fi
	check "--readonly: help lists neither add nor remove" "listed" \
		screen_lacks 'add a relationship|remove the selected'
	keys ro x
	keys ro a
	check "--readonly: 'a' refused with a message" "no message" wait_screen ro 5 'read-only: add is disabled'
}

# The wizard in a real terminal (a state directory: changes keep backups). The lab has no
# server free for a DHCPv4 relationship, so it says so and nothing can be sent; Esc closes.
t_wizard() {
	keys wiz a
	if wait_screen wiz 5 ' Add relationship ' 'Failover name' 'Partner server' 'no known server can be the partner'; then
		ok "a: the wizard opens, and says no known server can be the partner"
	else
		nok "a: the wizard opens, and says no known server can be the partner" "not shown"
	fi
	keys wiz -l 'q j'
	check "a: a text field takes q and j (not quit, not down)" "name not typed" \
		wait_screen wiz 5 'Failover name +\[q j_'
	keys wiz BTab
	check "Shift-Tab: focus leaves the name (wraps to the last button)" "cursor still in the name" \
		wait_screen wiz 5 'Failover name +\[q j +\]'
	keys wiz Escape
	check "Esc: the wizard closes, nothing changed" "not closed" \
		wait_screen wiz 5 'Add relationship: cancelled, nothing was changed'
	keys main a
	check "--no-state: a says why it does nothing" "no message" \
		wait_screen main 5 'changes keep backups and a journal in the state directory'
}

t_recovery() {
	"$LAB" start-host lb-primary >/dev/null 2>&1 || nok "start-host lb-primary" "lab.sh start-host failed"
	if wait_screen main 30 '5 OK  0 impaired  0 down  0 unreachable' "${ALL_OK[@]}"; then
		ok "lb-primary back: every relationship OK again"
	else
		nok "lb-primary back: every relationship OK again" "not within 30 s"
	fi
}

# E: keaha edit in the terminal itself, the dashboard suspended and back; the editor is a
# script (sleeps a second, then changes decline-probation-period only when asked to).
t_edit() {
	local v
	keys edit /
	keys edit -l hs-primary
	keys edit Enter E
	if wait_screen edit 15 "Editing hs-primary's DHCPv4 configuration"; then
		ok "E: keaha edit has the terminal (the dashboard suspended)"
	else
		nok "E: keaha edit has the terminal (the dashboard suspended)" "not shown"
	fi
	if wait_screen edit 20 '^ keaha  Failover Management' 'edit hs-primary\+hs-standby/dhcp4: nothing changed'; then
		ok "E, no change: the dashboard back, 'nothing changed'"
	else
		nok "E, no change: the dashboard back, 'nothing changed'" "not restored"
	fi
	touch "$LAB_DIR/edit-change"
	keys edit E
	if wait_screen edit 20 'Apply to hs-primary'; then ok "E, a change: keaha edit shows it and asks"
	else nok "E, a change: keaha edit shows it and asks" "no question"; fi
	keys edit y Enter
	if wait_screen edit 60 '^ keaha  Failover Management' 'edit hs-primary\+hs-standby/dhcp4: applied'; then
		ok "E, a change: applied, the dashboard back"
	else
		nok "E, a change: applied, the dashboard back" "not applied or not restored"
	fi
	v=$(curl -s -m 3 -X POST -H 'Content-Type: application/json' -d '{"command":"config-get","service":["dhcp4"]}' \
		"$("$LAB" url hs-standby)" | jq '.[0].arguments.Dhcp4["decline-probation-period"]')
	check "E, a change: replicated to hs-standby (decline-probation-period 4321)" "hs-standby has $v" test "$v" = 4321
}

t_quit() {
	local s rc
	for s in main mono ro wiz edit; do
		keys $s q
		rc=$(wait_exit $s)
		SCREEN=$(cat "$LAB_DIR/$s.err" 2>/dev/null)
		check "q ($s): keaha exits with 0" "exit: $rc" test "$rc" = 0
	done
	SCREEN=""
}

# ------------------------------------------------------------ main

[ -x "$KEAHA" ] || { echo "no keaha binary at $KEAHA (make keaha)"; echo "e2e: 0 passed, 1 failed"; exit 1; }
command -v tmux >/dev/null || { echo "tmux missing (scripts/deps.sh check)"; echo "e2e: 0 passed, 1 failed"; exit 1; }
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$LAB_DIR"
printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 100\n' >"$LAB_DIR/tmux.conf"
if ! timeout 120 "$LAB" start lb hs bk >"$LAB_DIR/lab-start.out" 2>&1; then
	echo "lab did not start:"
	tail -n 20 "$LAB_DIR/lab-start.out"
	fail=1
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
CONF=$LAB_DIR/keaha-primaries.conf
start_session main -- --no-state -c "$CONF"
start_session mono NO_COLOR=1 -- --no-state -c "$CONF"
start_session ro -- --readonly --no-state -c "$CONF"
start_session wiz -- --state-dir "$LAB_DIR/state" -c "$CONF"
# The editor of the session "edit": a second's pause, then a change only when asked for.
printf '#!/bin/sh\nsleep 1\n[ -f %q ] && sed -E -i %q "$1"\nexit 0\n' "$LAB_DIR/edit-change" \
	's/("decline-probation-period":[[:space:]]*)[0-9]+/\14321/' >"$LAB_DIR/editor.sh"
chmod +x "$LAB_DIR/editor.sh"
start_session edit "EDITOR=$LAB_DIR/editor.sh" VISUAL= -- --state-dir "$LAB_DIR/state-edit" -c "$CONF"

t_start
t_primary_killed
t_triage
t_events
t_help
t_resize
t_no_color
t_readonly
t_wizard
t_recovery
t_edit
t_quit

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
