#!/usr/bin/python3
"""tagar's libsvm path against the LIBSVM tools, measured side by side in one run.

The LIBSVM tools way (../shared/bench/peers.py, system libsvm): `svm-train -t 0 -c 1 -q`
once per tag on scikit-learn TF-IDF files (word 1-2-grams, min_df 2), one process and one
fit per tag, single-threaded.  tagar: `bin/tagar-train -q --solver libsvm` on the same
training part with every tag other than the peer's N dropped from the records (all
documents kept), so both train the same N one-vs-rest problems.  tagar makes 6 fits per
tag (5 cross-validation folds to tune the threshold, then the final fit) against the
peer's 1, on both cores; the figures are whole runs (reading, features, kernel matrix,
every fit, model written; median of --runs) divided by N, and also per fit.  tagar runs:
  default       its own features (unigrams, stopwords), all cores
  peer_features the peer's features (-n 2 --min-df 2 --max-df 1, no stopwords/stemming)
  one_core      default features, -j 1
  all_tags      default, every tag of the training part (per tag: divided by their number)
The peer is run once, its svm-train seconds summed over the N tags (peers.run_libsvm).
F1 is over the N tags on the held-out part (peers.py's split: 20%, seed 1), both systems.
Needs: python3-sklearn, libsvm-tools (Debian packages).

    /usr/bin/python3 bench/libsvm.py [--tags 10] [--corpus govtags,reuters] [--kernel linear]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get('TAGAR_SHARED', os.path.join(ROOT, '..', 'shared'))
BIN = os.path.join(ROOT, 'bin')
sys.path.insert(0, os.path.join(SHARED, 'bench'))

FITS_PER_TAG = 6  # 5 CV folds + the final fit
SAME_FEATURES = ['-n', '2', '--min-df', '2', '--max-df', '1', '--stopwords', 'none', '--stem', 'none']


def write_jsonl(path, docs, keep=None):
    with open(path, 'w') as f:
        for d in docs:
            tags = [t for t in d['tags'] if keep is None or t in keep]
            f.write(json.dumps({'title': d.get('title') or '', 'text': d.get('text') or '', 'tags': tags}) + '\n')


def tagar_train(trf, model, extra, runs):
    """Median wall-clock seconds of tagar-train runs."""
    cmd = [os.path.join(BIN, 'tagar-train'), '-q', '--solver', 'libsvm', '-o', model] + extra + [trf]
    times = []
    for _ in range(runs):
        s = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - s)
    return statistics.median(times)


def tagar_f1(peers, model, te, use, work):
    tef = os.path.join(work, 'test.jsonl')
    write_jsonl(tef, te)
    out = subprocess.run([os.path.join(BIN, 'tagar-classify'), '-m', model, '-b', tef], check=True,
                         capture_output=True, text=True).stdout.split('\n')
    pred = [set(x['tag'] for x in json.loads(line)['tags']) & use for line in out if line.strip()]
    gold = [set(d['tags']) & use for d in te]
    return peers.f1s(gold, pred, sorted(use))


def one_corpus(peers, name, ntags, kernel, runs, work):
    tr, te = peers.load(os.path.join(SHARED, 'data', name, 'train.jsonl'), 0.2, 1)
    labels = sorted(set(t for d in tr for t in d['tags']) & set(t for d in te for t in d['tags']))
    pred, peer_s, _, _, _, use = peers.run_libsvm(tr, te, labels, work, ntags)
    use = set(use)
    gold = [set(d['tags']) & use for d in te]
    pmi, pma = peers.f1s(gold, [p & use for p in pred], sorted(use))
    trf = os.path.join(work, 'train.jsonl')
    write_jsonl(trf, tr, use)
    model = os.path.join(work, 'tagar.tgm')
    kern = ['--kernel', kernel]
    variants = {'default': kern, 'peer_features': kern + SAME_FEATURES, 'one_core': kern + ['-j', '1']}
    res = dict(corpus=name, train_docs=len(tr), test_docs=len(te), tags=len(use), kernel=kernel,
               libsvm_tools_s=round(peer_s, 2), libsvm_tools_per_tag_s=round(peer_s / len(use), 3),
               libsvm_tools_micro_f1=round(pmi, 4), libsvm_tools_macro_f1=round(pma, 4))
    for label, extra in variants.items():
        t = tagar_train(trf, model, extra, runs)
        per_tag = t / len(use)
        res['tagar_%s_s' % label] = round(t, 2)
        res['tagar_%s_per_tag_s' % label] = round(per_tag, 3)
        res['x_%s_per_tag' % label] = round(peer_s / t, 1)
        res['x_%s_per_fit' % label] = round(peer_s / t * FITS_PER_TAG, 1)
        if label == 'default':
            mi, ma = tagar_f1(peers, model, te, use, work)
            res.update(tagar_micro_f1=round(mi, 4), tagar_macro_f1=round(ma, 4))
    # every tag of the training part: the fixed costs spread over more tags
    write_jsonl(trf, tr)
    nall = len(set(t for d in tr for t in d['tags']))
    t = tagar_train(trf, model, kern, runs)
    res.update(tagar_all_tags=nall, tagar_all_tags_s=round(t, 2), tagar_all_tags_per_tag_s=round(t / nall, 3),
               x_all_tags_per_tag=round(peer_s / len(use) / (t / nall), 1))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tags', type=int, default=10, help='first N tags, as peers.py --libsvm-labels N')
    ap.add_argument('--corpus', default='govtags,reuters')
    ap.add_argument('--kernel', default='linear', help="tagar's kernel (the peer's is linear)")
    ap.add_argument('--runs', type=int, default=3, help='tagar runs per figure (median)')
    a = ap.parse_args()
    import peers
    for name in a.corpus.split(','):
        with tempfile.TemporaryDirectory() as work:
            print(json.dumps(one_corpus(peers, name, a.tags, a.kernel, a.runs, work)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
