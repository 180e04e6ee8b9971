#!/usr/bin/env bash
# `make demo`: start the project's Kea HA lab on loopback and show keaha on it.
# The lab keeps running afterwards so you can break it: see the hints printed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export LAB_DIR=${LAB_DIR:-/tmp/keaha-demo}
export LAB_NET=${LAB_NET:-0}
lab="$top/tests/lab/lab.sh"
if [ ! -f "$LAB_DIR/lab.net" ] || ! "$lab" status >/dev/null 2>&1; then
	"$lab" start
fi
echo
"$top/keaha" -c "$LAB_DIR/keaha-primaries.conf" status || true
cat <<TXT

The lab runs in $LAB_DIR (127.0.$LAB_NET.x). Try:
  LAB_DIR=$LAB_DIR $lab kill lb-primary        then  ./keaha -c $LAB_DIR/keaha-primaries.conf status
  LAB_DIR=$LAB_DIR $lab start-host lb-primary
  LAB_DIR=$LAB_DIR $lab skew hs-standby +45s
Stop it with:  LAB_DIR=$LAB_DIR $lab stop
TXT
