#!/bin/sh
# tagar-serve over HTTP: every route and error status with curl against the
# server on a loopback port, batch order, the Annif alias, the token,
# reloads under requests, SIGTERM with a request in flight.
# Usage: tests/serve.sh BINDIR      (run from the top of the source tree)
# SERVE_WRAP="valgrind ..." runs every server under that command (make
# valgrind); a memcheck error then fails the exit-status check after SIGTERM.
suite=serve
. tests/lib.sh
serve=$bin/tagar-serve
if ! command -v curl > /dev/null; then
	echo "serve: curl is not installed: tagar-serve's HTTP tests skipped"
	finish
	exit
fi

# start LOG ARGS...: the server on a free port (port 0; the port is read
# from its first log line); sets pid and url
start() {
	slog=$1; shift
	env $SERVE_WRAP "$serve" -l 127.0.0.1:0 "$@" 2> "$slog" &
	pid=$! port=
	for _ in $(seq 300); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$slog")
		[ -n "$port" ] && break
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] || { ko "server did not start: $*"; sed 's/^/  | /' "$slog" | head -5; }
	url=http://127.0.0.1:$port
}
# stop: SIGTERM, and the exit status must be 0
stop() {
	kill -TERM $pid
	wait $pid
	rc=$?
	if [ $rc -eq 0 ]; then ok; else ko "server exit $rc after SIGTERM"; tail -5 "$slog" | sed 's/^/  | /'; fi
}
trap 'kill $pid 2> /dev/null; rm -rf "$tmp"' EXIT
# http STATUS DESCRIPTION -- CURL-ARGS...: the answer's status; its body in
# $tmp/out, its headers in $tmp/head
http() {
	want=$1 what=$2; shift 3
	nreq=$((nreq + 1))
	got=$(curl -s -D "$tmp/head" -o "$tmp/out" -w '%{http_code}' "$@")
	if [ "$got" = "$want" ]; then ok; else ko "$what: HTTP $got, want $want"; head -c 300 "$tmp/out" | sed 's/^/  | /'; fi
}
# json FILE EXPR DESCRIPTION: the Python expression over d (FILE's JSON) holds
json() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2> /dev/null
	then ok; else ko "$3: not ($2)"; head -c 300 "$1" | sed 's/^/  | /'; echo; fi
}
J='Content-Type: application/json'
T='Content-Type: text/plain'

start "$tmp/log" -j 2
nreq=0
S=$url/v1/models/default/suggest

# --- health, the page
http 200 "health" -- "$url/health"
json "$tmp/out" 'd["status"] == "ok" and d["models"] == 1' "health body"
http 200 "HEAD health" -- -I "$url/health"
http 200 "the page" -- "$url/"
contains "$tmp/head" "text/html" "the page is HTML"
contains "$tmp/out" "</html>" "the whole page"

# --- suggest: the tagar-classify --json bytes
http 200 "suggest text/plain" -- -H "$T" --data-binary @data/sample-article.txt "$S"
"$classify" --json data/sample-article.txt > "$tmp/want"
if cmp -s "$tmp/out" "$tmp/want"; then ok; else ko "suggest answers tagar-classify --json's bytes"; fi
http 200 "suggest JSON" -- -H "$T; charset=utf-8" --data-binary @data/sample-article.txt "$S"
python3 -c 'import json,sys; t=open(sys.argv[1]).read().split("\n",1); print(json.dumps({"id":"a1","title":t[0],"text":t[1]}))' \
	data/sample-article.txt > "$tmp/article.json"
http 200 "suggest JSON" -- -H "$J" --data-binary @"$tmp/article.json" "$S"
json "$tmp/out" 'd["id"] == "a1" and [t["tag"] for t in d["tags"]] == ["ASN", "Kemendagri", "pemda"]' "JSON article tagged"
http 200 "limit" -- -H "$J" --data-binary @"$tmp/article.json" "$S?limit=1"
json "$tmp/out" 'len(d["tags"]) == 1' "limit=1: one tag"
http 200 "threshold, all, explain" -- -H "$J" --data-binary @"$tmp/article.json" "$S?threshold=0.99&all=true&explain=3"
json "$tmp/out" 'all(t["score"] >= 0.99 for t in d["tags"]) and len(d["scores"]) == 29 and len(d["tags"][0]["explain"]) == 3' \
	"threshold, all scores, explain"
printf '{"title": "Banjir", "text": "BNPB \\u0000 banjir \377 rob"}\n' > "$tmp/odd.json"
http 200 "NUL escape and invalid UTF-8" -- -H "$J" --data-binary @"$tmp/odd.json" "$S"
json "$tmp/out" '"bencana" in [t["tag"] for t in d["tags"]]' "repaired article tagged"

# --- 400: the error names the problem
http 400 "bad threshold" -- -H "$J" --data-binary @"$tmp/article.json" "$S?threshold=2"
json "$tmp/out" '"threshold" in d["error"]' "error names the parameter"
http 400 "unknown parameter" -- -H "$J" --data-binary @"$tmp/article.json" "$S?top=3"
json "$tmp/out" '"top" in d["error"]' "error names the unknown parameter"
http 400 "malformed JSON" -- -H "$J" -d '{"title": "x", ' "$S"
json "$tmp/out" '"invalid JSON" in d["error"]' "malformed JSON named"
http 400 "text not a string" -- -H "$J" -d '{"title": "x", "text": 5}' "$S"
json "$tmp/out" '"\"text\"" in d["error"]' "error names the field"
http 400 "no title, no text" -- -H "$J" -d '{"id": "x"}' "$S"
json "$tmp/out" '"neither" in d["error"]' "missing fields named"
http 400 "empty text/plain" -- -H "$T" --data-binary ' ' "$S"
# --- 404, 405, 415
http 404 "unknown model" -- -H "$J" --data-binary @"$tmp/article.json" "$url/v1/models/nope/suggest"
json "$tmp/out" '"nope" in d["error"]' "unknown model named"
http 404 "unknown route" -- "$url/v2/x"
http 405 "GET suggest" -- "$S"
contains "$tmp/head" "Allow: POST" "405 says what is allowed"
http 405 "POST health" -- -d x "$url/health"
http 415 "XML body" -- -H 'Content-Type: application/xml' -d '<a/>' "$S"
json "$tmp/out" '"Content-Type" in d["error"]' "415 says why"
http 415 "batch of text" -- -H "$T" -d 'x' "$url/v1/models/default/suggest-batch"

# --- batch: order, per-document errors, the limit
python3 -c 'import json; print(json.dumps({"documents": [{"id": i, "title": ["Banjir rob", "Pajak naik", "Vaksin"][i % 3], "text": "x"} for i in range(60)]}))' \
	> "$tmp/batch.json"
http 200 "batch" -- -H "$J" --data-binary @"$tmp/batch.json" "$url/v1/models/default/suggest-batch"
json "$tmp/out" '[r["id"] for r in d["results"]] == list(range(60))' "batch answers in order"
json "$tmp/out" 'd["results"][0]["tags"][0]["tag"] == "bencana" and d["results"][1]["tags"][0]["tag"] == "pajak"' "batch tagged"
http 200 "batch with bad documents" -- -H "$J" \
	-d '{"documents": [{"id": "a", "text": "pajak naik"}, {"id": "b"}, 7, {"id": "d", "text": "vaksin"}]}' \
	"$url/v1/models/default/suggest-batch"
json "$tmp/out" 'len(d["results"]) == 4 and "tags" in d["results"][0] and d["results"][1]["id"] == "b" and "error" in d["results"][1] and "error" in d["results"][2] and "tags" in d["results"][3]' \
	"a bad document gets its own error entry, the others are tagged"
python3 -c 'import json; print(json.dumps({"documents": [{"text": "x"}] * 1001}))' > "$tmp/big.json"
http 400 "batch over the limit" -- -H "$J" --data-binary @"$tmp/big.json" "$url/v1/models/default/suggest-batch"
json "$tmp/out" '"1000" in d["error"]' "batch limit named"
http 400 "batch without documents" -- -H "$J" -d '{"docs": []}' "$url/v1/models/default/suggest-batch"
json "$tmp/out" '"documents" in d["error"]' "missing documents named"

# --- Annif's alias
http 200 "Annif suggest (form)" -- --data-urlencode 'text=Presiden melantik menteri di Istana' -d limit=3 \
	"$url/v1/projects/default/suggest"
json "$tmp/out" 'len(d["results"]) == 3 and d["results"][0]["label"] == "Presiden" and 0 < d["results"][0]["score"] <= 1' \
	"Annif results"
http 200 "Annif suggest (multipart)" -- -F 'text=Vaksinasi covid di puskesmas' -F threshold=0.5 \
	"$url/v1/projects/default/suggest"
json "$tmp/out" '[r["label"] for r in d["results"]][0] == "vaksinasi" and all(r["score"] >= 0.5 for r in d["results"])' \
	"Annif multipart, threshold"
http 400 "Annif without text" -- -d 'limit=3' "$url/v1/projects/default/suggest"
json "$tmp/out" '"text" in d["error"]' "missing form field named"
http 415 "Annif JSON" -- -H "$J" -d '{}' "$url/v1/projects/default/suggest"
http 200 "Annif projects" -- "$url/v1/projects"
json "$tmp/out" 'd["projects"][0]["project_id"] == "default"' "projects listed"

# --- models, metrics, the log
http 200 "models" -- "$url/v1/models"
json "$tmp/out" 'd["models"][0]["id"] == "default" and len(d["models"][0]["tags"]) == 29 and "micro_f1" in d["models"][0]["cv"]' \
	"models with tags and CV figures"
http 200 "one model" -- "$url/v1/models/default"
json "$tmp/out" 'd["id"] == "default"' "one model's entry"
http 404 "one unknown model" -- "$url/v1/models/x"
http 200 "metrics" -- "$url/metrics"
contains "$tmp/out" 'tagar_http_requests_total{route="suggest",code="200"}' "requests by route and status"
contains "$tmp/out" 'tagar_http_errors_total{route="suggest",code="400"}' "errors by route and status"
contains "$tmp/out" 'tagar_http_request_duration_seconds_bucket{route="suggest",le="+Inf"}' "latency histogram"
contains "$tmp/out" 'tagar_articles_tagged_total{model="default"}' "articles per model"
contains "$tmp/out" 'tagar_model_reloads_total{result="ok"} 0' "reloads"
contains "$tmp/log" '"method": "POST", "path": "/v1/models/default/suggest", "status": 200, "bytes": ' "request log line"
sleep 0.2  # a line is written once the answer is sent
n=$(grep -c '"status": ' "$tmp/log")
[ "$n" = "$nreq" ] && ok || ko "one log line per request: $n lines, $nreq requests"
stop

# --- limits: body and article size (413), the connection's body dropped
start "$tmp/log2" --max-body 4096 --max-bytes 2048 --timeout 1
S=$url/v1/models/default/suggest
head -c 5000 /dev/zero | tr '\0' 'a' > "$tmp/5k"
http 413 "body over --max-body" -- -H "$T" --data-binary @"$tmp/5k" "$S"
json "$tmp/out" '"max-body" in d["error"]' "413 names the limit"
http 413 "chunked body over --max-body" -- -H "$T" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/5k" "$S"
head -c 3000 "$tmp/5k" > "$tmp/3k"
http 413 "article over --max-bytes" -- -H "$T" --data-binary @"$tmp/3k" "$S"
json "$tmp/out" '"max-bytes" in d["error"]' "413 names --max-bytes"
printf '{"documents": [{"id": 1, "text": "%s"}, {"id": 2, "text": "pajak"}]}' "$(cat "$tmp/3k")" > "$tmp/b3k.json"
http 200 "batch document over --max-bytes" -- -H "$J" --data-binary @"$tmp/b3k.json" "$url/v1/models/default/suggest-batch"
json "$tmp/out" '"max-bytes" in d["results"][0]["error"] and "tags" in d["results"][1]' "only that document refused"
http 413 "Annif text over --max-bytes" -- --data-urlencode "text@$tmp/3k" "$url/v1/projects/default/suggest"
# the limit is on what is tagged: each invalid byte becomes U+FFFD's three
head -c 1000 /dev/zero | tr '\0' '\377' > "$tmp/bad1k"
http 413 "invalid UTF-8 repaired over --max-bytes" -- -H "$T" --data-binary @"$tmp/bad1k" "$S"
head -c 300 "$tmp/bad1k" > "$tmp/bad300"
http 200 "invalid UTF-8 in a form, repaired within --max-bytes" -- --data-urlencode "text@$tmp/bad300" \
	"$url/v1/projects/default/suggest"
# a body trickled in, a byte every 0.2 s, is cut off after --timeout (1 s),
# though the connection is never idle that long
python3 - "$port" > "$tmp/out" 2>&1 << 'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /v1/models/default/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
          b"Content-Length: 1000\r\n\r\n")
t0 = time.time()
try:
    while time.time() - t0 < 6:
        s.sendall(b"a")
        time.sleep(0.2)
    print("still open after 6 s")
except OSError:
    print("closed after %.1f s" % (time.time() - t0))
EOF
contains "$tmp/out" "closed after" "a trickled body is cut off after --timeout"
http 200 "still serving" -- "$url/health"
stop

# --- two models, a token
printf 's3cret\n' > "$tmp/token"
"$train" -q -o "$tmp/sample.tgm" data/sample.jsonl || ko "train the sample model"
start "$tmp/log3" -m default=models/default.tgm -m "$tmp/sample.tgm" --token-file "$tmp/token"
http 401 "no token" -- "$url/v1/models"
contains "$tmp/head" "WWW-Authenticate: Bearer" "401 says which scheme"
http 401 "wrong token" -- -H 'Authorization: Bearer s3cre' "$url/v1/models"
http 200 "token" -- -H 'Authorization: Bearer s3cret' "$url/v1/models"
json "$tmp/out" '[m["id"] for m in d["models"]] == ["default", "sample"]' "both models listed"
http 200 "second model" -- -H 'Authorization: Bearer s3cret' -H "$T" --data-binary @data/sample-article.txt \
	"$url/v1/models/sample/suggest"
http 401 "metrics need the token" -- "$url/metrics"
http 200 "health needs none" -- "$url/health"
stop

# --- reload under requests: none fails; a bad file is refused
cp models/default.tgm "$tmp/m.tgm"
start "$tmp/log4" -m "live=$tmp/m.tgm" -j 2 --quiet
S=$url/v1/models/live/suggest
(
	fails=0
	for i in $(seq 200); do
		c=$(curl -s -o /dev/null -w '%{http_code}' -H "$T" --data-binary @data/sample-article.txt "$S")
		[ "$c" = 200 ] || fails=$((fails + 1))
	done
	echo $fails > "$tmp/fails"
) &
loop=$!
# reload N: one more SIGHUP, and wait for the Nth reload's log line (signals
# that arrive during a reload would count once)
reload() {
	kill -HUP $pid
	for _ in $(seq 300); do
		[ "$(grep -c "reload: model 'live' loaded" "$tmp/log4")" -ge "$1" ] && return
		sleep 0.05
	done
}
for i in 1 2 3 4 5 6 7 8 9 10; do
	cp "$tmp/sample.tgm" "$tmp/m.new" && mv "$tmp/m.new" "$tmp/m.tgm"
	reload $((2 * i - 1))
	cp models/default.tgm "$tmp/m.new" && mv "$tmp/m.new" "$tmp/m.tgm"
	reload $((2 * i))
	sleep 0.05  # spread over the requests' run
done
wait $loop
[ "$(cat "$tmp/fails")" = 0 ] && ok || ko "requests failed during reloads: $(cat "$tmp/fails") of 200"
http 200 "metrics after reloads" -- "$url/metrics"
contains "$tmp/out" 'tagar_model_reloads_total{result="ok"} 20' "20 reloads counted"
contains "$tmp/out" 'tagar_articles_tagged_total{model="live"} 200' "every article counted"
head -c 3000 models/default.tgm > "$tmp/m.new" && mv "$tmp/m.new" "$tmp/m.tgm"
kill -HUP $pid
sleep 0.5
contains "$tmp/log4" "reload: model 'live' refused, the loaded one stays" "a bad file is refused with a log line"
http 200 "the old model serves on" -- -H "$T" --data-binary @data/sample-article.txt "$S"
json "$tmp/out" '[t["tag"] for t in d["tags"]] == ["ASN", "Kemendagri", "pemda"]' "the old model's tags"
http 200 "metrics after a refused reload" -- "$url/metrics"
contains "$tmp/out" 'tagar_model_reloads_total{result="failed"} 1' "the refused reload counted"

# --- SIGTERM: the request in flight is answered, then the server exits
python3 -c 'import json; print(json.dumps({"documents": [{"text": "Presiden " * 3000}] * 300}))' > "$tmp/slow.json"
curl -s -o "$tmp/slow" -w '%{http_code}' -H "$J" --data-binary @"$tmp/slow.json" \
	"$url/v1/models/live/suggest-batch" > "$tmp/slowcode" &
client=$!
sleep 0.3
stop
wait $client
[ "$(cat "$tmp/slowcode")" = 200 ] && ok || ko "request in flight at SIGTERM: HTTP $(cat "$tmp/slowcode")"
json "$tmp/slow" 'len(d["results"]) == 300' "the whole answer"
contains "$tmp/log4" "tagar-serve: stopped" "stopped after the request"

# --- installed: the program, its manual, the systemd unit
expect 0 "make install DESTDIR" -- make -s install DESTDIR="$tmp/root" PREFIX=/usr
for f in usr/bin/tagar-serve usr/share/man/man1/tagar-serve.1 usr/share/tagar/tagar-serve.service; do
	[ -f "$tmp/root/$f" ] && ok || ko "installed $f"
done

# --- the OpenAPI file describes every route (when python3 can read YAML)
if python3 -c 'import yaml' 2> /dev/null; then
	python3 - serve/openapi.yaml > "$tmp/out" 2>&1 << 'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
want = {"/", "/health", "/metrics", "/v1/models", "/v1/models/{id}", "/v1/models/{id}/suggest",
        "/v1/models/{id}/suggest-batch", "/v1/projects", "/v1/projects/{id}", "/v1/projects/{id}/suggest"}
assert d["openapi"].startswith("3."), d["openapi"]
assert set(d["paths"]) == want, set(d["paths"]) ^ want
EOF
	[ $? -eq 0 ] && ok || { ko "serve/openapi.yaml"; sed 's/^/  | /' "$tmp/out" | tail -3; }
else
	echo "serve: python3-yaml not installed: the OpenAPI file's check skipped"
fi

# --- usage and start-up errors
expect 2 "unknown option" -- "$serve" --bogus
expect 2 "bad --threads" -- "$serve" -j 0
expect 3 "bad model id" -- "$serve" -m 'a b=models/default.tgm'
contains "$tmp/err" "invalid model 'a b=models/default.tgm'" "bad id named"
expect 3 "missing model" -- "$serve" -m "x=$tmp/none.tgm"
contains "$tmp/err" "none.tgm" "missing model named"
expect 3 "bad address" -- "$serve" -l 'nowhere.invalid:80'
expect 3 "port out of range" -- "$serve" -l 127.0.0.1:99999
contains "$tmp/err" "PORT from 0 to 65535" "bad port named"
expect 0 "--help" -- "$serve" --help
contains "$tmp/out" "--listen" "help lists --listen"

finish
