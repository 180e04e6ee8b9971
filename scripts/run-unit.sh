#!/bin/sh
# Runs each cmocka test binary given, then prints one closing line that
# counts every test: "N passed, N failed". Exit 1 if any failed.
pass=0 fail=0 status=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" -ne 0 ]; then
		status=1
		[ "$f" -eq 0 ] && fail=$((fail + 1)) && echo "$t exited $rc"
	fi
done
echo "unit: $pass passed, $fail failed"
exit $status
