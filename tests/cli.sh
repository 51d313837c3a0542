#!/bin/sh
# CLI tests: options, exit codes, error messages, the JSONL contract.
# Usage: tests/cli.sh BINDIR      (run from the top of the source tree)
suite=cli
. tests/lib.sh

model=$tmp/sample.tgm

# --- options and exit codes
expect 0 "train --help" -- "$train" --help
contains "$tmp/out" "--output" "train --help lists options"
expect 0 "train --version" -- "$train" --version
contains "$tmp/out" "tagar-train " "version string"
expect 0 "classify --help" -- "$classify" --help
expect 0 "classify --version" -- "$classify" --version
expect 2 "unknown option" -- "$train" --bogus
expect 2 "missing -o" -- "$train" data/sample.jsonl
contains "$tmp/err" "-o MODEL" "missing -o is explained"
expect 2 "bad number" -- "$train" -C abc -o "$model" data/sample.jsonl
contains "$tmp/err" "--cost" "bad number names the option"
expect 2 "bad solver" -- "$train" --solver nope -o "$model" data/sample.jsonl
expect 2 "bad --max-fp" -- "$train" --max-fp -1 -o "$model" data/sample.jsonl
for bad in 0 1 -0.5 1.5 half; do
	expect 2 "bad --micro-floor $bad" -- "$train" --micro-floor "$bad" -o "$model" data/sample.jsonl
	contains "$tmp/err" "--micro-floor" "bad --micro-floor $bad names the option"
	[ "$(wc -l < "$tmp/err")" -eq 1 ] && ok || ko "bad --micro-floor $bad: one line of error, not $(wc -l < "$tmp/err")"
done
expect 2 "bad --micro-floor-examples" -- "$train" --micro-floor-examples 0 -o "$model" data/sample.jsonl
expect 2 "bad threshold" -- "$classify" --threshold 1.5 data/sample-article.txt
expect 3 "missing input" -- "$train" -o "$model" "$tmp/nope.jsonl"
contains "$tmp/err" "nope.jsonl" "missing input is named"

# --- training
expect 0 "train on the sample" -- "$train" -q --cv 3 -o "$model" data/sample.jsonl
contains "$tmp/out" "micro-F1" "--cv prints the report"
[ -s "$model" ] && ok || ko "model written"
ls "$tmp"/*.tmp.* >/dev/null 2>&1 && ko "temporary file left behind" || ok
expect 0 "train from fastText lines" -- "$train" -q -o "$tmp/ft.tgm" data/sample.ft
printf '%s\n' '{"id":"a","text":"KPK menahan tersangka korupsi","tags":["KPK"]}' 'not json' \
	'{"id":"b","text":"banjir di Jakarta","tags":["bencana"]}' '{"id":"c","tags":["KPK"]}' \
	'{"id":"d","text":"KPK memeriksa saksi suap","tags":["KPK"]}' \
	'{"id":"e","text":"banjir bandang melanda desa","tags":["bencana"]}' > "$tmp/bad.jsonl"
expect 0 "malformed lines are skipped" -- "$train" -o "$tmp/bad.tgm" --min-df 1 "$tmp/bad.jsonl"
contains "$tmp/err" "bad.jsonl:2: invalid JSON" "malformed line named with file and line"
contains "$tmp/err" "bad.jsonl:4: record has neither" "missing text named with line"
expect 1 "--strict refuses malformed lines" -- "$train" --strict -o "$tmp/bad.tgm" "$tmp/bad.jsonl"
printf '%s\n' '{"text":"tanpa tag","tags":[]}' > "$tmp/notag.jsonl"
expect 1 "no tags at all" -- "$train" -o "$tmp/x.tgm" "$tmp/notag.jsonl"
contains "$tmp/err" "no record carries a tag" "no tags explained"
: > "$tmp/empty.jsonl"
expect 1 "empty file" -- "$train" -o "$tmp/x.tgm" "$tmp/empty.jsonl"
contains "$tmp/err" "no usable record" "empty file explained"

# --- limits on training data
expect 1 "more tags than --max-tags" -- "$train" --max-tags 3 -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "more than --max-tags 3" "the tag limit is explained"
expect 1 "a vocabulary over --max-terms" -- "$train" --max-terms 50 -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "more than --max-terms 50" "the vocabulary limit is explained"
printf '%s\n' '{"text":"hanya satu contoh KPK","tags":["KPK"]}' '{"text":"berita olahraga","tags":[]}' \
	'{"text":"resep masakan","tags":[]}' > "$tmp/one.jsonl"
expect 0 "a tag with a single example trains" -- "$train" --min-df 1 -o "$tmp/x.tgm" "$tmp/one.jsonl"
contains "$tmp/err" 'tag "KPK" has a single example' "a single example is warned about"
{ cat data/sample.jsonl; echo '{"text": '; for i in $(seq 2000); do printf '['; done; echo; } > "$tmp/deep.jsonl"
expect 0 "deeply nested JSON is refused as a line, training goes on" -- "$train" -q -o "$tmp/x.tgm" "$tmp/deep.jsonl"
contains "$tmp/err" "deep.jsonl:49: invalid JSON" "the nested line is named"

# --- determinism
"$train" -q -j 1 --seed 7 -o "$tmp/a.tgm" data/sample.jsonl
"$train" -q -j 2 --seed 7 -o "$tmp/b.tgm" data/sample.jsonl
cmp -s "$tmp/a.tgm" "$tmp/b.tgm" && ok || ko "same data, options and seed give the same bytes"
if locale -a 2>/dev/null | grep -qi '^id_ID.utf-\?8$'; then
	LC_ALL=id_ID.UTF-8 "$train" -q -j 2 --seed 7 -o "$tmp/c.tgm" data/sample.jsonl
	cmp -s "$tmp/a.tgm" "$tmp/c.tgm" && ok || ko "model bytes identical under LC_ALL=id_ID.UTF-8"
	LC_ALL=id_ID.UTF-8 "$classify" -m "$model" --json data/sample-article.txt > "$tmp/id.json"
	LC_ALL=C "$classify" -m "$model" --json data/sample-article.txt > "$tmp/c.json"
	cmp -s "$tmp/id.json" "$tmp/c.json" && ok || ko "classify output identical under id_ID and C"
	contains "$tmp/id.json" '"score": 0.' "decimal point, not comma, under id_ID"
else
	echo "SKIP locale CLI checks: the id_ID.UTF-8 locale is not installed"
fi

# --- one article
expect 0 "classify one article" -- "$classify" -m "$model" data/sample-article.txt
contains "$tmp/out" "ASN" "the ASN article is tagged ASN"
expect 0 "classify from stdin" -- sh -c "\"$classify\" -m \"$model\" < data/sample-article.txt"
contains "$tmp/out" "ASN" "stdin article tagged"
expect 0 "--json" -- "$classify" -m "$model" --json data/sample-article.txt
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["tags"] and 0 <= d["tags"][0]["score"] <= 1' "$tmp/out" \
	&& ok || ko "--json output is a JSON object with scored tags"
expect 0 "--all-scores" -- "$classify" -m "$model" --all-scores data/sample-article.txt
[ "$(wc -l < "$tmp/out")" -eq "$("$classify" -m "$model" --info | sed -n 's/^tags: //p')" ] && ok || ko "--all-scores lists every tag"
expect 0 "--top-k 1" -- "$classify" -m "$model" --top-k 1 --threshold 0 data/sample-article.txt
[ "$(wc -l < "$tmp/out")" -eq 1 ] && ok || ko "--top-k 1 prints one tag"
expect 0 "--explain" -- "$classify" -m "$model" --explain=3 data/sample-article.txt
contains "$tmp/out" "tf-idf" "--explain shows terms"
expect 0 "--info" -- "$classify" -m "$model" --info
contains "$tmp/out" 'micro-F1' "--info prints CV figures"
contains "$tmp/out" 'micro-floor: 0.' "--info prints the micro-F1 floor's probability"
contains "$tmp/out" 'micro-floor-examples: 10' "--info prints the floor's reach"
expect 0 "--info --json" -- "$classify" -m "$model" --info --json
contains "$tmp/out" '"micro_f1"' "--info --json prints CV figures"
contains "$tmp/out" '"crc32"' "--info --json prints the training set checksum"

# --- batch: one output line per input record, in order, errors in place
{ sed -n 1,3p data/sample-eval.jsonl; echo '{"id": "broken", "text": '; echo '';
  echo '{"id": 7, "title": "KPK", "text": "KPK menahan bupati"}'; echo '[1]'; } > "$tmp/batch.jsonl"
expect 1 "batch with bad lines exits 1" -- "$classify" -m "$model" "$tmp/batch.jsonl"
[ "$(wc -l < "$tmp/out")" -eq 6 ] && ok || ko "6 records out for 6 records in (blank line skipped)"
python3 - "$tmp/out" <<'PY' && ok || ko "batch records: ids in order, errors with line numbers"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert [x.get("id") for x in r[:3]] == ["e001", "e002", "e003"], r[:3]
assert r[3]["line"] == 4 and "invalid JSON" in r[3]["error"], r[3]
assert r[4]["id"] == 7 and isinstance(r[4]["tags"], list), r[4]
assert r[5]["line"] == 7 and "object" in r[5]["error"], r[5]
PY
contains "$tmp/err" "batch.jsonl:4:" "bad batch line reported on stderr with its line"
expect 0 "clean batch exits 0" -- "$classify" -m "$model" --all-scores --explain=2 data/sample-eval.jsonl
[ "$(wc -l < "$tmp/out")" -eq "$(grep -c . data/sample-eval.jsonl)" ] && ok || ko "clean batch count"
contains "$tmp/out" '"scores": {' "batch --all-scores"

# --- limits: a record over --max-bytes is refused in its place, the run goes on
{ sed -n 1p data/sample-eval.jsonl
  printf '{"id": "huge", "text": "'; head -c 5000 /dev/zero | tr '\0' 'a'; printf '"}\n'
  sed -n 2p data/sample-eval.jsonl; } > "$tmp/long.jsonl"
expect 1 "a line over --max-bytes" -- "$classify" -m "$model" --max-bytes 4096 "$tmp/long.jsonl"
[ "$(wc -l < "$tmp/out")" -eq 3 ] && ok || ko "3 records out for 3 in, the long one refused"
contains "$tmp/out" '"line": 2, "error": "line of 5' "the long line's error record names its size"
contains "$tmp/err" "long.jsonl:2:" "the long line is reported with its line number"
head -c 20000 /dev/zero | tr '\0' 'a' > "$tmp/big.txt"
expect 1 "a whole article over 4x --max-bytes" -- "$classify" -m "$model" --max-bytes 4096 "$tmp/big.txt"
contains "$tmp/err" "over 16384 bytes" "the size limit is explained"
expect 2 "--max-bytes too small" -- "$classify" -m "$model" --max-bytes 10 "$tmp/big.txt"

# --- threads: same bytes, same order, for any count
for i in $(seq 56); do cat data/sample-eval.jsonl data/sample.jsonl; done > "$tmp/many.jsonl"
"$classify" -m "$model" -j 1 --all-scores "$tmp/many.jsonl" > "$tmp/j1.out"
for j in 2 8; do
	"$classify" -m "$model" -j $j --all-scores "$tmp/many.jsonl" > "$tmp/j$j.out"
	cmp -s "$tmp/j1.out" "$tmp/j$j.out" && ok || ko "--threads $j output differs from --threads 1"
done
[ "$(wc -l < "$tmp/j1.out")" -eq 3360 ] && ok || ko "3360 records out for 3360 in (several blocks)"

# --- a line that starts with the byte 0x1f is an ordinary record
printf '\037ok\tTitle\tVaksinasi dosis kedua\n' > "$tmp/us.tsv"
expect 0 "a TSV line starting with 0x1f" -- "$classify" -m "$model" --tsv "$tmp/us.tsv"
contains "$tmp/out" '"id": "\u001fok"' "0x1f line tagged as a record"

# --- a write error on a worker thread is reported with its cause
if [ -w /dev/full ]; then
	expect 3 "write error, 8 threads" -- sh -c "\"$classify\" -m \"$model\" -j 8 \"$tmp/many.jsonl\" > /dev/full"
	contains "$tmp/err" "standard output: " "write error reported"
	lacks "$tmp/err" "Success" "write error has its cause, not another thread's errno"
fi

# --- a closed pipe mid-batch: the run ends quietly, as SIGPIPE ends GNU tools
( "$classify" -m "$model" -j 2 "$tmp/many.jsonl" 2> "$tmp/pipe.err"; echo $? > "$tmp/pipe.status" ) | head -c 100 > /dev/null
[ "$(cat "$tmp/pipe.status")" = 141 ] && ok || ko "closed pipe: exit $(cat "$tmp/pipe.status"), want 141"
lacks "$tmp/pipe.err" "standard output" "a closed pipe is not reported"

# --- a read error ends the run with its cause named and status 3
expect 3 "read error on the input" -- sh -c "\"$classify\" -m \"$model\" -j 2 --batch < /"
contains "$tmp/err" "-: read error" "read error reported"
# ... and the records read before it are still tagged and written: a
# non-blocking pipe that holds the sample and stays open fails with EAGAIN
python3 -c '
import fcntl, os, subprocess, sys
r, w = os.pipe()
os.write(w, open(sys.argv[2], "rb").read())
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.run([sys.argv[1], "-m", sys.argv[3], "-j", "2", "--batch"], stdin=r,
                   stdout=open(sys.argv[4], "wb"), stderr=open(sys.argv[5], "wb"))
sys.exit(p.returncode)' "$classify" data/sample-eval.jsonl "$model" "$tmp/rerr.out" "$tmp/rerr.err"
[ $? -eq 3 ] && ok || ko "read error mid-stream: want status 3"
lines "$tmp/rerr.out" 12 "the 12 records read before the error are written"
contains "$tmp/rerr.err" "read error" "mid-stream read error reported"
# ... and so is running out of memory: a 100 MB line under a 60 MB address-space
# limit.  Builds that cannot start under that limit skip: sanitizers, and
# valgrind's wrapper scripts (not even tried: valgrind would log its failure)
if [ "$(head -c 2 "$classify")" = "#!" ]; then
	echo "cli: skipped the out-of-memory test: $classify is a wrapper script"
elif starts_under_ulimit 60000 "$classify" -m "$model" data/sample-article.txt; then
	( ulimit -v 60000
	  { head -3 data/sample-eval.jsonl; printf '{"text": "'; head -c 100000000 /dev/zero | tr '\0' a
	    printf '"}\n'; sed -n 4,5p data/sample-eval.jsonl; } |
	  "$classify" -m "$model" -j 2 --max-bytes 200000000 --batch > "$tmp/oom.out" 2> "$tmp/oom.err"
	  echo $? > "$tmp/oom.status" )
	[ "$(cat "$tmp/oom.status")" = 3 ] && ok || ko "out of memory: exit $(cat "$tmp/oom.status"), want 3"
	lines "$tmp/oom.out" 3 "the 3 records before the line that exhausted memory are written"
	contains "$tmp/oom.err" "-: out of memory" "out of memory named"
else
	echo "cli: skipped the out-of-memory test: this build does not start under ulimit -v 60000"
fi

# --- evaluation
expect 0 "--eval" -- "$classify" -m "$model" --eval data/sample-eval.jsonl
contains "$tmp/out" "macro-F1" "--eval text report"
expect 0 "--eval --json" -- "$classify" -m "$model" --eval data/sample-eval.jsonl --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert 0 <= d["micro_f1"] <= 1 and d["tags"]' "$tmp/out" \
	&& ok || ko "--eval --json is JSON"

# --- model files
head -c 1000 "$model" > "$tmp/trunc.tgm"
expect 3 "truncated model refused" -- "$classify" -m "$tmp/trunc.tgm" data/sample-article.txt
contains "$tmp/err" "trunc.tgm" "truncated model named"
cp "$model" "$tmp/flip.tgm"
printf 'Z' | dd of="$tmp/flip.tgm" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect 3 "corrupt model refused" -- "$classify" -m "$tmp/flip.tgm" data/sample-article.txt
contains "$tmp/err" "checksum" "corruption explained"
expect 3 "missing model" -- "$classify" -m "$tmp/none.tgm" data/sample-article.txt
if [ -f models/default.tgm ] && [ "$bin" = bin ]; then  # the lookup beside the program
	expect 0 "default model found without -m" -- "$classify" data/sample-article.txt
	contains "$tmp/out" "ASN" "default model tags the quick-start article ASN"
	TAGAR_MODEL="$model" "$classify" --info > "$tmp/env.txt" 2>&1
	contains "$tmp/env.txt" "$model" "TAGAR_MODEL chooses the model"
fi

# --- output errors are not silent
if [ -w /dev/full ]; then
	expect 3 "write error on stdout" -- sh -c "\"$classify\" -m \"$model\" data/sample-eval.jsonl > /dev/full"
fi

# --- install
expect 0 "make install DESTDIR" -- make -s install DESTDIR="$tmp/root" PREFIX=/usr
for f in usr/bin/tagar-train usr/bin/tagar-classify usr/share/tagar/default.tgm usr/share/man/man1/tagar-train.1; do
	[ -f "$tmp/root/$f" ] && ok || ko "installed $f"
done
[ -x "$tmp/root/usr/bin/tagar-classify" ] && "$tmp/root/usr/bin/tagar-classify" data/sample-article.txt > "$tmp/inst.txt" 2>&1 \
	&& ok || ko "installed classifier finds its default model"

# --- libsvm: one kernel matrix for every tag and fold, the same models
for k in linear rbf; do
	"$train" -q -s libsvm --kernel $k -j 1 --seed 7 -o "$tmp/svm1.tgm" data/sample.jsonl
	"$train" -q -s libsvm --kernel $k -j 2 --seed 7 -o "$tmp/svm2.tgm" data/sample.jsonl
	cmp -s "$tmp/svm1.tgm" "$tmp/svm2.tgm" && ok || ko "libsvm $k: same bytes with 1 and 2 workers"
	TAGAR_GRAM_MAX_MB=0 "$train" -q -s libsvm --kernel $k -j 2 --seed 7 -o "$tmp/svmsparse.tgm" data/sample.jsonl 2>/dev/null
	cmp -s "$tmp/svm2.tgm" "$tmp/svmsparse.tgm" && ok || ko "libsvm $k: kernel matrix and sparse rows give the same bytes"
done
expect 0 "libsvm rbf model classifies" -- "$classify" -m "$tmp/svm2.tgm" data/sample-article.txt
contains "$tmp/out" "ASN" "the rbf model tags the ASN article ASN"
expect 0 "libsvm over the kernel-matrix budget" -- env TAGAR_GRAM_MAX_MB=0 "$train" -s libsvm -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "kernels are evaluated on sparse rows" "the sparse fallback is announced"

finish
