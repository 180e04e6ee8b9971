# Lab scenarios: configuration replication (issue 6): `keaha edit` with a scripted $EDITOR,
# drift in `keaha status --json`, `keaha sync`, automatic replication by the dashboard,
# the primary away during an edit, a backup server, keaReplicateConfig 0 and config-control.
# Sourced by tests/lab/run-tests.sh, which defines the helpers.

# keaha CMD... on the full lab config (or $CONF), no terminal; sets OUT and RC.
repl_cmd() {
	OUT=$("$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/${CONF:-keaha.conf}" "$@" </dev/null 2>&1)
	RC=$?
}

# A jq filter over one server's Dhcp4/Dhcp6 map (config-get), compact.
kea_conf() { # HOST SERVICE FILTER
	local key=Dhcp4
	[ "$2" = dhcp6 ] && key=Dhcp6
	curl -s -m 5 -X POST -H 'Content-Type: application/json' \
		-d "{\"command\":\"config-get\",\"service\":[\"$2\"]}" "$("$LAB" url "$1")" |
		jq -c ".[0].arguments.$key | $3"
}

# An external change (not keaha's): config-get, a jq filter on the arguments, config-set. Prints Kea's result.
kea_external_set() { # HOST SERVICE FILTER
	local url
	url=$("$LAB" url "$1")
	curl -s -m 5 -X POST -H 'Content-Type: application/json' \
		-d "{\"command\":\"config-get\",\"service\":[\"$2\"]}" "$url" |
		jq -c "{command: \"config-set\", service: [\"$2\"], arguments: (.[0].arguments | $3)}" |
		curl -s -m 10 -X POST -H 'Content-Type: application/json' -d @- "$url" | jq -r '.[0].result'
}

# Writes an editor script that applies a jq filter to the file keaha opens; prints its path.
make_editor() { # NAME FILTER
	printf '%s\n' "$2" >"$STATE/$1.jq"
	cat >"$STATE/$1.sh" <<EOF
#!/bin/sh
jq -f "$STATE/$1.jq" "\$1" >"\$1.new" && mv "\$1.new" "\$1"
EOF
	chmod +x "$STATE/$1.sh"
	echo "$STATE/$1.sh"
}

peer_field() { # REL PEER FIELD (in the last status)
	rel "$1" ".peers[] | select(.name == \"$2\") | $3"
}

# Polls keaha status (bounded) until PEER of REL shows config-drift WANT.
wait_drift() { # REL PEER WANT SECONDS
	local i
	for ((i = 0; i < $4; i++)); do
		status 4
		[ "$(peer_field "$1" "$2" '.["config-drift"]')" = "$3" ] && return 0
		sleep 1
	done
	return 1
}

LB_EDIT='.Dhcp4.subnet4[0].pools[0].pool = "10.1.1.10-10.1.1.200"
 | .Dhcp4["option-data"] += [{"name": "domain-name-servers", "data": "10.1.0.53"}]
 | .Dhcp4.subnet4[0].reservations += [{"hw-address": "aa:bb:cc:00:01:01", "ip-address": "10.1.7.1", "hostname": "printer1"}]'

t_replication_edit() {
	local ed local_before leases
	restart_lab lb
	fresh_replication
	local_before=$(kea_conf lb-secondary dhcp4 '[.["control-socket"], .["lease-database"], .loggers, .["interfaces-config"], .["hooks-libraries"][2].parameters["high-availability"][0]["this-server-name"]]')
	ed=$(make_editor lb-edit "$LB_EDIT")
	EDITOR=$ed repl_cmd edit lb-primary --dhcp4
	expect "edit without --yes and without a terminal: refused (2)" "$RC" 2
	expect "refused edit: nothing changed on the primary" "$(kea_conf lb-primary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.250"'
	EDITOR=$ed repl_cmd --readonly edit lb-primary --dhcp4 --yes
	expect "edit with --readonly: refused (2)" "$RC" 2
	EDITOR=true repl_cmd edit lb-primary --dhcp4 --yes
	expect "edit with no change: exit 2" "$RC" 2
	EDITOR=$(make_editor broken 'del(.Dhcp4) | .x = 1') repl_cmd edit lb-primary --dhcp4 --yes
	expect "edit that is not a Dhcp4 map: exit 2" "$RC" 2
	EDITOR=$ed repl_cmd edit lb-primary --dhcp4 --yes
	expect "edit on the lb primary: exit 0" "$RC" 0
	grep -q 'option domain-name-servers only on your edit' <<<"$OUT" && ok "edit: the change shown in words" ||
		nok "edit: the change shown in words" "$OUT"
	expect "edit: the secondary has the new pool" "$(kea_conf lb-secondary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.200"'
	expect "edit: the secondary has the option" "$(kea_conf lb-secondary dhcp4 '[.["option-data"][] | select(.name == "domain-name-servers") | .data] | join(",")')" '"10.1.0.53"'
	expect "edit: the secondary has the reservation" "$(kea_conf lb-secondary dhcp4 '[.subnet4[0].reservations[].hostname] | join(",")')" '"printer1"'
	expect "edit: the secondary's server-local parts unchanged" "$(kea_conf lb-secondary dhcp4 '[.["control-socket"], .["lease-database"], .loggers, .["interfaces-config"], .["hooks-libraries"][2].parameters["high-availability"][0]["this-server-name"]]')" "$local_before"
	expect "edit: the primary's own name kept" "$(kea_conf lb-primary dhcp4 '.["hooks-libraries"][2].parameters["high-availability"][0]["this-server-name"]')" '"lb-primary"'
	wait_status "$LB4" ok 20
	expect "edit: HA back in its normal state (OK)" "$(rel "$LB4" .status)" ok
	expect "edit: no config drift afterwards" "$(rel "$LB4" '.["config-drift"]')" false
	leases=$("$LAB" perfdhcp lb-primary dhcp4 2>&1 | sed -n 's/^total: \([0-9]*\) leases.*/\1/p')
	if [ "${leases:-0}" -ge 40 ]; then ok "edit: clients still get leases ($leases of 50)"
	else nok "edit: clients still get leases" "${leases:-0} of 50"; fi
	expect "edit: both originals backed up" "$(ls "$STATE/backups" | grep -c 'lb-.*-dhcp4.json')" 2
	expect "edit: backups are private (0600)" "$(stat -c %a "$STATE"/backups/*lb-secondary-dhcp4.json)" 600
}

t_replication_external_drift_sync() {
	local before wpid ev
	restart_lab lb
	fresh_replication
	# keaha watch notices the change (Kea 2.2: by status-get's reload) as a drift event.
	ev=$STATE/watch.jsonl
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" watch --events "$ev" --duration 60 \
		</dev/null >/dev/null 2>&1 &
	wpid=$!
	wait_event "$ev" verdict ok 10
	expect "external config-set on the secondary" \
		"$(kea_external_set lb-secondary dhcp4 '.Dhcp4["valid-lifetime"] = 999 | .Dhcp4.subnet4[0].reservations += [{"hw-address": "aa:bb:cc:00:02:01", "ip-address": "10.1.8.1"}, {"hw-address": "aa:bb:cc:00:02:02", "ip-address": "10.1.8.2"}]')" 0
	if wait_event "$ev" drift drift 10; then ok "drift: keaha watch reports it (a drift event)"
	else nok "drift: keaha watch reports it (a drift event)" "$(tail -n 3 "$ev" 2>/dev/null)"; fi
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	status
	expect "drift: the secondary shows config-drift" "$(peer_field "$LB4" lb-secondary '.["config-drift"]')" true
	expect "drift: the primary (source) shows none" "$(peer_field "$LB4" lb-primary '.["config-drift"]')" false
	expect "drift: in words" "$(peer_field "$LB4" lb-secondary '.drift | join("; ")')" \
		"subnet 10.1.0.0/16: 2 reservations only on lb-secondary; valid-lifetime differs"
	expect "drift: the DHCPv6 relationship has none" "$(rel "$LB6" '.["config-drift"]')" false
	repl_cmd status
	grep -q 'config drift on lb-secondary' <<<"$OUT" && ok "drift: the table says config drift" ||
		nok "drift: the table says config drift" "$OUT"
	before=$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')
	repl_cmd sync "$LB4" --dry-run
	expect "sync --dry-run with drift: exit 1" "$RC" 1
	expect "sync --dry-run: nothing changed" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" "$before"
	repl_cmd sync "$LB4"
	expect "sync without --yes and without a terminal: refused (2)" "$RC" 2
	repl_cmd sync "$LB4" --yes
	expect "sync: exit 0" "$RC" 0
	expect "sync: the secondary has the primary's lifetime again" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 3600
	expect "sync: the overwritten configuration saved" \
		"$(jq '.Dhcp4["valid-lifetime"]' "$STATE"/backups/*-lb-secondary-dhcp4.json 2>/dev/null | head -n 1)" 999
	status
	expect "sync: no drift left" "$(peer_field "$LB4" lb-secondary '.["config-drift"]')" false
	repl_cmd sync "$LB4" --yes
	expect "sync with nothing to do: exit 0" "$RC" 0
	repl_cmd sync no-such-relationship --yes
	expect "sync of an unknown relationship: usage (64)" "$RC" 64
}

# The dashboard brings a secondary back in line by itself (keaReplicateConfig, default on).
t_replication_dashboard_auto() {
	restart_lab lb
	fresh_replication
	repl_cmd sync "$LB4" --yes   # the record: what keaha made everyone's
	expect "external change on the secondary" "$(kea_external_set lb-secondary dhcp4 '.Dhcp4["valid-lifetime"] = 777')" 0
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --headless 120x40 --rounds 6 \
		--events "$STATE/dash.jsonl" --dump "$STATE/dash.txt" </dev/null >/dev/null 2>&1
	if wait_drift "$LB4" lb-secondary false 30; then ok "dashboard: the drifted secondary brought in line"
	else nok "dashboard: the drifted secondary brought in line" "$(cat "$STATE/replication.log" 2>/dev/null)"; fi
	expect "dashboard: its events file says an automatic replication started" \
		"$(jq -r 'select(.kind == "replication") | .relationship + " " + .to' "$STATE/dash.jsonl" 2>/dev/null | head -n 1)" \
		"$LB4 started"
	expect "dashboard: the secondary's lifetime is the primary's" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 3600
	grep -q 'automatic replication: keaha sync' "$STATE/replication.log" && ok "dashboard: the run is logged" ||
		nok "dashboard: the run is logged" "no replication.log"
	# An external edit on the primary (the source) is shown, not propagated.
	expect "external change on the primary" "$(kea_external_set lb-primary dhcp4 '.Dhcp4["valid-lifetime"] = 555')" 0
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --headless 120x40 --rounds 4 --keys "j <Enter>" \
		--dump "$STATE/dash2.txt" </dev/null >/dev/null 2>&1
	sleep 2
	expect "dashboard: an external edit on the primary is not propagated" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 3600
	status
	expect "dashboard: ... and is shown as drift" "$(peer_field "$LB4" lb-secondary '.["config-drift"]')" true
}

t_replication_secondary_down_during_edit() {
	local ed
	restart_lab lb
	fresh_replication
	# The editor kills the secondary while the user edits: nothing may be half-changed.
	printf '%s\n' "$LB_EDIT" >"$STATE/kill.jq"
	cat >"$STATE/kill.sh" <<EOF
#!/bin/sh
"$LAB" kill lb-secondary dhcp4 >/dev/null 2>&1
jq -f "$STATE/kill.jq" "\$1" >"\$1.new" && mv "\$1.new" "\$1"
EOF
	chmod +x "$STATE/kill.sh"
	EDITOR=$STATE/kill.sh repl_cmd edit "$LB4" --yes
	expect "secondary killed during the edit: exit 1" "$RC" 1
	expect "... the primary keeps its original pool" "$(kea_conf lb-primary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.250"'
	# Per the product's rules: with the secondary away, the edit lands on the primary ...
	ed=$(make_editor lb-edit "$LB_EDIT")
	EDITOR=$ed repl_cmd edit "$LB4" --yes
	expect "edit with the secondary down: exit 0 (lands on the primary)" "$RC" 0
	expect "... the primary has the new pool" "$(kea_conf lb-primary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.200"'
	# ... and the secondary is brought in line when it returns.
	"$LAB" start-host lb-secondary dhcp4 >/dev/null
	"$LAB" wait-state lb-secondary dhcp4 load-balancing 30 >/dev/null 2>&1
	expect "the secondary returned with its old pool" "$(kea_conf lb-secondary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.250"'
	"$KEAHA" --state-dir "$STATE" -c "$LAB_DIR/keaha.conf" --headless 120x40 --rounds 6 \
		--dump "$STATE/dash.txt" </dev/null >/dev/null 2>&1
	if wait_drift "$LB4" lb-secondary false 30; then ok "the returned secondary brought in line by the dashboard"
	else nok "the returned secondary brought in line by the dashboard" "$(cat "$STATE/replication.log" 2>/dev/null)"; fi
	expect "... it has the new pool" "$(kea_conf lb-secondary dhcp4 '.subnet4[0].pools[0].pool')" '"10.1.1.10-10.1.1.200"'
}

t_replication_primary_away() {
	local ed
	restart_lab lb
	fresh_replication
	"$LAB" kill lb-primary dhcp4 >/dev/null
	"$LAB" wait-state lb-secondary dhcp4 partner-down 30 >/dev/null 2>&1
	ed=$(make_editor lifetime '.Dhcp4["valid-lifetime"] = 1800 | .Dhcp4["max-valid-lifetime"] = 1800')
	EDITOR=$ed repl_cmd edit "$LB4" --yes
	expect "primary down: the edit goes to the secondary (exit 0)" "$RC" 0
	grep -q "Editing lb-secondary's" <<<"$OUT" && ok "primary down: the secondary is the source" ||
		nok "primary down: the secondary is the source" "$OUT"
	expect "primary down: the secondary has the edit" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 1800
	"$LAB" start-host lb-primary dhcp4 >/dev/null
	"$LAB" wait-state lb-primary dhcp4 load-balancing 30 >/dev/null 2>&1
	status
	expect "primary back: the secondary stays the source until the primary has the edit" \
		"$(rel "$LB4" .replication.source)" lb-secondary
	expect "primary back: the primary shows the drift" "$(peer_field "$LB4" lb-primary '.["config-drift"]')" true
	repl_cmd sync "$LB4" --yes
	expect "primary back: sync exit 0" "$RC" 0
	expect "primary back: the primary has the edit" "$(kea_conf lb-primary dhcp4 '.["valid-lifetime"]')" 1800
	expect "primary back: the secondary kept it" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 1800
	status
	expect "primary back: the primary is the source again" "$(rel "$LB4" .replication.source)" lb-primary
	expect "primary back: no drift" "$(rel "$LB4" '.["config-drift"]')" false
}

t_replication_backup() {
	local ed
	restart_lab bk
	fresh_replication
	ed=$(make_editor bk '.Dhcp4["valid-lifetime"] = 2400 | .Dhcp4["max-valid-lifetime"] = 2400')
	EDITOR=$ed repl_cmd edit "$BK4" --yes
	expect "edit with a backup: exit 0 (three servers in one transaction)" "$RC" 0
	expect "edit with a backup: the secondary has it" "$(kea_conf bk-secondary dhcp4 '.["valid-lifetime"]')" 2400
	expect "edit with a backup: the backup has it" "$(kea_conf bk-backup dhcp4 '.["valid-lifetime"]')" 2400
	expect "edit with a backup: the backup is still itself" "$(kea_conf bk-backup dhcp4 '.["hooks-libraries"][2].parameters["high-availability"][0]["this-server-name"]')" '"bk-backup"'
	expect "edit with a backup: three originals saved" "$(ls "$STATE/backups" | grep -c dhcp4)" 3
	expect "external change on the backup" "$(kea_external_set bk-backup dhcp4 '.Dhcp4["valid-lifetime"] = 100')" 0
	status
	expect "backup drift shown" "$(peer_field "$BK4" bk-backup '.["config-drift"]')" true
	repl_cmd sync "$BK4" --yes
	expect "sync brings the backup in line: exit 0" "$RC" 0
	expect "... the backup has the source's lifetime" "$(kea_conf bk-backup dhcp4 '.["valid-lifetime"]')" 2400
	wait_status "$BK4" ok 20
	expect "... HA normal again" "$(rel "$BK4" .status)" ok
}

t_replication_switches() {
	local conf=$LAB_DIR/keaha-norepl.conf
	restart_lab lb
	fresh_replication
	sed 's/^\[keaha\]$/[keaha]\nkeaReplicateConfig = 0/' "$LAB_DIR/keaha.conf" >"$conf"
	repl_cmd sync "$LB4" --yes   # the record, with replication on
	expect "external change on the secondary" "$(kea_external_set lb-secondary dhcp4 '.Dhcp4["valid-lifetime"] = 444')" 0
	"$KEAHA" --state-dir "$STATE" -c "$conf" --headless 120x40 --rounds 5 --dump "$STATE/dash.txt" \
		</dev/null >/dev/null 2>&1
	sleep 3
	expect "keaReplicateConfig 0: the dashboard does not replicate" "$(kea_conf lb-secondary dhcp4 '.["valid-lifetime"]')" 444
	status
	expect "keaReplicateConfig 0: drift still shown" "$(peer_field "$LB4" lb-secondary '.["config-drift"]')" true
	CONF=keaha-norepl.conf repl_cmd sync "$LB4" --yes
	expect "keaReplicateConfig 0: sync refused (2)" "$RC" 2
	# A configuration backend section: never replicated.
	expect "config-control added on the secondary" \
		"$(kea_external_set lb-secondary dhcp4 '.Dhcp4["config-control"] = {"config-fetch-wait-time": 30}')" 0
	status
	expect "config-control: the reason is shown" \
		"$(rel "$LB4" '.replication["not-replicated"] | test("config-control")')" true
	repl_cmd sync "$LB4" --yes
	expect "config-control: sync refused (2)" "$RC" 2
	EDITOR=$(make_editor x '.Dhcp4["valid-lifetime"] = 1000') repl_cmd edit "$LB4" --yes
	expect "config-control: edit refused (2)" "$RC" 2
	expect "config-control: nothing changed" "$(kea_conf lb-primary dhcp4 '.["valid-lifetime"]')" 3600
}

LAB_SCENARIOS+=(t_replication_edit t_replication_external_drift_sync t_replication_dashboard_auto
	t_replication_secondary_down_during_edit t_replication_primary_away t_replication_backup
	t_replication_switches)
