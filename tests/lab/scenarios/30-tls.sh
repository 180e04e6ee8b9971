# Lab scenarios: HTTPS, client certificates and basic auth. Sourced by tests/lab/run-tests.sh, which defines the helpers.

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

LAB_SCENARIOS+=(t_tls_auth)
