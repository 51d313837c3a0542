#!/usr/bin/env python3
"""tests/feedserver.py - the local HTTP server tagar-feeds' tests and
benchmark fetch from: fixture feeds made from the project's own sample
articles (data/sample.jsonl) and the faults a feed poller meets.

Usage: tests/feedserver.py PORTFILE [--root DIR]
Listens on 127.0.0.1 on a free port, writes the port to PORTFILE once it
accepts connections, and serves until killed.

Paths:
  /feed/N.xml?items=K&delay=S  RSS 2.0, K items (default 5) of feed N, after S s;
                               ETag and Last-Modified, 304 when they match
  /atom/N.xml                  the same as Atom 1.0
  /etag.xml                    a feed with validators (304 on a match)
  /changing.xml                items that change between runs: /control?changing=V
  /gzip.xml                    gzip-encoded when the client accepts it
  /badutf8.xml                 a stray Windows-1252 byte in a feed that says UTF-8
  /error500.xml, /slow.xml (5 s), /loop (redirect loop), /redirect.xml (301 to
  /feed/1.xml), /truncated.xml (Content-Length longer than the body),
  /big.xml (about 2.5 MB), /page.html, /invalid.xml, /missing.xml (404)
  /feeds.opml                  OPML listing all of the above (nested outlines)
  /bench.opml?feeds=N&items=K  OPML of N feeds of K items
  /stats                       JSON: requests per path, 304s, gzip answers,
                               If-None-Match headers seen
"""
import email.utils
import gzip
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLES = []
with open(os.path.join(ROOT, "data", "sample.jsonl"), encoding="utf-8") as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            ARTICLES.append((r["title"], r["text"]))

LOCK = threading.Lock()
STATS = {"requests": {}, "not_modified": {}, "gzip": 0, "if_none_match": {}}
STATE = {"changing": 1}
CACHE = {}
BASE_TIME = 1767225600  # 2026-01-01T00:00:00Z: dates are fixed, so runs repeat


def count(kind, key):
    with LOCK:
        STATS[kind][key] = STATS[kind].get(key, 0) + 1


def item_xml(feed, i, title, text, atom=False):
    when = BASE_TIME + (hash_int(str(feed)) % 1000) * 3600 + i * 60
    guid = "tagar-test:%s:%d" % (feed, i)
    link = "http://news.test/%s/%d" % (feed, i)
    if atom:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
        return ("<entry><id>%s</id><title>%s</title><link href=\"%s\"/><updated>%s</updated>"
                "<content type=\"html\">%s</content></entry>\n"
                % (escape(guid), escape(title), escape(link), stamp, escape("<p>" + text + "</p>")))
    return ("<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">%s</guid>"
            "<pubDate>%s</pubDate><description>%s</description></item>\n"
            % (escape(title), escape(link), escape(guid), email.utils.formatdate(when, usegmt=True),
               escape("<p>" + text.replace("\n", "</p><p>") + "</p>")))


def rss(feed, items, atom=False):
    body = "".join(item_xml(feed, i, *items[i]) if not atom else item_xml(feed, i, *items[i], atom=True)
                   for i in range(len(items)))
    if atom:
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                "<title>Test %s</title><id>urn:test:%s</id>\n%s</feed>\n" % (feed, feed, body))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Test feed %s</title>"
            "<link>http://news.test/%s</link><description>fixture</description>\n%s</channel></rss>\n"
            % (feed, feed, body))


def articles(feed, k):
    n = len(ARTICLES)
    start = (hash_int(str(feed)) % n)
    return [ARTICLES[(start + i) % n] for i in range(k)]


def hash_int(s):
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def changing_items():
    v = STATE["changing"]
    a = ARTICLES
    if v == 1:
        return [a[0], a[1]]
    # item 1 edited, item 2 new
    return [a[0], (a[1][0] + " (diperbarui)", a[1][1] + "\nPembaruan: pemerintah menambah penjelasan."), a[2]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", ctype="application/rss+xml; charset=utf-8", headers=None, length=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def conditional(self, key, body, ctype="application/rss+xml; charset=utf-8"):
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        modified = email.utils.formatdate(BASE_TIME, usegmt=True)
        inm = self.headers.get("If-None-Match")
        if inm:
            count("if_none_match", key)
        if inm == etag or (not inm and self.headers.get("If-Modified-Since") == modified):
            count("not_modified", key)
            self.send(304, b"", ctype, {"ETag": etag, "Last-Modified": modified}, length=0)
            return
        self.send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        p = u.path
        count("requests", p)
        port = self.server.server_address[1]
        base = "http://127.0.0.1:%d" % port
        if p.startswith("/feed/") or p.startswith("/atom/"):
            feed = p.split("/")[-1].split(".")[0]
            if float(q.get("delay", 0)) > 0:
                time.sleep(float(q["delay"]))
            key = p + "?items=" + q.get("items", "5")
            with LOCK:
                body = CACHE.get(key)
            if body is None:  # made once: the benchmark measures tagar-feeds, not this server
                body = rss(feed, articles(feed, int(q.get("items", 5))), atom=p.startswith("/atom/")).encode()
                with LOCK:
                    CACHE[key] = body
            return self.conditional(p + "?" + u.query, body)
        if p == "/etag.xml":
            return self.conditional(p, rss("etag", articles("etag", 3)).encode())
        if p == "/changing.xml":
            return self.send(200, rss("changing", changing_items()).encode())
        if p == "/gzip.xml":
            body = rss("gzip", articles("gzip", 4)).encode()
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                with LOCK:
                    STATS["gzip"] += 1
                return self.send(200, gzip.compress(body), headers={"Content-Encoding": "gzip"})
            return self.send(200, body)
        if p == "/badutf8.xml":  # one Windows-1252 quote in a feed that says UTF-8
            body = rss("badutf8", articles("badutf8", 2)).encode().replace(b"<title>", b"<title>\x93", 1)
            return self.send(200, body)
        if p == "/error500.xml":
            return self.send(500, b"internal error", "text/plain")
        if p == "/missing.xml":
            return self.send(404, b"not found", "text/plain")
        if p == "/slow.xml":
            time.sleep(5)
            return self.send(200, rss("slow", articles("slow", 2)).encode())
        if p in ("/loop", "/loop2"):
            return self.send(302, b"", "text/plain", {"Location": base + ("/loop2" if p == "/loop" else "/loop")})
        if p == "/redirect.xml":
            return self.send(301, b"", "text/plain", {"Location": base + "/feed/1.xml"})
        if p == "/truncated.xml":
            body = rss("truncated", articles("truncated", 3)).encode()
            self.send(200, body[: len(body) // 2], length=len(body))
            self.close_connection = True
            return
        if p == "/big.xml":
            items = articles("big", 40) * 60  # about 2.5 MB
            return self.send(200, rss("big", items).encode())
        if p == "/page.html":
            return self.send(200, b"<!DOCTYPE html><html><head><title>Berita</title></head><body><h1>Berita</h1>"
                             b"<p>Ini halaman, bukan feed.</p></body></html>", "text/html; charset=utf-8")
        if p == "/invalid.xml":
            return self.send(200, b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title>"
                             b"<item><title>Tanpa penutup</item></channel></rss>")
        if p == "/feeds.opml":
            return self.send(200, opml(base).encode(), "text/x-opml; charset=utf-8")
        if p == "/bench.opml":
            n, k = int(q.get("feeds", 200)), int(q.get("items", 50))
            outlines = "".join('<outline type="rss" text="Bench %d" xmlUrl="%s/feed/b%d.xml?items=%d"/>\n'
                               % (i, base, i, k) for i in range(n))
            return self.send(200, ('<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head>'
                                   '<body>%s</body></opml>' % outlines).encode(), "text/x-opml")
        if p == "/control":
            STATE["changing"] = int(q.get("changing", STATE["changing"]))
            return self.send(200, b"ok", "text/plain")
        if p == "/stats":
            with LOCK:
                return self.send(200, json.dumps(STATS).encode(), "application/json")
        return self.send(404, b"no such fixture", "text/plain")

    do_HEAD = do_GET


def opml(base):
    good = ["/feed/1.xml", "/feed/2.xml", "/atom/3.xml", "/etag.xml", "/changing.xml", "/gzip.xml",
            "/redirect.xml"]
    bad = ["/error500.xml", "/slow.xml", "/loop", "/truncated.xml", "/big.xml", "/page.html",
           "/invalid.xml", "/missing.xml"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0"><head><title>tagar tests</title></head><body>',
           '<outline text="Nasional" title="Nasional">']
    out += ['<outline type="rss" text="Good %s" xmlUrl="%s%s"/>' % (p, base, p) for p in good]
    out.append('</outline><outline text="Faults">')
    out += ['<outline type="rss" text="Bad %s" category="faults" xmlUrl="%s%s"/>' % (p, base, p) for p in bad]
    out.append('</outline></body></opml>')
    return "\n".join(out) + "\n"


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 drops connections a parallel poll opens at once
    daemon_threads = True


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
