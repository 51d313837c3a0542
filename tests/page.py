#!/usr/bin/python3
"""tagar-serve's page in a real browser: headless Chromium driven by
chromedriver over WebDriver's HTTP protocol (the standard library's
urllib only).  Pastes an article, checks that tags with score bars appear,
that choosing a tag (by mouse and by keyboard) highlights its words, that
the page fits a phone's width, and saves a screenshot.

Usage: tests/page.py SERVER-URL ARTICLE SCREENSHOT.png
Prints one line per failed check and "page: N passed, N failed"."""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


class Driver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=en"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        if method == "POST" and data is None:
            data = b"{}"
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        found = self.s("POST", "/elements", {"using": "css selector", "value": css})
        return [e[ELEMENT] for e in found]

    def wait(self, css, seconds=20):
        end = time.time() + seconds
        while time.time() < end:
            found = self.find(css)
            if found:
                return found
            time.sleep(0.1)
        return []

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(d, url, article, shot):
    d.s("POST", "/url", {"url": url})
    check(d.wait("#model option"), "the model list is filled")
    text = d.find("#text")[0]
    d.s("POST", "/element/%s/value" % text, {"text": article})
    d.s("POST", "/element/%s/click" % d.find("#go")[0])
    tags = d.wait(".tag")
    names = d.js("return [...document.querySelectorAll('.tag .name')].map(e => e.textContent)")
    check(names[:3] == ["ASN", "Kemendagri", "pemda"], "the article's tags: %s" % names)
    # each bar drawn as wide as its score
    bars = d.js("return [...document.querySelectorAll('.tag')].map(b => "
                "b.querySelector('.fill').getBoundingClientRect().width / "
                "b.querySelector('.track').getBoundingClientRect().width)")
    check(len(bars) == 3 and bars[0] > 0.99 and 0.9 < bars[2] < 0.99, "score bars: %s" % bars)
    marks = d.js("return [...document.querySelectorAll('#article mark')].map(e => e.textContent.toLowerCase())")
    check("cpns" in marks and "seleksi" in marks, "the first tag's words highlighted: %s" % marks[:12])
    check(d.js("return document.querySelector('.tag').getAttribute('aria-pressed')") == "true",
          "the first tag is shown as chosen")
    # the keyboard: focus the second tag and press Enter
    d.js("document.querySelectorAll('.tag')[1].focus()")
    d.s("POST", "/element/%s/value" % tags[1], {"text": "\ue007"})
    marks = d.js("return [...document.querySelectorAll('#article mark')].map(e => e.textContent.toLowerCase())")
    check("kemendagri" in marks and "cpns" not in marks, "Enter on a tag highlights its words: %s" % marks[:12])
    why = d.js("return document.getElementById('why').textContent")
    check("Why Kemendagri" in why, "the chosen tag's terms are listed")
    check(d.js("return document.getElementById('status').getAttribute('aria-live')") == "polite",
          "results are announced")
    png = base64.b64decode(d.s("GET", "/screenshot"))
    with open(shot, "wb") as f:
        f.write(png)
    check(png[:8] == b"\x89PNG\r\n\x1a\n", "a screenshot")
    # a phone's width: nothing wider than the screen
    d.s("POST", "/window/rect", {"width": 390, "height": 844})
    time.sleep(0.3)
    check(d.js("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
          "the page fits a phone's width")


def main():
    url, article_path, shot = sys.argv[1:4]
    with open(article_path, encoding="utf-8") as f:
        article = f.read()
    port = free_port()
    drv = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    d = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/status" % port, timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        d = Driver(port)
        run(d, url, article, shot)
    except Exception as e:  # a broken session is one failure, said plainly
        check(False, "browser session: %r" % e)
    finally:
        if d:
            d.quit()
        drv.terminate()
        drv.wait()
    print("page: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
