#!/usr/bin/python3
"""Speed, size and memory of tagar against the peers, measured in one run.

Every figure of the performance issue, side by side and as ratios:
  - single article, process start to tags printed (hyperfine, median):
    tagar vs scikit-learn's and fastText's command lines on the same article;
  - batch tagging, article text MB/s on one core, and with 2 threads (beside
    two separate processes on the halves: what the two cores give at the time);
  - training time on reuters with threshold tuning vs sklearn_tuned;
  - model size with scikit-learn's own features (word 1-2-grams, min_df 2);
  - peak memory of a batch run on a 5 MB, a 50 MB and a 1 GB stream (constant memory).
Needs: hyperfine, GNU time, python3-sklearn, fasttext (Debian packages).

    /usr/bin/python3 bench/speed.py [--runs 10] [--corpus govtags]
"""
import argparse, json, os, subprocess, sys, tempfile, statistics, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get('TAGAR_SHARED', os.path.join(ROOT, '..', 'shared'))
BIN = os.path.join(ROOT, 'bin')
sys.path.insert(0, os.path.join(SHARED, 'bench'))
sys.path.insert(0, HERE)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def hyperfine(cmds, runs, work):
    """Median seconds of each command, measured together by hyperfine."""
    out = os.path.join(work, 'hf.json')
    sh(['hyperfine', '-N', '--warmup', '3', '--runs', str(runs), '--export-json', out] + cmds)
    return [statistics.median(r['times']) for r in json.load(open(out))['results']]


def interleaved(cmds, runs):
    """Wall seconds of each command, run in turn after a warm-up of each,
    the order reversed every other round (A B C, C B A, ...): on a shared
    machine a slow spell then hits all alike, where hyperfine's
    all-A-then-all-B would put it in one side of a ratio.  Returns each
    command's list of times, round by round."""
    for cmd in cmds:
        sh(cmd)
    times = [[] for _ in cmds]
    for r in range(runs):
        order = range(len(cmds)) if r % 2 == 0 else reversed(range(len(cmds)))
        for i in order:
            t = time.perf_counter()
            subprocess.run(cmds[i], check=True, stdout=subprocess.DEVNULL)
            times[i].append(time.perf_counter() - t)
    return times


def speedup(base, other):
    """Median over rounds of base / other, each ratio taken within one round."""
    return statistics.median(b / o for b, o in zip(base, other))


def peak_rss_kib(cmd):
    with tempfile.NamedTemporaryFile('r') as f:
        sh(['/usr/bin/time', '-f', '%M', '-o', f.name] + cmd)
        return int(f.read().split()[-1])


def single_article(peers, tr, te, labels, work, runs):
    """Trains the three systems on the split; times one-article command lines."""
    pred, _, _, _, sk_size = peers.run_sklearn(tr, te, labels, work)
    peers.run_fasttext(tr, te, labels, work, 2)
    model = os.path.join(work, 'tagar.tgm')
    trf = os.path.join(work, 'train.jsonl')
    with open(trf, 'w') as f:
        for d in tr:
            f.write(json.dumps({'title': d.get('title') or '', 'text': d.get('text') or '', 'tags': d['tags']}) + '\n')
    sh([os.path.join(BIN, 'tagar-train'), '-q', '-o', model, trf])
    one = os.path.join(work, 'one.txt')  # written by run_sklearn: the first test article
    code = ("import joblib,sys;v,c,l=joblib.load(%r);x=v.transform([open(%r).read()]);"
            "print([l[j] for j in c.predict(x).nonzero()[1]])") % (os.path.join(work, 'sk.joblib'), one)
    t = hyperfine([os.path.join(BIN, 'tagar-classify') + ' -m ' + model + ' ' + one,
                   'fasttext predict-prob ' + os.path.join(work, 'ft.bin') + ' ' + os.path.join(work, 'one.ft') + ' -1 0.5',
                   '/usr/bin/python3 -c "%s"' % code], runs, work)
    return dict(tagar_s=t[0], fasttext_s=t[1], sklearn_s=t[2], x_fasttext=t[1] / t[0], x_sklearn=t[2] / t[0],
                sklearn_model_bytes=sk_size)


def sklearn_throughput(tr, te):
    """MB/s of scikit-learn's vectorize + predict on the test part, in process."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    import peers
    labels = sorted(set(t for d in tr for t in d['tags']))
    vec = TfidfVectorizer(sublinear_tf=True, strip_accents='unicode')
    X = vec.fit_transform([peers.doc(d) for d in tr])
    Y = MultiLabelBinarizer(classes=labels).fit_transform([d['tags'] for d in tr])
    clf = OneVsRestClassifier(LinearSVC()).fit(X, Y)
    docs = [peers.doc(d) for d in te] * 5
    mb = sum(len(d.encode()) for d in docs) / 1e6
    times = []
    for _ in range(3):
        t = time.perf_counter()
        clf.predict(vec.transform(docs))
        times.append(time.perf_counter() - t)
    return mb / statistics.median(times)


def batch(corpus_path, work, runs, model):
    """tagar's batch MB/s (article text bytes) on 1 and 2 threads, on ~100 MB.
    Beside them, the machine's own ceiling: two separate one-thread processes,
    each on half the input, started together; they share nothing, so their
    speed-up over one process is what two cores give at that moment (on this
    shared virtual machine, anything from 1.4 to 2.2 between minutes)."""
    big = os.path.join(work, 'big.jsonl')
    halves = [os.path.join(work, 'half%d.jsonl' % i) for i in (1, 2)]
    data = open(corpus_path, 'rb').read()
    reps = max(1, int(100e6 // len(data)))
    with open(big, 'wb') as f:
        for _ in range(reps):
            f.write(data)
    lines = (data * reps).splitlines(keepends=True)
    for i, h in enumerate(halves):
        with open(h, 'wb') as f:
            f.writelines(lines[i * len(lines) // 2:(i + 1) * len(lines) // 2])
    del lines
    recs = [json.loads(l) for l in data.decode().split('\n') if l.strip()]
    text_mb = sum(len((r.get('title') or '').encode()) + len((r.get('text') or '').encode()) for r in recs) * reps / 1e6
    c = os.path.join(BIN, 'tagar-classify')
    pair = '%s -m %s -j 1 --batch %s > /dev/null & %s -m %s -j 1 --batch %s > /dev/null; wait' % (
        c, model, halves[0], c, model, halves[1])
    t1, t2, tp = interleaved([[c, '-m', model, '-j', '1', '--batch', big],
                              [c, '-m', model, '-j', '2', '--batch', big],
                              ['sh', '-c', pair]], runs)
    for h in halves:
        os.unlink(h)
    m1, m2 = statistics.median(t1), statistics.median(t2)
    return dict(input_mb=round(len(data) * reps / 1e6, 1), text_mb=round(text_mb, 1),
                mb_s_1thread=text_mb / m1, mb_s_2threads=text_mb / m2,
                speedup_2threads=speedup(t1, t2), speedup_2threads_of_medians=m1 / m2,
                speedup_2processes=speedup(t1, tp)), big, data, reps


def memory(corpus_path):
    """Peak RSS tagging a 5 MB, a 50 MB and a 1 GB stream (the corpus repeated,
    piped in): the batch's buffers (a ring of four 256 KiB blocks per
    thread) fill within the first few MB, so equal figures for 50 MB and 1 GB
    mean constant memory."""
    c = os.path.join(BIN, 'tagar-classify')
    size = os.path.getsize(corpus_path)
    out = {}
    for target in (size, 50e6, 1e9):
        k = max(1, int(round(target / size)))
        cmd = 'for i in $(seq %d); do cat %s; done | %s --batch > /dev/null' % (k, corpus_path, c)
        out['rss_kib_%dmb' % round(k * size / 1e6)] = peak_rss_kib(['sh', '-c', cmd])
    return out


def training(runs, work):
    """reuters: tagar-train (threshold tuning, both cores) vs sklearn_tuned."""
    import peers
    corpus = os.path.join(SHARED, 'data', 'reuters', 'train.jsonl')
    tr, te = peers.load(corpus, 0.2, 1)
    trf = os.path.join(work, 'rtrain.jsonl')
    with open(trf, 'w') as f:
        for d in tr:
            f.write(json.dumps({'title': d.get('title') or '', 'text': d.get('text') or '', 'tags': d['tags']}) + '\n')
    t = hyperfine([os.path.join(BIN, 'tagar-train') + ' -q -o ' + os.path.join(work, 'r.tgm') + ' ' + trf],
                  max(3, runs // 3), work)[0]
    labels = sorted(set(x for d in tr for x in d['tags']) & set(x for d in te for x in d['tags']))
    sk = []
    for _ in range(3):
        s = time.perf_counter()
        peers.run_sklearn_tuned(tr, te, labels, work)
        sk.append(time.perf_counter() - s)
    return dict(tagar_train_s=t, sklearn_tuned_s=statistics.median(sk), ratio=t / statistics.median(sk))


def model_size(tr, work, sk_bytes):
    """tagar's model with scikit-learn's features (1-2-grams, min_df 2, no stopwords)."""
    trf = os.path.join(work, 'train.jsonl')
    m = os.path.join(work, 'same.tgm')
    sh([os.path.join(BIN, 'tagar-train'), '-q', '-n', '2', '--min-df', '2', '--max-df', '1', '--stopwords', 'none',
        '--stem', 'none', '-o', m, trf])
    return dict(tagar_bytes=os.path.getsize(m), sklearn_bytes=sk_bytes, ratio=os.path.getsize(m) / sk_bytes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--corpus', default='govtags')
    a = ap.parse_args()
    import peers
    corpus = os.path.join(SHARED, 'data', a.corpus, 'train.jsonl')
    tr, te = peers.load(corpus, 0.2, 1)
    labels = sorted(set(t for d in tr for t in d['tags']) & set(t for d in te for t in d['tags']))
    res = {}
    with tempfile.TemporaryDirectory() as work:
        res['single_article'] = single_article(peers, tr, te, labels, work, a.runs)
        res['model_size'] = model_size(tr, work, res['single_article'].pop('sklearn_model_bytes'))
        model = os.path.join(work, 'tagar.tgm')
        res['batch'], big, data, reps = batch(corpus, work, a.runs, model)
        os.unlink(big)
        res['batch']['sklearn_mb_s'] = sklearn_throughput(tr, te)
        res['batch']['x_sklearn'] = res['batch']['mb_s_1thread'] / res['batch']['sklearn_mb_s']
        res['memory'] = memory(corpus)
        res['training_reuters'] = training(a.runs, work)
    for k, v in res.items():
        print(json.dumps({k: {x: round(y, 4) if isinstance(y, float) else y for x, y in v.items()}}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
