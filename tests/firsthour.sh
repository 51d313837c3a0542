#!/bin/sh
# A new user's first hour (issue 10): what a newcomer meets in README.md,
# --help, messages and the first runs.  Each check is one thing that once
# went wrong for a new user.
# Usage: tests/firsthour.sh BINDIR      (run from the top of the source tree)
suite=firsthour
. tests/lib.sh

model=$tmp/sample.tgm
"$train" -q -o "$model" data/sample.jsonl || ko "train the sample model"

# --- README.md: the blocks tests/fresh.sh runs, and bare program names
marked=$(grep -c '^<!-- fresh.sh runs this block -->$' README.md)
[ "$marked" -ge 2 ] && ok || ko "README marks the quick-start and test blocks for tests/fresh.sh ($marked marked)"
# an example may call tagar-classify by bare name only after README says how
# to put bin/ on the PATH
awk '/export PATH="\$PWD\/bin:\$PATH"/ && !path { path = NR }
     /^```/ { code = !code; next }
     code && /^tagar-(classify|train) / && !bare { bare = NR }
     END { exit !(path && (!bare || path < bare)) }' README.md \
	&& ok || ko "README says how to get bin/ on the PATH before the first bare tagar-classify"

# --- a reader that closes the pipe early is ordinary use: no message
# (the reader is gone before the first write: `true` exits at once)
for what in "--info" "--eval data/sample-eval.jsonl" "--all-scores data/sample-article.txt" "-j 2 data/sample-eval.jsonl"; do
	# shellcheck disable=SC2086
	( sleep 0.5; "$classify" -m "$model" $what 2>> "$tmp/pipe.err"; echo $? >> "$tmp/pipe.status" ) | true
done
grep -qv '^141$' "$tmp/pipe.status" && ko "a closed pipe ends the run as SIGPIPE does (141): $(tr '\n' ' ' < "$tmp/pipe.status")" || ok
if [ -w /dev/full ]; then  # a real write error keeps its message and status 3
	expect 3 "--info > /dev/full" -- sh -c "\"$classify\" -m \"$model\" --info > /dev/full"
	contains "$tmp/err" "tagar-classify: standard output: No space left" "a full disk is reported"
fi

# --- one rule for an empty article: an error, status 1, a record in a batch
: > "$tmp/empty.txt"
expect 1 "an empty file" -- "$classify" -m "$model" "$tmp/empty.txt"
contains "$tmp/err" "empty.txt: empty article" "an empty file is named"
lines "$tmp/out" 0 "an empty article has no tags written"
expect 1 "white space on standard input" -- sh -c "printf ' \n\n\t\n' | \"$classify\" -m \"$model\""
contains "$tmp/err" "-: empty article" "empty standard input is an empty article"
expect 1 "an HTML page with no article text" -- sh -c "printf '<html><body><nav>Menu</nav></body></html>' | \"$classify\" -m \"$model\" --html"
contains "$tmp/err" "empty article" "an empty page is an empty article"
mkdir "$tmp/dir"; : > "$tmp/dir/a.txt"; echo "KPK menahan bupati" > "$tmp/dir/b.txt"
expect 1 "an empty file under --dir" -- "$classify" -m "$model" --dir "$tmp/dir/"
contains "$tmp/out" '{"id": "a.txt", "error": "empty article"}' "the empty file has an error record"
lines "$tmp/out" 2 "one record per file"
lacks "$tmp/err" "//" "--dir DIR/ names files without a double slash"
contains "$tmp/err" "$tmp/dir/a.txt: empty article" "--dir names the file"
expect 0 "an empty JSONL batch is no record at all" -- sh -c ": | \"$classify\" -m \"$model\" --batch"
grep -q 'empty article' README.md && ok || ko "README states the rule for an empty article"

# --- every message starts with the program's short name
expect 2 "unknown option (classify)" -- "$classify" --bogus
contains "$tmp/err" "tagar-classify: unrecognized option '--bogus'" "getopt's message has the short name"
expect 2 "missing argument (train)" -- "$train" -o
head -n 1 "$tmp/err" | grep -q '^tagar-train: ' && ok || ko "getopt's message in tagar-train: $(head -n 1 "$tmp/err")"
printf '%s\n' '{"text":"hanya satu contoh KPK","tags":["KPK"]}' '{"text":"berita olahraga","tags":[]}' \
	'{"text":"resep masakan","tags":[]}' 'not json' > "$tmp/one.jsonl"
expect 0 "warnings while training" -- "$train" --min-df 1 -o "$tmp/x.tgm" "$tmp/one.jsonl"
grep -v '^tagar-train: ' "$tmp/err" > "$tmp/bare.err"
[ ! -s "$tmp/bare.err" ] && ok || ko "tagar-train message without its name: $(head -n 1 "$tmp/bare.err")"
contains "$tmp/err" 'tagar-train: warning: tag "KPK" has a single example' "the warning is prefixed"
contains "$tmp/err" "tagar-train: $tmp/one.jsonl:4: invalid JSON" "a line's message is prefixed"
expect 3 "a stopword file that is not there" -- "$train" -q --stopwords "$tmp/nowords.txt" -o "$tmp/x.tgm" data/sample.jsonl
contains "$tmp/err" "tagar-train: $tmp/nowords.txt: No such file" "a missing stopword file is named after the program"
expect 1 "--eval with a malformed line" -- "$classify" -m "$model" --eval "$tmp/one.jsonl"
grep -v '^tagar-classify: ' "$tmp/err" > "$tmp/bare.err"
[ ! -s "$tmp/bare.err" ] || ko "tagar-classify --eval message without its name: $(head -n 1 "$tmp/bare.err")"

# --- --max-bytes: the range is stated in --help, the man page and the error
expect 2 "--max-bytes 1000" -- "$classify" -m "$model" --max-bytes 1000 data/sample-article.txt
contains "$tmp/err" "--max-bytes must be an integer from 1024 to" "the error states the range"
"$classify" --help | grep -A1 -e '--max-bytes' | grep -q '1024' && ok || ko "--help states --max-bytes' range"
grep -F -A4 'max\-bytes' man/tagar-classify.1 | grep -q '1024' && ok || ko "the man page states --max-bytes' range"

# --- --eval: tags neither in the labels nor predicted are not scored
expect 0 "--eval" -- "$classify" -m "$model" --eval data/sample-eval.jsonl
cp "$tmp/out" "$tmp/eval.txt"
contains "$tmp/eval.txt" "macro-F1 averages the" "--eval says which tags macro-F1 averages"
expect 0 "--eval --json" -- "$classify" -m "$model" --eval data/sample-eval.jsonl --json
python3 - "$tmp/out" "$tmp/eval.txt" <<'PY' && ok || ko "--eval: the scored tags are listed, the others named apart"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {l.split()[0] for l in open(sys.argv[2]).read().splitlines()[1:-2]}
assert d["unscored_tags"], "the sample model leaves some tags unscored"
assert all(t["support"] > 0 or t["predicted"] > 0 for t in d["tags"]), d
assert d["macro_f1_tags"] == len(d["tags"]) == len(rows), (d, rows)
assert not rows & set(d["unscored_tags"]), rows
PY
grep -q 'macro-F1 averages' README.md && ok || ko "README states which tags macro-F1 averages"

# --- --info: option names, a readable summary; JSON with --json
expect 0 "--info" -- "$classify" -m "$model" --info
contains "$tmp/out" "stem: none" "--info names the stemmer"
contains "$tmp/out" "stopwords: id,en" "--info names the stopword lists"
contains "$tmp/out" "class-weight: none" "--info names the class weight"
lacks "$tmp/out" '"stem":' "--info is not JSON by default"
expect 0 "--info --json" -- "$classify" -m "$model" --info --json
python3 - "$tmp/out" <<'PY' && ok || ko "--info --json: JSON with option names"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tags"] == len(d["metadata"]["tags"]) and d["bytes"] > 0, d.keys()
assert d["metadata"]["text"]["stem"] == "none" and d["metadata"]["text"]["stopwords"] == "id,en"
assert d["metadata"]["train"]["class_weight"] == "none" and d["metadata"]["train"]["kernel"] == "linear"
PY

# --- --grid with LIBLINEAR has no gamma
expect 0 "--grid, liblinear" -- "$train" --grid -o "$tmp/g.tgm" data/sample.jsonl
contains "$tmp/err" "tagar-train: grid: C " "the grid reports C"
lacks "$tmp/err" "gamma" "no gamma for LIBLINEAR"

# --- README's model size comes from --info, with its unit
if [ -f models/default.tgm ]; then
	size=$("$classify" -m models/default.tgm --info | sed -n 's/^size: //p')
	contains README.md "$size" "README's model size is what --info prints ($size)"
fi

# --- tagar-train's progress line is cleared when the run ends (a terminal)
python3 - "$train" "$tmp/pty.out" <<'PY' && ok || ko "the progress line is cleared at the end"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-o", os.devnull, "data/sample.jsonl"])
t = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:  # EIO: the child has closed the terminal
        break
    if not b:
        break
    t += b
os.waitpid(pid, 0)
open(sys.argv[2], "wb").write(t)
i = t.rfind(b"\rtagar-train: tag ")
assert i >= 0, t[-300:]
assert b"\r\x1b[K" in t[i:], t[i:][-300:]
PY

# --- --show-text on HTML: no line holding only white space
printf '<html><body><article><h1>KPK menahan bupati</h1>\n <p>Satu</p>\n \n <p>Dua</p> <p> </p></article></body></html>\n' > "$tmp/p.html"
expect 0 "--show-text on HTML" -- "$classify" -m models/default.tgm --show-text "$tmp/p.html"
grep -q '^[[:space:]]\{1,\}$' "$tmp/out" && ko "--show-text prints a line holding only white space" || ok
contains "$tmp/out" "Satu" "--show-text shows the paragraphs"

# --- -k means --top-k in tagar-classify; tagar-train has no -k
expect 2 "tagar-train -k" -- "$train" -k rbf -o "$tmp/k.tgm" data/sample.jsonl
"$train" --help | grep -q -e '-k,' && ko "tagar-train --help lists -k" || ok
grep -qF '\fB\-k\fR, \fB\-\-kernel' man/tagar-train.1 && ko "the tagar-train man page lists -k" || ok
expect 0 "--kernel still works" -- "$train" -q -s libsvm --kernel rbf -o "$tmp/k.tgm" data/sample.jsonl

# --- the out-of-memory test's probe: a probe killed by a signal (a
# sanitizer build aborting under ulimit) leaves no stray "Aborted" line
( starts_under_ulimit 60000 sh -c 'kill -ABRT $$' && echo started ) > "$tmp/probe.out" 2>&1
[ ! -s "$tmp/probe.out" ] && ok || ko "the ulimit probe prints: $(cat "$tmp/probe.out")"
starts_under_ulimit 60000 true && ok || ko "the ulimit probe runs a command that starts"

# --- JSON nested too deep says so
{ printf '{"text": '; for i in $(seq 2000); do printf '['; done; echo; } > "$tmp/deep.jsonl"
expect 1 "deep JSON" -- "$classify" -m "$model" --batch "$tmp/deep.jsonl"
contains "$tmp/out" "nested deeper than" "the error says the JSON is nested too deep"

# --- a plain-text article whose first lines are clutter: the title is the
# first line left after boilerplate is cut
printf 'ADVERTISEMENT\nSenin, 12 Februari 2024 10:15 WIB\nShare\nKPK menahan bupati dalam kasus suap\nKomisi Pemberantasan Korupsi menahan seorang bupati.\n' > "$tmp/clutter.txt"
expect 0 "an article with clutter first" -- "$classify" -m models/default.tgm --show-text "$tmp/clutter.txt"
[ "$(head -n 1 "$tmp/out")" = "KPK menahan bupati dalam kasus suap" ] && ok || ko "title after clutter: '$(head -n 1 "$tmp/out")'"
lacks "$tmp/out" "ADVERTISEMENT" "the clutter is cut"
printf '12 Desember 2024, Hari Ibu dirayakan di Jakarta\nPeringatan Hari Ibu digelar di Monas.\n' > "$tmp/dated.txt"
expect 0 "a headline that starts with a date" -- "$classify" -m models/default.tgm --show-text "$tmp/dated.txt"
[ "$(head -n 1 "$tmp/out")" = "12 Desember 2024, Hari Ibu dirayakan di Jakarta" ] && ok || ko "a dated headline is kept: '$(head -n 1 "$tmp/out")'"

finish
