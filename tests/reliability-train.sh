#!/bin/sh
# Reliability of tagar-train (and the output side of tagar-classify): what
# the model writer may replace, models that are not numbers, killed runs,
# file size limits, tag names, training-file format detection.
# Usage: tests/reliability-train.sh BINDIR   (from the top of the source tree)
suite=reliability-train
. tests/lib.sh

model=$tmp/m.tgm
# a corpus no training can start on: the output must be refused before it is read
: > "$tmp/empty.jsonl"
mode_of() { stat -c %a "$1"; }
type_of() { stat -c %F "$1"; }

# --- 1. what the model writer replaces
expect 0 "a new path is written" -- "$train" -q -o "$model" data/sample.jsonl
[ -f "$model" ] && ok || ko "model written"
ls "$tmp"/*.tmp.* > /dev/null 2>&1 && ko "temporary file left behind" || ok

mkfifo "$tmp/fifo"
expect 3 "a FIFO is refused" -- "$train" -q -o "$tmp/fifo" data/sample.jsonl
contains "$tmp/err" "not a regular file" "the FIFO refusal is explained"
[ -p "$tmp/fifo" ] && ok || ko "the FIFO was replaced: $(type_of "$tmp/fifo")"
expect 3 "a FIFO is refused before the data is read" -- "$train" -q -o "$tmp/fifo" "$tmp/empty.jsonl"
contains "$tmp/err" "fifo" "the output, not the data, is named"

if [ "$(id -u)" = 0 ] && mknod "$tmp/null" c 1 3 2> /dev/null; then
	expect 3 "a character device is refused" -- "$train" -q -o "$tmp/null" data/sample.jsonl
	[ -c "$tmp/null" ] && ok || ko "the device was replaced: $(type_of "$tmp/null")"
	# /dev/null itself only once the same refusal has been seen to work on a
	# device of our own: a broken fix would replace the system's /dev/null
	if [ -c "$tmp/null" ] && [ -c /dev/null ]; then
		expect 3 "/dev/null is refused" -- "$train" -q -o /dev/null data/sample.jsonl
		[ -c /dev/null ] && ok || ko "/dev/null is no longer a character device"
	fi
else
	echo "$suite: skipped the device tests: not root, or mknod failed"
fi
mkdir "$tmp/dir"
expect 3 "a directory is refused" -- "$train" -q -o "$tmp/dir" data/sample.jsonl
[ -d "$tmp/dir" ] && ok || ko "the directory was replaced"
expect 3 "a missing directory is found before the data is read" -- "$train" -q -o "$tmp/nodir/m.tgm" "$tmp/empty.jsonl"
contains "$tmp/err" "nodir" "the unwritable output is named"
lacks "$tmp/err" "no usable record" "the data was not read"

# a symlink is followed: its target is replaced, the link stays
echo old > "$tmp/real.tgm"
ln -s real.tgm "$tmp/link.tgm"
expect 0 "a symlinked output is written" -- "$train" -q -o "$tmp/link.tgm" data/sample.jsonl
[ -L "$tmp/link.tgm" ] && ok || ko "the symlink was replaced"
cmp -s "$tmp/real.tgm" "$model" && ok || ko "the symlink's target holds the model"
ln -s made.tgm "$tmp/dangling.tgm"
expect 0 "a dangling symlink's target is created" -- "$train" -q -o "$tmp/dangling.tgm" data/sample.jsonl
[ -L "$tmp/dangling.tgm" ] && [ -f "$tmp/made.tgm" ] && ok || ko "the dangling symlink's target was not created"
ln -s "$tmp/fifo" "$tmp/tofifo.tgm"
expect 3 "a symlink to a FIFO is refused" -- "$train" -q -o "$tmp/tofifo.tgm" data/sample.jsonl
[ -p "$tmp/fifo" ] && [ -L "$tmp/tofifo.tgm" ] && ok || ko "the FIFO or its link was replaced"

# the mode follows the umask, and an existing file keeps its own
(umask 077 && "$train" -q -o "$tmp/private.tgm" data/sample.jsonl)
[ "$(mode_of "$tmp/private.tgm")" = 600 ] && ok || ko "umask 077 gave mode $(mode_of "$tmp/private.tgm")"
(umask 022 && "$train" -q -o "$tmp/public.tgm" data/sample.jsonl)
[ "$(mode_of "$tmp/public.tgm")" = 644 ] && ok || ko "umask 022 gave mode $(mode_of "$tmp/public.tgm")"
chmod 640 "$tmp/public.tgm"
"$train" -q -o "$tmp/public.tgm" data/sample.jsonl
[ "$(mode_of "$tmp/public.tgm")" = 640 ] && ok || ko "an existing file's mode 640 became $(mode_of "$tmp/public.tgm")"

# the output must not be one of the inputs, by any name
cp data/sample.jsonl "$tmp/data.jsonl"
expect 3 "the training file as output is refused" -- "$train" -q -o "$tmp/data.jsonl" "$tmp/data.jsonl"
contains "$tmp/err" "input" "the refusal says the output is an input"
cmp -s "$tmp/data.jsonl" data/sample.jsonl && ok || ko "the training data was overwritten"
ln -s data.jsonl "$tmp/data-link.tgm"
expect 3 "the training file through a symlink is refused" -- "$train" -q -o "$tmp/data-link.tgm" "$tmp/data.jsonl"
ln "$tmp/data.jsonl" "$tmp/data-hard.tgm"
expect 3 "the training file through a hard link is refused" -- "$train" -q -o "$tmp/data-hard.tgm" "$tmp/data.jsonl"
expect 3 "standard input's file as output is refused" -- sh -c '"$1" -q -o "$2" - < "$2"' sh "$train" "$tmp/data.jsonl"
cmp -s "$tmp/data.jsonl" data/sample.jsonl && ok || ko "the training data was overwritten"
printf 'yang\ndan\n' > "$tmp/stop.txt"
expect 3 "the stopword file as output is refused" -- "$train" -q --stopwords "$tmp/stop.txt" -o "$tmp/stop.txt" data/sample.jsonl
cp data/boilerplate.txt "$tmp/boiler.txt"
expect 3 "the boilerplate file as output is refused" -- "$train" -q --boilerplate "$tmp/boiler.txt" -o "$tmp/boiler.txt" data/sample.jsonl
cmp -s "$tmp/boiler.txt" data/boilerplate.txt && ok || ko "the boilerplate file was overwritten"

# --- 4. models and outputs that are not numbers
rm -f "$tmp/poly.tgm"
expect 1 "a model that is not a number is refused" -- "$train" -q -s libsvm --kernel poly --degree 8 --coef0 1e5 -o "$tmp/poly.tgm" data/sample.jsonl
contains "$tmp/err" "not a finite number" "the refusal says why"
contains "$tmp/err" 'tag "' "the refusal names the tag"
[ -e "$tmp/poly.tgm" ] && ko "a model was written" || ok
expect 0 "a polynomial kernel within range trains" -- "$train" -q -s libsvm --kernel poly --degree 2 -o "$tmp/poly.tgm" data/sample.jsonl
expect 0 "its scores are numbers" -- "$classify" -m "$tmp/poly.tgm" -a --json data/sample-article.txt
grep -Eq ': *-?(nan|inf)' "$tmp/out" && ko "a score that is not a number: $(cat "$tmp/out")" || ok

# --- 8. killed runs
# a corpus that keeps two workers busy for several seconds
awk 'BEGIN { srand(3); for (d = 0; d < 3000; d++) { s = ""; for (w = 0; w < 60; w++) s = s sprintf(" w%d", int(rand() * 500));
	t = ""; for (k = 0; k < 6; k++) if (rand() < 0.3) t = t (t == "" ? "" : ",") "\"t" k "\"";
	printf "{\"text\":\"%s\",\"tags\":[%s]}\n", s, t } }' > "$tmp/slow.jsonl"
# start_slow OUT: tagar-train in the background on two workers; sets $pid
# and $kids once the workers are running (empty if they never appeared)
start_slow() {
	"$train" -q -j 2 -s libsvm --kernel rbf -o "$1" "$tmp/slow.jsonl" 2> "$tmp/slow.err" &
	pid=$! kids=
	for i in $(seq 100); do
		kids=$(pgrep -P "$pid" | tr '\n' ' ')
		[ -n "$kids" ] && break
		sleep 0.1
	done
}
# alive PIDS...: the ones still running (zombies count as gone)
alive() {
	for p in "$@"; do
		s=$(awk '{ print $3 }' "/proc/$p/stat" 2> /dev/null)
		[ -n "$s" ] && [ "$s" != Z ] && printf '%s ' "$p"
	done
}
# gone PIDS...: waits up to 2 s for them to end; status 0 when they have
gone() {
	for i in $(seq 20); do
		[ -z "$(alive "$@")" ] && return 0
		sleep 0.1
	done
	return 1
}
# under make valgrind-suite's wrappers the workers start only after a long
# kernel-matrix fill, and memcheck reports what a killed process held
if grep -q valgrind "$train" 2> /dev/null; then
	echo "$suite: skipped the killed-run tests: the programs run under valgrind"
elif command -v pgrep > /dev/null; then
	start_slow "$tmp/killed.tgm"
	if [ -n "$kids" ]; then
		kill -KILL "$pid"
		wait "$pid" 2> /dev/null
		gone $kids && ok || { ko "workers outlived a SIGKILLed tagar-train: $(alive $kids)"; kill -KILL $(alive $kids) 2> /dev/null; }
		ls "$tmp"/killed.tgm.tmp.* > /dev/null 2>&1 && ok || ko "SIGKILL left no temporary file to clean (test setup)"
		expect 0 "a later run" -- "$train" -q -o "$tmp/killed.tgm" data/sample.jsonl
		ls "$tmp"/killed.tgm.tmp.* > /dev/null 2>&1 && ko "a stale temporary file of a dead run was kept" || ok
	else
		ko "tagar-train -j 2 started no worker processes"
	fi
	start_slow "$tmp/term.tgm"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -gt 128 ] && ok || ko "SIGTERM: exit $rc, want death by the signal"
	gone $kids && ok || { ko "workers outlived a SIGTERMed tagar-train"; kill -KILL $(alive $kids) 2> /dev/null; }
	ls "$tmp"/term.tgm* > /dev/null 2>&1 && ko "SIGTERM left $(ls "$tmp"/term.tgm*)" || ok
	start_slow "$tmp/int.tgm"
	kill -INT "$pid"
	wait "$pid"
	gone $kids && ok || { ko "workers outlived a SIGINTed tagar-train"; kill -KILL $(alive $kids) 2> /dev/null; }
	ls "$tmp"/int.tgm* > /dev/null 2>&1 && ko "SIGINT left $(ls "$tmp"/int.tgm*)" || ok
else
	echo "$suite: skipped the killed-run tests: no pgrep"
fi
# a temporary file of a live process is not touched
: > "$tmp/m.tgm.tmp.$$.0"
expect 0 "a run beside a live run's temporary file" -- "$train" -q -o "$model" data/sample.jsonl
[ -f "$tmp/m.tgm.tmp.$$.0" ] && ok || ko "a live process's temporary file was removed"

# file size limits: a message, status 3, nothing half-written kept
cp "$model" "$tmp/before.tgm"
(ulimit -f 20; exec "$train" -q -o "$model" data/sample.jsonl) > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" = 3 ] && ok || ko "train under ulimit -f: exit $rc, want 3"
contains "$tmp/err" "File too large" "train reports the size limit"
cmp -s "$model" "$tmp/before.tgm" && ok || ko "the old model was not kept"
ls "$tmp"/m.tgm.tmp.[0-9]*[0-9].[0-9]* 2> /dev/null | grep -v "tmp\.$$\." > /dev/null && ko "a temporary file was left" || ok
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat data/sample.jsonl data/sample-eval.jsonl; done > "$tmp/many.jsonl"
for j in 1 2; do
	(ulimit -f 40; exec "$classify" -m "$model" -j $j -a "$tmp/many.jsonl") > "$tmp/cut.jsonl" 2> "$tmp/err"
	rc=$?
	[ "$rc" = 3 ] && ok || ko "classify -j $j under ulimit -f: exit $rc, want 3"
	contains "$tmp/err" "File too large" "classify -j $j reports the size limit"
	[ -s "$tmp/cut.jsonl" ] && [ "$(tail -c 1 "$tmp/cut.jsonl" | od -An -c | tr -d ' ')" = '\n' ] && ok || ko "classify -j $j left half a record"
	bad=$(awk '!/^\{.*\}$/' "$tmp/cut.jsonl" | wc -l)
	[ "$bad" -eq 0 ] && ok || ko "classify -j $j: $bad partial lines"
done
printf 'header line\n' > "$tmp/cut.txt"
(ulimit -f 40; exec "$classify" -m "$model" -a "$tmp/many.jsonl") >> "$tmp/cut.txt" 2> /dev/null
[ "$(head -1 "$tmp/cut.txt")" = "header line" ] && ok || ko "appending under a size limit lost what was there"

# --- 9. tag names
printf '%s\n' '{"text":"KPK menahan tersangka","tags":["KPK\tkorupsi"]}' '{"text":"banjir","tags":["a\nb"]}' \
	'{"text":"x","tags":["bel\u0007"]}' '{"text":"x","tags":["\u0085next"]}' \
	"{\"text\":\"x\",\"tags\":[\"$(head -c 201 /dev/zero | tr '\0' 'a')\"]}" \
	"{\"text\":\"x\",\"tags\":[\"$(printf 'bad\377utf8')\"]}" '{"text":"x","tags":["line\u2028sep"]}' \
	> "$tmp/badtags.jsonl"
cat data/sample.jsonl >> "$tmp/badtags.jsonl"
expect 0 "bad tag names are skipped with a message" -- "$train" -q -o "$tmp/x.tgm" "$tmp/badtags.jsonl"
for l in 1 2 3 4 5 6 7; do contains "$tmp/err" "badtags.jsonl:$l: tags[0]" "bad tag on line $l named"; done
contains "$tmp/err" "200 bytes" "the length limit is stated"
expect 1 "--strict fails on a bad tag name" -- "$train" -q --strict -o "$tmp/x.tgm" "$tmp/badtags.jsonl"
printf '__label__ok\001 teks berita\n__label__%s teks\n' "$(head -c 201 /dev/zero | tr '\0' 'a')" > "$tmp/badtags.ft"
cat data/sample.ft >> "$tmp/badtags.ft"
expect 0 "bad fastText labels are skipped with a message" -- "$train" -q -o "$tmp/x.tgm" "$tmp/badtags.ft"
contains "$tmp/err" "badtags.ft:1:" "the control character's line is named"
contains "$tmp/err" "badtags.ft:2:" "the long label's line is named"
printf '%s\n' '{"text":"luar negeri: kunjungan","tags":["luar negeri","Pemda Jawa Barat"]}' > "$tmp/spaces.jsonl"
cat data/sample.jsonl >> "$tmp/spaces.jsonl"
expect 0 "tags with spaces and non-ASCII letters are names" -- "$train" -q -o "$tmp/x.tgm" "$tmp/spaces.jsonl"
lacks "$tmp/err" "spaces.jsonl:1" "a good tag is not refused"

# --- 10. the training file's format
{ echo '# exported 2024-05-01'; echo '[]'; cat data/sample.jsonl; } > "$tmp/commented.jsonl"
expect 0 "JSONL after a comment line trains" -- "$train" -o "$tmp/x.tgm" "$tmp/commented.jsonl"
contains "$tmp/err" "commented.jsonl:1: invalid JSON" "the comment line is named"
contains "$tmp/err" "commented.jsonl:2: a record must be a JSON object" "the [] line is named"
contains "$tmp/err" "skipped 2 malformed" "two lines skipped"
{ echo 'teks tanpa label'; cat data/sample.ft; } > "$tmp/unlabelled-first.ft"
expect 0 "fastText with an unlabelled first line trains" -- "$train" -q -o "$tmp/x.tgm" "$tmp/unlabelled-first.ft"
lacks "$tmp/err" "unlabelled-first.ft:1" "an unlabelled fastText line is a record"
expect 2 "a bad --threads value" -- "$train" -j 0 -o "$model" data/sample.jsonl
[ "$(grep -c threads "$tmp/err")" = 1 ] && ok || ko "--threads error printed $(grep -c threads "$tmp/err") times"
expect 2 "a bad --cv value" -- "$train" --cv 1.5 -o "$model" data/sample.jsonl
[ "$(grep -c -- --cv "$tmp/err")" = 1 ] && ok || ko "--cv error printed $(grep -c -- --cv "$tmp/err") times"

# classify streams auto-detected fastText and BOM-led JSONL (a whole
# document may be 4 x --max-bytes; these are longer)
{ printf '\357\273\277'; for i in $(seq 60); do cat data/sample.jsonl; done; } > "$tmp/bom.jsonl"
expect 0 "BOM-led JSONL over 4 x --max-bytes is streamed" -- "$classify" -m "$model" --max-bytes 1024 "$tmp/bom.jsonl"
lines "$tmp/out" 2880 "one record out per line in"
for i in $(seq 40); do cat data/sample.ft; done > "$tmp/big.ft"
expect 0 "auto-detected fastText over 4 x --max-bytes is streamed" -- "$classify" -m "$model" --max-bytes 1024 "$tmp/big.ft"
lines "$tmp/out" "$(wc -l < "$tmp/big.ft")" "one record out per fastText line"

finish
