#!/bin/sh
# Install the Debian packages keaha needs for a purpose, only those missing.
#   scripts/deps.sh build   compiler, libraries and headers to build ./keaha
#   scripts/deps.sh lab     real Kea servers and tools for the loopback lab
#   scripts/deps.sh check   build + lab + test tools (cmocka, jq, valgrind, tmux)
#   scripts/deps.sh bench   build + what the benchmark uses
#   scripts/deps.sh screenshots  build + lab + tmux, perl, headless chromium, fonts (make screenshots)
#   scripts/deps.sh kea3    what builds and runs the Kea 3.0 chroot lab (tests/lab3; Kea itself
#                           comes from Debian sid inside the chroot, not from the host)
# Uses apt-get as root, else sudo -n apt-get, else prints the exact command and fails.
set -eu

BUILD="gcc make pkg-config libuv1-dev libcurl4-openssl-dev libcjson-dev libncurses-dev"
LAB="jq kea-dhcp4-server kea-dhcp6-server kea-ctrl-agent kea-admin libfaketime faketime curl procps openssl"
TEST="libcmocka-dev jq tmux valgrind"
SHOTS="tmux perl chromium fonts-dejavu-core"
KEA3="debootstrap debian-archive-keyring jq curl procps iproute2 coreutils tmux"

want=""
for what in "${@:-build}"; do
	case "$what" in
	build) want="$want $BUILD" ;;
	lab)   want="$want $LAB" ;;
	check) want="$want $BUILD $LAB $TEST" ;;
	bench) want="$want $BUILD procps tmux" ;;
	screenshots) want="$want $BUILD $LAB $SHOTS" ;;
	kea3)  want="$want $KEA3" ;;
	*) echo "deps.sh: unknown set '$what' (build, lab, check, bench, screenshots, kea3)" >&2; exit 64 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	APT="apt-get"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	APT="sudo -n apt-get"
else
	echo "keaha needs these Debian packages:$missing" >&2
	echo "Run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "Installing:$missing" >&2
# Kea's packages enable system services; the lab runs its own processes, so keep
# the package scripts from starting the system ones (only while we install).
rcd=""
if [ "$(id -u)" = 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	rcd=/usr/sbin/policy-rc.d
fi
trap '[ -n "$rcd" ] && rm -f "$rcd"' EXIT
export DEBIAN_FRONTEND=noninteractive
$APT update -qq || true
# shellcheck disable=SC2086
$APT install -y -qq --no-install-recommends $missing
