#!/usr/bin/env bash
# PNG screenshots of the keaha dashboard on the project's real Kea lab
# (tests/lab/lab.sh, loopback only), for the documentation and for looking at
# the UI as a person sees it. `make screenshots` installs what this needs
# (scripts/deps.sh screenshots) and builds keaha first.
#   scripts/screenshots.sh            every shot into screenshots/NAME.png
# keaha runs in detached tmux sessions of a fixed size (SHOTS_SIZE, default
# 140x40; "narrow" is 80x24); each screen is captured with its escapes
# (tmux capture-pane -e -N), turned into HTML on a character grid by the small
# converter below (terminal palette, DejaVu Sans Mono) and photographed by
# headless Chromium. Own lab (SHOTS_LAB_NET, default 6; SHOTS_LAB_DIR) and own
# tmux server; every wait is bounded; a trap stops both.
# Environment: SHOTS_DIR (output, default screenshots/), SHOTS_KEEP=1 keeps the
# captures and HTML in the lab directory, SHOTS_THEME_WAIT seconds to wait for
# themes/light.theme when it is not there yet (default 10, then that shot is
# skipped with a message).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
KEAHA=${KEAHA:-$top/keaha}
case "$KEAHA" in /*) ;; *) KEAHA=$top/$KEAHA ;; esac
OUT=${SHOTS_DIR:-$top/screenshots}
export LAB_NET=${SHOTS_LAB_NET:-6}
export LAB_DIR=${SHOTS_LAB_DIR:-/tmp/keaha-shots.$$}
LAB="$top/tests/lab/lab.sh"
SIZE=${SHOTS_SIZE:-140x40}
[[ $SIZE =~ ^[0-9]+x[0-9]+$ ]] || { echo "screenshots: SHOTS_SIZE must be COLSxROWS" >&2; exit 64; }
SOCK=keaha-shots-$$
WORK=$LAB_DIR/shots
CHROMIUM=${CHROMIUM:-chromium}
# The picture: font size and line height in CSS pixels, padding around the grid.
FONT_PX=14 LINE_PX=17 PAD_PX=10
made=() skipped=() failed=()

say() { printf 'screenshots: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

tm() { tmux -L "$SOCK" -f "$WORK/tmux.conf" "$@"; }

cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	"$LAB" stop >/dev/null 2>&1 || true
	if [ "${SHOTS_KEEP:-0}" = 1 ]; then say "captures and HTML kept in $WORK"; else rm -rf "$LAB_DIR"; fi
}

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# ------------------------------------------------------------ ANSI -> HTML
# tmux's capture (-e: SGR escapes carried from cell to cell, also across
# lines; -N: trailing spaces kept) becomes one <div> a row and one <span> a
# run of cells with the same look: the 16 colours of the Tango palette, the
# 256-colour cube and grey ramp, 24-bit colours, bold (a bold face, colours
# not brightened), dim (halfway to the background), italic, underline,
# strike-through, reverse (after the defaults are resolved, as terminals do)
# and invisible. Perl-base only (no modules beyond strict/warnings).
# Rows shorter than the terminal are filled out with the background colour in
# force at their end: ncurses clears the rest of a line with "erase to end of
# line" in the current background (the terminal has bce), and tmux's capture
# leaves those cleared cells out even with -N. An empty row carries no escapes
# (the state is the previous row's), so it stays the terminal's background.
# args: FILE.ans dark|light TITLE COLUMNS; HTML on stdout.
read -r -d '' ANSI2HTML <<'PERL' || true
use strict;
use warnings;
my ($file, $scheme, $title, $cols) = @ARGV;
my @pal = qw(2e3436 cc0000 4e9a06 c4a000 3465a4 75507b 06989a d3d7cf
             555753 ef2929 8ae234 fce94f 729fcf ad7fa8 34e2e2 eeeeec);
my ($dfg, $dbg) = $scheme eq 'light' ? ('1e1e1e', 'ffffff') : ('d0d0d0', '1c1c1c');
sub idx {
	my $n = shift;
	return $pal[$n] if $n < 16;
	if ($n < 232) {
		$n -= 16;
		my @v = map { $_ ? 55 + 40 * $_ : 0 } (int($n / 36), int($n / 6) % 6, $n % 6);
		return sprintf '%02x%02x%02x', @v;
	}
	my $g = 8 + 10 * ($n - 232);
	return sprintf '%02x%02x%02x', $g, $g, $g;
}
sub mix {
	my ($x, $y) = @_;
	my @a = map { hex } unpack "(A2)3", $x;
	my @b = map { hex } unpack "(A2)3", $y;
	return sprintf '%02x%02x%02x', map { int(($a[$_] + $b[$_]) / 2) } 0 .. 2;
}
my %s;
sub reset_sgr { %s = (fg => undef, bg => undef, b => 0, d => 0, i => 0, u => 0, r => 0, x => 0, h => 0) }
reset_sgr();
sub sgr {
	my @p = map { $_ eq '' ? 0 : $_ } split /[;:]/, shift, -1;
	@p = (0) unless @p;
	while (@p) {
		my $p = shift @p;
		if ($p == 0) { reset_sgr() }
		elsif ($p == 1) { $s{b} = 1 }
		elsif ($p == 2) { $s{d} = 1 }
		elsif ($p == 3) { $s{i} = 1 }
		elsif ($p == 4) { $s{u} = 1 }
		elsif ($p == 7) { $s{r} = 1 }
		elsif ($p == 8) { $s{h} = 1 }
		elsif ($p == 9) { $s{x} = 1 }
		elsif ($p == 22) { $s{b} = $s{d} = 0 }
		elsif ($p == 23) { $s{i} = 0 }
		elsif ($p == 24) { $s{u} = 0 }
		elsif ($p == 27) { $s{r} = 0 }
		elsif ($p == 28) { $s{h} = 0 }
		elsif ($p == 29) { $s{x} = 0 }
		elsif ($p >= 30 && $p <= 37) { $s{fg} = $pal[$p - 30] }
		elsif ($p >= 40 && $p <= 47) { $s{bg} = $pal[$p - 40] }
		elsif ($p >= 90 && $p <= 97) { $s{fg} = $pal[$p - 90 + 8] }
		elsif ($p >= 100 && $p <= 107) { $s{bg} = $pal[$p - 100 + 8] }
		elsif ($p == 39) { $s{fg} = undef }
		elsif ($p == 49) { $s{bg} = undef }
		elsif ($p == 38 || $p == 48) {
			my $k = shift(@p) // 0;
			my $c;
			if ($k == 5) { $c = idx(shift(@p) // 0) }
			elsif ($k == 2) { $c = sprintf '%02x%02x%02x', map { (shift(@p) // 0) & 255 } 1 .. 3 }
			$s{$p == 38 ? 'fg' : 'bg'} = $c if defined $c;
		}
	}
}
sub style {
	my $fg = $s{fg} // $dfg;
	my $bg = $s{bg} // $dbg;
	($fg, $bg) = ($bg, $fg) if $s{r};
	$fg = mix($fg, $bg) if $s{d};
	$fg = $bg if $s{h};
	my $css = "color:#$fg";
	$css .= ";background:#$bg" if $bg ne $dbg;
	$css .= ';font-weight:bold' if $s{b};
	$css .= ';font-style:italic' if $s{i};
	my @deco = ($s{u} ? 'underline' : (), $s{x} ? 'line-through' : ());
	$css .= ";text-decoration:@deco" if @deco;
	return $css;
}
sub esc { my $t = shift; $t =~ s/&/&amp;/g; $t =~ s/</&lt;/g; $t =~ s/>/&gt;/g; return $t }
open my $in, '<:utf8', $file or die "$file: $!\n";
my @rows;
while (my $line = <$in>) {
	chomp $line;
	my ($html, $run, $cur, $used) = ('', '', undef, 0);
	for my $part (split /(\e\[[0-9;:]*[A-Za-z])/, $line) {
		if ($part =~ /^\e\[([0-9;:]*)m$/) { sgr($1); next }
		next if $part =~ /^\e/;
		$part =~ s/[\x00-\x1f\x7f]//g;
		next if $part eq '';
		my $st = style();
		if (defined $cur && $st ne $cur) { $html .= qq(<span style="$cur">) . esc($run) . '</span>'; $run = '' }
		$cur = $st;
		$run .= $part;
		$used += length $part;
	}
	$html .= qq(<span style="$cur">) . esc($run) . '</span>' if defined $cur && $run ne '';
	if ($used < $cols) {
		my $css = $used && defined $s{bg} ? "background:#$s{bg}" : "background:#$dbg";
		$html .= qq(<span style="$css">) . (' ' x ($cols - $used)) . '</span>';
	}
	push @rows, "<div>$html</div>";
}
binmode STDOUT, ':utf8';
print <<"HTML";
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>@{[esc($title)]}</title>
<style>
html, body { margin: 0; background: #$dbg; }
body { padding: $ENV{PAD_PX}px; overflow: hidden; }
.t { font-family: "DejaVu Sans Mono", monospace; font-size: $ENV{FONT_PX}px;
     font-variant-ligatures: none; font-kerning: none; color: #$dfg; }
.t div { white-space: pre; height: $ENV{LINE_PX}px; line-height: $ENV{LINE_PX}px; }
.t span { display: inline-block; height: $ENV{LINE_PX}px; vertical-align: top; }
</style></head>
<body><div class="t">
@{[join "\n", @rows]}
</div></body></html>
HTML
PERL

# Photographs one HTML file: the window is the grid (DejaVu Sans Mono advances
# 1233/2048 em a character) plus the padding. args: HTML PNG COLS ROWS
photograph() {
	local html=$1 png=$2 cols=$3 rows=$4 pw ph profile
	pw=$(awk -v c="$cols" -v f="$FONT_PX" -v p="$PAD_PX" 'BEGIN { w = c * f * 1233 / 2048; print int(w) + (w > int(w)) + 2 * p }')
	ph=$((rows * LINE_PX + 2 * PAD_PX))
	profile=$(mktemp -d "$WORK/chromium.XXXXXX")
	rm -f "$png"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions --mute-audio --hide-scrollbars \
		--force-device-scale-factor=1 --user-data-dir="$profile" \
		--window-size="$pw,$ph" --screenshot="$png" "file://$html" >"$WORK/chromium.log" 2>&1 || true
	rm -rf "$profile"
	[ -s "$png" ] || { tail -n 5 "$WORK/chromium.log" >&2; return 1; }
}

# shot NAME SESSION dark|light WHAT: capture, convert, photograph.
shot() {
	local name=$1 session=$2 scheme=$3 what=$4 cols rows
	cols=$(tm display-message -p -t "$session" '#{pane_width}')
	rows=$(tm display-message -p -t "$session" '#{pane_height}')
	tm capture-pane -e -N -p -t "$session" >"$WORK/$name.ans"
	tm capture-pane -p -t "$session" >"$WORK/$name.txt"
	FONT_PX=$FONT_PX LINE_PX=$LINE_PX PAD_PX=$PAD_PX \
		perl -e "$ANSI2HTML" "$WORK/$name.ans" "$scheme" "keaha: $what" "$cols" >"$WORK/$name.html"
	if photograph "$WORK/$name.html" "$OUT/$name.png" "$cols" "$rows"; then
		made+=("$name")
		say "$name.png: $what (${cols}x${rows})"
	else
		failed+=("$name")
		say "$name.png: chromium made no picture"
	fi
}

# ------------------------------------------------------------ tmux and keaha

# start_session NAME COLSxROWS [VAR=value...] -- [keaha args...]
start_session() {
	local name=$1 size=$2 envs=() cmd
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	cmd="cd $(printf %q "$top") && env -u LC_ALL -u NO_COLOR -u TMUX TERM=xterm-256color LANG=C.UTF-8"
	cmd+=" KEAHA_THEMES=$(printf %q "$top/themes") ${envs[*]+${envs[*]}} $(printf '%q ' "$KEAHA" "$@")"
	cmd+=" 2>$(printf %q "$WORK/$name.err")"
	tm new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" "$cmd"
}

# wait_screen NAME SECONDS REGEX...: poll until every regex matches (bounded).
wait_screen() {
	local name=$1 secs=$2 i re deadline good
	shift 2
	deadline=$(($(now_ms) + secs * 1000))
	for ((i = 0; i <= secs * 5; i++)); do
		SCREEN=$(tm capture-pane -p -t "$name" 2>/dev/null || true)
		good=1
		for re in "$@"; do grep -Eq -- "$re" <<<"$SCREEN" || { good=0; break; }; done
		[ $good = 1 ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.2
	done
	say "$name: screen not as expected after ${secs}s (wanted: $*):"
	while IFS= read -r l; do printf '    | %s\n' "$l"; done <<<"$SCREEN" >&2
	return 1
}

keys() { local name=$1; shift; tm send-keys -t "$name" "$@"; }

# Is a theme there (waiting SHOTS_THEME_WAIT seconds for it)?
theme_ready() {
	local f=$top/themes/$1.theme i
	for ((i = 0; i < ${SHOTS_THEME_WAIT:-10} * 2; i++)); do
		[ -s "$f" ] && return 0
		sleep 0.5
	done
	[ -s "$f" ]
}

# ------------------------------------------------------------ main

[ -x "$KEAHA" ] || die "no keaha binary at $KEAHA (make keaha)"
for t in tmux perl "$CHROMIUM"; do command -v "$t" >/dev/null || die "$t missing (scripts/deps.sh screenshots)"; done
fc-list 2>/dev/null | grep -q 'DejaVu Sans Mono' || die "font DejaVu Sans Mono missing (package fonts-dejavu-core)"
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$WORK" "$OUT"
printf 'set -g status off\nset -g history-limit 100\n' >"$WORK/tmux.conf"
say "starting the Kea lab (lb hs bk plain) on 127.0.$LAB_NET.x in $LAB_DIR"
timeout 120 "$LAB" start lb hs bk plain >"$WORK/lab-start.out" 2>&1 || { tail -n 20 "$WORK/lab-start.out" >&2; die "lab did not start"; }
CONF=$LAB_DIR/keaha-primaries.conf
ARGS=(--no-state -c "$CONF")

light=0
if theme_ready light; then
	light=1
else
	skipped+=("light (themes/light.theme does not exist yet)")
	say "themes/light.theme not found after ${SHOTS_THEME_WAIT:-10}s: the light shot is skipped"
fi
start_session dash "$SIZE" -- "${ARGS[@]}"
start_session mono "$SIZE" -- --no-color "${ARGS[@]}"
start_session narrow 80x24 -- "${ARGS[@]}"
# The wizard changes servers: it needs a state directory (backups, journal, audit log).
start_session wiz "$SIZE" -- --state-dir "$LAB_DIR/state" -c "$CONF"
[ $light = 0 ] || start_session light "$SIZE" -- --theme light "${ARGS[@]}"

OK5='5 OK  0 impaired  0 down  0 unreachable'
wait_screen dash 30 "$OK5" || die "the lab's relationships did not show OK"
sleep 1.5 # a second round, so that "polled" and the ages look like a running dashboard
shot normal dash dark "every relationship OK"

# The wizard on the plain servers, from all relationships (the primary chosen in it), with
# the lab's quick timings; then the relationship removed again before the failover shots.
BS5="BSpace BSpace BSpace BSpace BSpace"
if wait_screen wiz 30 "$OK5"; then
	keys wiz a
	keys wiz -l pair4
	keys wiz Tab Tab Right Tab Tab Tab Space Tab $BS5 1000 Tab $BS5 4000 Tab $BS5 2000 Tab BSpace BSpace 0
	keys wiz BTab BTab BTab BTab BTab BTab
	wait_screen wiz 10 'Partner server +< plain-b >' 'heartbeat-delay +\[1000' &&
		shot wizard-setup wiz dark "the Add Relationship wizard: Initial setup and Advanced"
	keys wiz Enter
	wait_screen wiz 30 'What will change on each server' 'Changes on plain-b' &&
		shot wizard-summary wiz dark "the wizard's Summary: the command's --dry-run, on both servers"
	keys wiz Enter
	wait_screen wiz 90 'Done: both servers changed and written' &&
		shot wizard-done wiz dark "the wizard applied the change: its progress and the outcome"
	keys wiz Enter
	wait_screen wiz 30 '^pair4 .* OK' || true
	keys wiz /
	keys wiz -l pair4
	keys wiz Enter d Right Enter
	wait_screen wiz 30 'Type its name' 'both hand out the same pools' &&
		shot remove-summary wiz dark "removing a relationship: the Summary, keep's warning, the name to type"
	keys wiz -l pair4
	keys wiz Enter
	wait_screen wiz 60 'Done: both servers changed and written' || say "the wizard's relationship was not removed"
	keys wiz Enter
	# An on-call action (h): hs-standby into maintenance; triage then names the next step (n).
	HS4='hs-primary+hs-standby/dhcp4'
	keys wiz / Escape /
	keys wiz -l hs-primary
	keys wiz Enter h Right Tab Right Right
	wait_screen wiz 10 'Peer +< hs-standby >' 'hs-standby will serve none' &&
		shot ha-dialog wiz dark "an on-call action (h): maintenance-start, what happens to DHCP service"
	keys wiz Enter
	wait_screen wiz 30 'Type its name' 'send ha-maintenance-start'
	keys wiz -l "$HS4"
	keys wiz Enter
	wait_screen wiz 60 'Done: sent, and Kea reached' || say "maintenance-start was not done"
	keys wiz Enter / Escape t
	wait_screen wiz 20 '^ keaha  Triage' 'n: keaha ha maintenance-cancel --peer hs-standby' &&
		shot triage-next wiz dark "triage names the next step and its action, one key away (n)"
	keys wiz n Enter
	wait_screen wiz 30 'Type its name' 'send ha-maintenance-cancel'
	keys wiz -l "$HS4"
	keys wiz Enter
	wait_screen wiz 60 'Done: sent, and Kea reached' || say "maintenance-cancel was not done"
	keys wiz Enter R
	wait_screen wiz 30 "$OK5" || say "the hot-standby pair did not come back to OK"
fi

"$LAB" kill lb-primary >/dev/null 2>&1 || die "lab.sh kill lb-primary failed"
wait_screen dash 30 '2 impaired' 'HA state +partner-down, serving: all' || die "no failover seen"
shot failover dash dark "lb-primary killed: Impaired, lb-secondary in partner-down"

keys dash t
wait_screen dash 10 '^ keaha  Triage' '^! +Impaired' && shot triage dash dark "triage view during the failover"

keys dash e
wait_screen dash 10 '^ keaha  Event timeline' 'partner-down' && shot events dash dark "event timeline during the failover"

keys dash R
keys dash '?'
wait_screen dash 10 'keaha keys' && shot help dash dark "help overlay"

# 80 columns: the title has no room for the counts, the pane shows its top.
if wait_screen narrow 20 'Impaired' 'Source of truth +lb-secondary'; then
	shot narrow narrow dark "80x24 terminal: the details pane under the list"
fi
if wait_screen mono 20 '2 impaired' 'HA state +partner-down'; then
	shot monochrome mono dark "--no-color during the failover"
fi
if [ $light = 1 ]; then
	if wait_screen light 20 '2 impaired' 'HA state +partner-down'; then
		if grep -Eq 'no theme|\.theme:[0-9]+:' <<<"$SCREEN"; then
			failed+=("light")
			say "keaha could not load the light theme: $(tail -n 1 <<<"$SCREEN")"
		else
			shot light light light "--theme light during the failover (light terminal background)"
		fi
	fi
fi

for s in dash mono narrow light wiz; do tm has-session -t "$s" 2>/dev/null && keys "$s" q; done
say "made: ${made[*]:-none}${skipped[*]:+; skipped: ${skipped[*]}}${failed[*]:+; FAILED: ${failed[*]}}"
say "pictures in $OUT"
[ ${#failed[@]} -eq 0 ]
