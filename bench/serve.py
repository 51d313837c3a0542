#!/usr/bin/python3
"""tagar-serve under load with wrk (Debian's wrk): POST /v1/models/default/suggest
with a 3 KB article (bench/serve-article.txt, written for this benchmark), the
default model, at 1, 8, 64 and 256 connections: requests/s, p50 and p99
latency, errors.  Beside it, the ceiling: tagar-classify's batch articles/s
on the same article.  Then a reload under load (SIGHUP every 0.25 s while
wrk runs: no request may fail), and with --soak SECONDS the server's
resident memory sampled over a long run at 64 connections.

    /usr/bin/python3 bench/serve.py [--seconds 10] [--connections 1,8,64,256]
        [--threads N] [--soak 600] [--bin bin]

Build first (`make`: the release build).  Prints a Markdown table; exits 1
when a run had errors."""
import argparse, json, os, re, signal, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ARTICLE = os.path.join(HERE, 'serve-article.txt')

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
local f = assert(io.open(os.getenv("TAGAR_ARTICLE"), "rb"))
wrk.body = f:read("*a")
f:close()
"""


def start_server(binary, threads, log):
    p = subprocess.Popen([binary, '-l', '127.0.0.1:0', '--quiet', '-j', str(threads)],
                         stderr=open(log, 'w'))
    for _ in range(200):
        m = re.search(r'listening on 127\.0\.0\.1:(\d+),', open(log).read())
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
        time.sleep(0.05)
    sys.exit('tagar-serve did not start: ' + open(log).read())


def seconds(value, unit):
    return float(value) * {'us': 1e-6, 'ms': 1e-3, 's': 1.0, 'm': 60.0}[unit]


def wrk(url, lua, conns, secs):
    """wrk's figures: requests/s, p50 and p99 (ms), requests, errors."""
    cmd = ['wrk', '-t', str(min(2, conns)), '-c', str(conns), '-d', '%ds' % secs, '--latency',
           '--timeout', '5s', '-s', lua, url]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         env=dict(os.environ, TAGAR_ARTICLE=ARTICLE)).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    pct = {p: seconds(v, u) * 1000 for p, v, u in re.findall(r'^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$', out, re.M)}
    total = int(re.search(r'(\d+) requests in', out).group(1))
    errors = sum(int(n) for n in re.findall(r'(?:connect|read|write|timeout) (\d+)', out))
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {'connections': conns, 'rps': rps, 'p50_ms': pct.get('50'), 'p99_ms': pct.get('99'),
            'requests': total, 'errors': errors}


def classify_ceiling(bindir, threads, n=20000):
    """tagar-classify --batch on n copies of the article: articles/s."""
    title, _, text = open(ARTICLE, encoding='utf-8').read().partition('\n')
    line = json.dumps({'title': title, 'text': text.strip()}, ensure_ascii=False) + '\n'
    with tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False, encoding='utf-8') as f:
        f.write(line * n)
    try:
        t0 = time.perf_counter()
        subprocess.run([os.path.join(bindir, 'tagar-classify'), '-b', '-j', str(threads), f.name],
                       stdout=subprocess.DEVNULL, check=True)
        return n / (time.perf_counter() - t0)
    finally:
        os.unlink(f.name)


def rss_kb(pid):
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    return 0


def reload_under_load(server, url, lua, secs):
    """wrk at 64 connections while SIGHUP reloads the model every 0.25 s."""
    stop = threading.Event()
    reloads = [0]

    def hup():
        while not stop.wait(0.25):
            server.send_signal(signal.SIGHUP)
            reloads[0] += 1
    t = threading.Thread(target=hup)
    t.start()
    r = wrk(url, lua, 64, secs)
    stop.set()
    t.join()
    r['reloads'] = reloads[0]
    return r


def soak(server, url, lua, secs):
    """wrk at 64 connections for secs seconds; the server's RSS every 10 s."""
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(10):
            samples.append(rss_kb(server.pid))
    t = threading.Thread(target=sample)
    t.start()
    r = wrk(url, lua, 64, secs)
    stop.set()
    t.join()
    r['rss_kb'] = samples
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--connections', default='1,8,64,256')
    ap.add_argument('--threads', type=int, default=os.cpu_count())
    ap.add_argument('--soak', type=int, default=0, help='seconds of the memory soak (0: none)')
    ap.add_argument('--bin', default=os.path.join(ROOT, 'bin'))
    a = ap.parse_args()
    log = tempfile.mktemp(suffix='.log')
    lua = tempfile.mktemp(suffix='.lua')
    open(lua, 'w').write(LUA)
    server, port = start_server(os.path.join(a.bin, 'tagar-serve'), a.threads, log)
    url = 'http://127.0.0.1:%d/v1/models/default/suggest' % port
    bad = 0
    try:
        wrk(url, lua, 8, 2)  # warm-up: classifiers made, pages touched
        print('| connections | requests/s | p50 ms | p99 ms | requests | errors |')
        print('|---:|---:|---:|---:|---:|---:|')
        for c in [int(x) for x in a.connections.split(',')]:
            r = wrk(url, lua, c, a.seconds)
            bad += r['errors']
            print('| %d | %.0f | %.2f | %.2f | %d | %d |' % (c, r['rps'], r['p50_ms'], r['p99_ms'],
                                                          r['requests'], r['errors']), flush=True)
        r = reload_under_load(server, url, lua, a.seconds)
        bad += r['errors']
        print('\nreload under load (64 connections, %d SIGHUPs in %d s): %.0f requests/s, %d requests, '
              '%d errors' % (r['reloads'], a.seconds, r['rps'], r['requests'], r['errors']))
        if a.soak:
            start = rss_kb(server.pid)
            r = soak(server, url, lua, a.soak)
            bad += r['errors']
            s = r['rss_kb']
            print('soak (64 connections, %d s): %.0f requests/s, %d requests, %d errors; RSS at start %d KB, '
                  'after %d s %d KB, largest %d KB, at the end %d KB' % (a.soak, r['rps'], r['requests'],
                  r['errors'], start, 10 * min(len(s), 6), s[min(len(s), 6) - 1] if s else 0,
                  max(s) if s else 0, s[-1] if s else 0))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
        os.unlink(lua)
        os.unlink(log)
    ceiling = classify_ceiling(a.bin, a.threads)
    print('\ntagar-classify --batch -j %d, the same article: %.0f articles/s' % (a.threads, ceiling))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
