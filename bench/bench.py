#!/usr/bin/python3
"""Side-by-side benchmark: tagar and the peer systems on the same seeded split.

For each corpus, the split is made by ../shared/bench/peers.py's own load()
(--holdout, --seed), tagar is trained on the train part and tags the test
part, and F1 is computed by peers.py's own f1s() over the same labels
(tags with at least one train and one test example).  Then peers.py runs on
the same file with the same split.  Prints one JSON line per system and a
Markdown table at the end.

    /usr/bin/python3 bench/bench.py [--corpora govtags,reuters] [--systems sklearn_tuned,...]
         [--holdout 0.2] [--seed 1] [--runs 3] [-- extra tagar-train options]
"""
import argparse, json, os, subprocess, sys, tempfile, time, statistics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get('TAGAR_SHARED', os.path.join(ROOT, '..', 'shared'))
BIN = os.path.join(ROOT, 'bin')


def peers_module():
    sys.path.insert(0, os.path.join(SHARED, 'bench'))
    import peers
    return peers


def write_jsonl(path, docs, with_tags):
    with open(path, 'w', encoding='utf-8') as f:
        for d in docs:
            r = {'id': d.get('id'), 'title': d.get('title') or '', 'text': d.get('text') or ''}
            if with_tags:
                r['tags'] = d['tags']
            f.write(json.dumps(r, ensure_ascii=False) + '\n')


def timed(cmd):
    """Wall seconds and peak RSS (KiB) of one command (GNU time measures the RSS)."""
    with tempfile.NamedTemporaryFile('r') as rss:
        t = time.perf_counter()
        p = subprocess.run(['/usr/bin/time', '-f', '%M', '-o', rss.name] + cmd, check=True, capture_output=True)
        wall = time.perf_counter() - t
        return wall, int(rss.read().split()[-1]), p


def run_tagar(peers, tr, te, labels, work, runs, extra):
    trf, tef, model = (os.path.join(work, n) for n in ('train.jsonl', 'test.jsonl', 'model.tgm'))
    write_jsonl(trf, tr, True)
    write_jsonl(tef, te, False)
    train_s = []
    for _ in range(runs):
        s, rss_train, _ = timed([os.path.join(BIN, 'tagar-train'), '-q', '-o', model, trf] + extra)
        train_s.append(s)
    pred_s = []
    for _ in range(runs):
        s, rss_pred, p = timed([os.path.join(BIN, 'tagar-classify'), '-m', model, '--batch', tef])
        pred_s.append(s)
    out = [json.loads(l) for l in p.stdout.decode().splitlines()]
    pred = [set(t['tag'] for t in o.get('tags', [])) for o in out]
    one = os.path.join(work, 'one.txt')
    with open(one, 'w', encoding='utf-8') as f:
        f.write((te[0].get('title') or '') + '\n' + (te[0].get('text') or ''))
    lat = []
    for _ in range(max(5, runs)):
        s, _, _ = timed([os.path.join(BIN, 'tagar-classify'), '-m', model, one])
        lat.append(s)
    gold = [set(t for t in d['tags'] if t in set(labels)) for d in te]
    p2 = [set(t for t in s if t in set(labels)) for s in pred]
    mi, ma = peers.f1s(gold, p2, labels)
    return dict(system='tagar', micro_f1=round(mi, 4), macro_f1=round(ma, 4), labels_scored=len(labels),
                train_s=round(statistics.median(train_s), 2), predict_s=round(statistics.median(pred_s), 3),
                predict_docs_per_s=round(len(te) / statistics.median(pred_s), 1),
                one_article_cli_s=round(statistics.median(lat), 4), model_bytes=os.path.getsize(model),
                peak_rss_train_mib=round(rss_train / 1024, 1), peak_rss_classify_mib=round(rss_pred / 1024, 1))


def run_peers(corpus, systems, holdout, seed):
    if not systems:
        return []
    cmd = ['/usr/bin/python3', os.path.join(SHARED, 'bench', 'peers.py'), corpus, '--systems', systems,
           '--holdout', str(holdout), '--seed', str(seed)]
    p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith('{')]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpora', default='govtags,reuters')
    ap.add_argument('--systems', default='sklearn_tuned,sklearn,fasttext')
    ap.add_argument('--holdout', type=float, default=0.2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('extra', nargs='*', help='extra tagar-train options (after --)')
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(SHARED, 'data')):
        print('bench: %s/data not found: nothing to measure' % SHARED, file=sys.stderr)
        return 0
    peers = peers_module()
    rows = []
    for name in a.corpora.split(','):
        corpus = os.path.join(SHARED, 'data', name, 'train.jsonl')
        tr, te = peers.load(corpus, a.holdout, a.seed)
        labels = sorted(set(t for d in tr for t in d['tags']) & set(t for d in te for t in d['tags']))
        with tempfile.TemporaryDirectory() as work:
            res = run_tagar(peers, tr, te, labels, work, a.runs, a.extra)
        res.update(data=name, train_docs=len(tr), test_docs=len(te))
        print(json.dumps(res), flush=True)
        rows.append(res)
        for r in run_peers(corpus, a.systems, a.holdout, a.seed):
            r['data'] = name
            print(json.dumps(r), flush=True)
            rows.append(r)
    cols = ['data', 'system', 'micro_f1', 'macro_f1', 'train_s', 'predict_docs_per_s', 'one_article_cli_s',
            'model_bytes', 'peak_rss_train_mib']
    print('\n| ' + ' | '.join(cols) + ' |\n|' + '---|' * len(cols))
    for r in rows:
        print('| ' + ' | '.join(str(r.get(c, '')) for c in cols) + ' |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
