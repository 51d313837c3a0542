#!/bin/sh
# Reliability of reading (issue 11): a model changed while tagging, work
# bounded per record, no text lost in silence, formats told apart, no
# blocking on FIFOs, records streamed without waiting for more input.
# Usage: tests/reliability-read.sh BINDIR   (from the top of the source tree)
suite=reliability-read
. tests/lib.sh

model=$tmp/m.tgm
"$train" -q -o "$model" data/sample.jsonl || ko "train the sample model"
"$train" -q -n 2 -C 10 -o "$tmp/other.tgm" data/sample.jsonl || ko "train a second model"
for i in $(seq 60); do cat data/sample.jsonl data/sample-eval.jsonl; done > "$tmp/big.jsonl"

# waits (at most 20 s) until FILE is not empty
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}

# --- 2. a model changed in place while tagging: the tagger keeps the
# model it loaded (same output as an unchanged run), no signal
"$classify" -m "$model" -j 2 < "$tmp/big.jsonl" > "$tmp/unchanged.out" || ko "unchanged batch run"
for change in copy truncate; do
	cp "$model" "$tmp/live.tgm"
	rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
	"$classify" -m "$tmp/live.tgm" -j 2 < "$tmp/fifo" > "$tmp/live.out" 2> "$tmp/live.err" &
	pid=$!
	exec 3> "$tmp/fifo"
	head -n 1000 "$tmp/big.jsonl" >&3
	wait_for "$tmp/live.out"  # the model is loaded and tagging has begun
	if [ $change = copy ]; then cp "$tmp/other.tgm" "$tmp/live.tgm"; else : > "$tmp/live.tgm"; fi
	tail -n +1001 "$tmp/big.jsonl" >&3
	exec 3>&-
	wait $pid
	rc=$?
	[ $rc -eq 0 ] && ok || ko "model changed by $change during a batch: exit $rc (a signal is > 128)"
	cmp -s "$tmp/unchanged.out" "$tmp/live.out" && ok || ko "model changed by $change during a batch: output differs from an unchanged run"
done

# a valid header on a huge (sparse) file: refused from the header, not read whole
cp "$model" "$tmp/sparse.tgm" && truncate -s +4G "$tmp/sparse.tgm"
expect 3 "model with a 4 GB tail is refused" -- timeout 10 "$classify" -m "$tmp/sparse.tgm" data/sample-article.txt
contains "$tmp/err" "trailing data" "model with a 4 GB tail: the size is named"
rm -f "$tmp/sparse.tgm"

# --- 7. a FIFO as the model is refused, not waited on
rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
expect 3 "-m FIFO is refused at once" -- timeout 10 "$classify" -m "$tmp/fifo" data/sample-article.txt
contains "$tmp/err" "not a regular file" "-m FIFO: the reason is given"

finish
