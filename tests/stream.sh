#!/bin/sh
# The stream contract that lets tagar-classify run as a Hadoop Streaming
# mapper or under Spark's RDD.pipe(): a pure stdin-to-stdout filter whose
# records do not depend on how the input is split.  GNU parallel --pipe
# splits a stream across several processes: the records out must be the
# same as one process gives.
# Usage: tests/stream.sh BINDIR
suite=stream
. tests/lib.sh

model=$tmp/m.tgm
"$train" -q -o "$model" data/sample.jsonl || ko "train"
for i in $(seq 40); do cat data/sample.jsonl data/sample-eval.jsonl; done > "$tmp/in.jsonl"
"$classify" -m "$model" -j 1 < "$tmp/in.jsonl" > "$tmp/one.out" && ok || ko "one process"
[ "$(wc -l < "$tmp/one.out")" -eq 2400 ] && ok || ko "2400 records from one process"

if command -v parallel >/dev/null 2>&1; then
	# -k keeps chunk order; --block splits the stream into ~100 pieces
	parallel --will-cite --pipe -k --block 20k -j 4 "$classify" -m "$model" -j 1 \
		< "$tmp/in.jsonl" > "$tmp/par.out" && ok || ko "parallel --pipe run"
	cmp -s "$tmp/one.out" "$tmp/par.out" && ok || ko "4 processes over 20 kB pieces give the same records as one"
	# without -k the pieces come back in any order: the same records as a multiset
	parallel --will-cite --pipe --block 20k -j 4 "$classify" -m "$model" \
		< "$tmp/in.jsonl" | sort > "$tmp/par-unordered.out"
	sort "$tmp/one.out" | cmp -s - "$tmp/par-unordered.out" && ok || ko "unordered pieces: same multiset of records"
else
	echo "SKIP parallel --pipe checks: GNU parallel is not installed (apt-get install parallel)"
fi

# a filter reads standard input to the end, even from a slow pipe
(for i in 1 2 3; do sed -n "${i}p" data/sample-eval.jsonl; sleep 0.2; done) | "$classify" -m "$model" > "$tmp/slow.out" \
	&& [ "$(wc -l < "$tmp/slow.out")" -eq 3 ] && ok || ko "records trickling through a pipe are all tagged"
finish
