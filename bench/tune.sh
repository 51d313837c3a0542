#!/bin/sh
# Cross-validated comparison of tagar-train settings on the shared corpora.
# Each line: corpus, options, 5-fold CV micro/macro-F1 and training time
# (tagar-train's own summary).  Used to choose the defaults in README.md.
#   bench/tune.sh [CORPUS...] < settings   (one set of options per line)
shared=${TAGAR_SHARED:-$(dirname "$0")/../../shared}
bin=$(dirname "$0")/../bin
corpora=${*:-govtags reuters}
model=$(mktemp)
trap 'rm -f "$model"' EXIT
while IFS= read -r opts; do
	for c in $corpora; do
		# shellcheck disable=SC2086
		line=$("$bin/tagar-train" $opts -o "$model" "$shared/data/$c/train.jsonl" 2>&1 | tail -n 1)
		printf '%-8s %-40s %s\n' "$c" "${opts:-(defaults)}" "$(echo "$line" | sed 's/.*terms, //; s/; wrote.*//')"
	done
done
