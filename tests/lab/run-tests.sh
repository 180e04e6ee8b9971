#!/usr/bin/env bash
# Integration tests of `keaha status` on the project's real Kea lab (loopback only).
#   tests/lab/run-tests.sh          every scenario (tests/lab/scenarios/*.sh)
#   KEAHA_LAB_TESTS="t_a t_b" tests/lab/run-tests.sh   only those
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

# ok, nok, expect, rel, srv, wait_status, wait_event, fresh_replication, tests_summary.
# shellcheck source=tests/lab/common.sh
. "$here/common.sh"

# keaha status --json on the primaries-only config, into $OUT and $RC.
status() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha-primaries.conf" status --json --timeout "${1:-8}")
	RC=$?
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

t_smoke() {
	status
	expect "smoke: exit 0" "$RC" 0
	expect "smoke: 5 relationships" "$(jq '.relationships | length' <<<"$OUT")" 5
}

[ -x "$KEAHA" ] || { echo "no keaha binary at $KEAHA"; exit 1; }
# Every file in scenarios/ defines t_* functions and appends them to LAB_SCENARIOS.
LAB_SCENARIOS=()
for f in "$here"/scenarios/*.sh; do . "$f"; done
if [ "${1:-}" = smoke ]; then
	scenarios=(t_smoke)
else
	scenarios=(${KEAHA_LAB_TESTS:-${LAB_SCENARIOS[@]}})
fi
for t in "${scenarios[@]}"; do
	restart_lab
	# Each scenario counts its own changes; the remembered topology stays.
	rm -f "$STATE/audit.log"
	$t
done
tests_summary lab
