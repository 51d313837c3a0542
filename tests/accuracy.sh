#!/bin/sh
# Accuracy floors: 5-fold cross-validated micro/macro-F1 of the default
# settings on the shared corpora.  Skipped, visibly, without ../shared.
# Usage: tests/accuracy.sh BINDIR
bin=${1:-bin}
shared=${TAGAR_SHARED:-../shared}
pass=0 fail=0
if [ ! -d "$shared/data" ]; then
	echo "SKIP accuracy floors: $shared/data not found (the shared corpora live beside the checkout)"
	echo "accuracy: 0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# corpus  micro-floor  macro-floor   (measured 2026-11: govtags 0.804/0.770, reuters 0.903/0.603)
while read -r corpus micro macro; do
	if ! "$bin/tagar-train" --cv 5 -o "$tmp/m.tgm" "$shared/data/$corpus/train.jsonl" > "$tmp/report" 2> "$tmp/log"; then
		fail=$((fail + 1)); echo "FAIL: training on $corpus"; tail -3 "$tmp/log"; continue
	fi
	got=$(tail -n 1 "$tmp/report")   # micro-F1 X  macro-F1 Y
	mi=$(echo "$got" | awk '{print $2}') ma=$(echo "$got" | awk '{print $4}')
	echo "accuracy: $corpus 5-fold CV micro-F1 $mi (floor $micro), macro-F1 $ma (floor $macro)"
	if awk -v a="$mi" -v b="$micro" 'BEGIN{exit !(a >= b)}'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $corpus micro-F1 $mi < $micro"; fi
	if awk -v a="$ma" -v b="$macro" 'BEGIN{exit !(a >= b)}'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $corpus macro-F1 $ma < $macro"; fi
done <<EOT
govtags 0.79 0.75
reuters 0.89 0.59
EOT
echo "accuracy: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
