#!/usr/bin/python3
"""tagar-feeds' throughput and memory on local feeds.

Serves N feeds of K items each from tests/feedserver.py on 127.0.0.1 (the
items are the project's sample articles, data/sample.jsonl; the bodies are
made once, so the server costs little), and runs tagar-feeds on them into a
fresh archive, on all cores: feeds/s and items/s over the whole run, where
the time goes (the summary's fetch, parse, tag and store seconds), and the
peak resident memory (wait4's ru_maxrss) for each N, which should stay flat
as N grows.  A second run over the same archive (every feed answers 304)
shows what a poll with nothing new costs.

    /usr/bin/python3 bench/feeds.py [--feeds 50,100,200,400] [--items 50] [--runs 3]
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FEEDS = os.path.join(ROOT, 'bin', 'tagar-feeds')
SUMMARY = re.compile(r'(\d+) new item.*fetch ([\d.]+) s.*parse ([\d.]+) s, tag ([\d.]+) s.*store ([\d.]+) s')


def start_server(work):
    port_file = os.path.join(work, 'port')
    srv = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'feedserver.py'), port_file])
    for _ in range(100):
        if os.path.exists(port_file):
            return srv, int(open(port_file).read())
        time.sleep(0.1)
    srv.kill()
    sys.exit('feeds.py: the test server did not start')


def run(opml, db, extra):
    """One tagar-feeds run: wall seconds, peak RSS (KiB), the summary's figures."""
    t0 = time.monotonic()
    p = subprocess.Popen([FEEDS, '--db', db] + extra + [opml], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit('feeds.py: tagar-feeds failed:\n' + err)
    m = SUMMARY.search(err)
    return wall, ru.ru_maxrss, [int(m.group(1))] + [float(x) for x in m.groups()[1:]], ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--feeds', default='50,100,200,400')
    ap.add_argument('--items', type=int, default=50)
    ap.add_argument('--runs', type=int, default=3, help='runs per size (the median is shown)')
    ap.add_argument('--parallel', type=int, default=8)
    a = ap.parse_args()
    cpus = os.cpu_count()
    with tempfile.TemporaryDirectory() as work:
        srv, port = start_server(work)
        try:
            print('tagar-feeds: lists of %s local feeds of %d items, %d CPUs, --parallel %d, median of %d runs\n'
                  % (a.feeds, a.items, cpus, a.parallel, a.runs))
            print('| feeds | items | wall s | feeds/s | items/s | CPU s | fetch s | parse s | tag s | store s | peak RSS MiB | 304 run s |')
            print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
            for n in map(int, a.feeds.split(',')):
                opml = os.path.join(work, 'bench-%d.opml' % n)
                url = 'http://127.0.0.1:%d/bench.opml?feeds=%d&items=%d' % (port, n, a.items)
                with open(opml, 'wb') as f:
                    f.write(urllib.request.urlopen(url).read())
                results, again = [], []
                for r in range(a.runs):
                    db = os.path.join(work, 'a-%d-%d.db' % (n, r))
                    results.append(run(opml, db, ['--parallel', str(a.parallel)]))
                    again.append(run(opml, db, ['--parallel', str(a.parallel)])[0])
                    for suffix in ('', '-wal', '-shm'):
                        if os.path.exists(db + suffix):
                            os.remove(db + suffix)
                results.sort(key=lambda x: x[0])
                wall, rss, (items, fetch, parse, tag, store), cpu = results[len(results) // 2]
                if items != n * a.items:
                    sys.exit('feeds.py: %d items stored, want %d' % (items, n * a.items))
                print('| %d | %d | %.2f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.2f |'
                      % (n, items, wall, n / wall, items / wall, cpu, fetch, parse, tag, store, rss / 1024,
                         statistics.median(again)))
        finally:
            srv.kill()
            srv.wait()
    print('\nCPU: tagar-feeds\' user + system seconds; fetch: transfer seconds summed over the parallel transfers; parse, tag: thread seconds summed '
          'over the tagging threads; store: the store thread\'s SQLite time.')


if __name__ == '__main__':
    main()
