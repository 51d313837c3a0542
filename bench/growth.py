#!/usr/bin/python3
"""How tagar's cost grows: training time and memory against corpus size
(1x to 16x the reuters set, sampled with replacement), classification time
and memory against article length.  Writes bench/growth.md (tables) and
bench/growth.png (plots; needs python3-matplotlib).

    /usr/bin/python3 bench/growth.py [--max-scale 16]
"""
import argparse, json, os, random, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get('TAGAR_SHARED', os.path.join(ROOT, '..', 'shared'))
BIN = os.path.join(ROOT, 'bin')


def run(cmd):
    """Wall seconds and peak RSS (MiB) of one command."""
    with tempfile.NamedTemporaryFile('r') as f:
        t = time.perf_counter()
        subprocess.run(['/usr/bin/time', '-f', '%M', '-o', f.name] + cmd, check=True, capture_output=True)
        return time.perf_counter() - t, int(f.read().split()[-1]) / 1024


def training_growth(work, scales):
    lines = [l for l in open(os.path.join(SHARED, 'data', 'reuters', 'train.jsonl'), encoding='utf-8') if l.strip()]
    rng = random.Random(1)
    rows = []
    for k in scales:
        p = os.path.join(work, 'r%d.jsonl' % k)
        with open(p, 'w', encoding='utf-8') as f:
            for _ in range(len(lines) * k):
                f.write(rng.choice(lines))
        secs, rss = run([os.path.join(BIN, 'tagar-train'), '-q', '-o', os.path.join(work, 'm.tgm'), p])
        rows.append(dict(scale=k, documents=len(lines) * k, mb=os.path.getsize(p) / 1e6, train_s=secs, rss_mib=rss))
        os.unlink(p)
        print(json.dumps(rows[-1]), flush=True)
    return rows


def classify_growth(work, sizes):
    texts = [json.loads(l)['text'] for l in open(os.path.join(SHARED, 'data', 'govtags', 'train.jsonl'), encoding='utf-8')]
    blob = '\n'.join(texts)
    model = os.path.join(ROOT, 'models', 'default.tgm')
    rows = []
    for n in sizes:
        art = (blob * (n // len(blob) + 1))[:n]
        p = os.path.join(work, 'a.txt')
        with open(p, 'w', encoding='utf-8') as f:
            f.write('Judul\n' + art)
        best = min(run([os.path.join(BIN, 'tagar-classify'), '-m', model, p]) for _ in range(5))
        rows.append(dict(article_bytes=n, seconds=best[0], rss_mib=best[1]))
        print(json.dumps(rows[-1]), flush=True)
    return rows


def write_md(train, cls):
    with open(os.path.join(HERE, 'growth.md'), 'w') as f:
        f.write('| reuters scale | documents | MB | train s | peak RSS MiB |\n|---:|---:|---:|---:|---:|\n')
        for r in train:
            f.write('| %dx | %d | %.1f | %.2f | %.1f |\n' % (r['scale'], r['documents'], r['mb'], r['train_s'], r['rss_mib']))
        f.write('\n| article bytes | process start to tags, s | peak RSS MiB |\n|---:|---:|---:|\n')
        for r in cls:
            f.write('| %d | %.4f | %.1f |\n' % (r['article_bytes'], r['seconds'], r['rss_mib']))


def plot(train, cls):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    x = [r['documents'] for r in train]
    ax[0].plot(x, [r['train_s'] for r in train], 'o-', label='train seconds')
    ax[0].set_xscale('log'); ax[0].set_yscale('log')
    ax[0].set_xlabel('training documents (reuters, resampled)'); ax[0].set_ylabel('seconds')
    a2 = ax[0].twinx(); a2.plot(x, [r['rss_mib'] for r in train], 's--', color='gray', label='peak RSS MiB')
    a2.set_ylabel('peak RSS MiB')
    ax[0].set_title('tagar-train: time and memory vs corpus size')
    y = [r['article_bytes'] for r in cls]
    ax[1].plot(y, [r['seconds'] * 1000 for r in cls], 'o-')
    ax[1].set_xscale('log'); ax[1].set_yscale('log')
    ax[1].set_xlabel('article bytes'); ax[1].set_ylabel('ms, process start to tags')
    b2 = ax[1].twinx(); b2.plot(y, [r['rss_mib'] for r in cls], 's--', color='gray'); b2.set_ylabel('peak RSS MiB')
    ax[1].set_title('tagar-classify: one article, time and memory vs length')
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, 'growth.png'), dpi=90)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--max-scale', type=int, default=16)
    a = ap.parse_args()
    scales = [k for k in (1, 2, 4, 8, 16) if k <= a.max_scale]
    with tempfile.TemporaryDirectory() as work:
        train = training_growth(work, scales)
        cls = classify_growth(work, [1000, 10000, 100000, 1000000, 10000000])
    write_md(train, cls)
    plot(train, cls)
    return 0


if __name__ == '__main__':
    sys.exit(main())
