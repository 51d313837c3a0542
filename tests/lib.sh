# tests/lib.sh - the assertions the shell suites share.  Source it after
# setting `suite`; it sets bin (from $1), tmp (removed on exit) and the
# counters, and `finish` prints "SUITE: N passed, N failed" and sets the
# exit status.
bin=${1:-bin}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
train=$bin/tagar-train classify=$bin/tagar-classify

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect STATUS DESCRIPTION -- COMMAND...: exit status must be STATUS;
# stdout and stderr are left in $tmp/out and $tmp/err
expect() {
	want=$1 what=$2; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" = "$want" ]; then ok; else ko "$what: exit $got, want $want"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}
contains() { # FILE STRING DESCRIPTION
	if grep -qF -- "$2" "$1"; then ok; else ko "$3: '$2' not in output"; sed 's/^/  | /' "$1" | head -5; fi
}
tagged() { # FILE RECORD-TEXT TAG DESCRIPTION: a record holding RECORD-TEXT was given TAG (in any place)
	if grep -F -- "$2" "$1" | grep -qF -- "{\"tag\": \"$3\""; then ok; else ko "$4: no record holding '$2' tagged $3"; sed 's/^/  | /' "$1" | head -5; fi
}
lacks() { # FILE STRING DESCRIPTION
	if grep -qF -- "$2" "$1"; then ko "$3: '$2' in output"; sed 's/^/  | /' "$1" | head -5; else ok; fi
}
lines() { # FILE N DESCRIPTION
	n=$(wc -l < "$1")
	if [ "$n" -eq "$2" ]; then ok; else ko "$3: $n lines, want $2"; fi
}
# starts_under_ulimit KB COMMAND...: whether COMMAND runs successfully with
# its address space limited to KB kilobytes, silently.  The subshell waits
# for COMMAND (the `exit` keeps the shell from exec'ing it), so a probe that
# dies of a signal (a sanitizer's abort) is reported into /dev/null, not as
# a stray "Aborted" line of the suite.
starts_under_ulimit() {
	kb=$1; shift
	(ulimit -v "$kb" && "$@"; exit $?) > /dev/null 2>&1
}
finish() {
	echo "$suite: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
