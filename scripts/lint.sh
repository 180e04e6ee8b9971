#!/bin/sh
# The layering rules (docs/ARCHITECTURE.md), checked on the source:
# the core never includes curses nor exits; the UI never calls libcurl;
# nobody uses the unbounded string functions.
bad=0
say() { echo "lint: $*" >&2; bad=1; }
grep -nE '#include *[<"](n?curses|ncursesw)' src/*.c src/*.h 2>/dev/null && say "src/ includes curses"
grep -nE '\bexit *\(' src/*.c 2>/dev/null | grep -v '^src/main.c' && say "src/ calls exit()"
grep -nE 'curl_|#include *<curl' ui/*.c ui/*.h 2>/dev/null && say "ui/ calls libcurl"
grep -nE '\b(sprintf|strcpy|strcat|gets|vsprintf) *\(' src/*.c src/*.h ui/*.c ui/*.h 2>/dev/null | grep -vE '(snprintf|vsnprintf)' && say "banned string function"
[ $bad -eq 0 ] && echo "lint: layering and banned functions: ok"
exit $bad
