#!/usr/bin/python3
"""Honest cross-validation of tagar, as a held-out test would measure it.

Each corpus is cut into K outer folds (a seeded shuffle); for every fold,
tagar-train learns from the other K-1 folds only (its own inner CV tunes the
thresholds and every other choice inside them), and tagar-classify tags the
held-out fold.  Nothing about the held-out fold reaches training, so the
figures are what a held-out test set would give, and the fold-to-fold spread
says how much of a difference is noise.

Variants (sets of tagar-train options) are run on the same folds, so their
differences are paired fold by fold: a variant wins only when its mean gain
is larger than the spread of the paired differences and it wins most folds.

  bench/cv.py                                  # govtags and reuters, seeds 1 and 2
  bench/cv.py --corpus govtags --variant vocab="--vocab data/govtags.vocab"
  bench/cv.py --per-tag --json out.json
  bench/cv.py --corpus govtags --variant "sklearn_tuned=peer:sklearn_tuned"

tagar is given each article's id, title, text and url (an untitled article
takes the headline in its URL, as tagar-train and tagar-classify read JSON
Lines); --drop-url leaves the url out, to measure what that is worth.

A variant whose options are "peer:NAME" runs the peer system NAME of
../shared/bench/peers.py (sklearn, sklearn_tuned, fasttext) on the same folds
instead of tagar, so tagar's margin over it is paired fold by fold too.

Figures:
  pooled    each seed's K folds pooled (every article tagged once, by a model
            that never saw it): micro-F1, and macro-F1 over every tag of the
            corpus, one pair per seed (what tagar-train --cv reports inside);
  micro-F1  over all tags of the held-out fold;
  macro-F1  the mean F1 of the tags with at least one example in the
            held-out fold (a tag neither present nor predicted is not scored);
  bands     pooled over the K folds of a seed (every article tagged once, by a
            model that never saw it), macro-F1 of the tags whose number of
            examples in the whole corpus falls in the band, then the mean over
            seeds.  A tag with one example has none left to train on when its
            article is held out, so it scores 0 unless something other than its
            examples (its name, a vocabulary) makes it learnable.
"""
import argparse
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BANDS = [(1, 5), (6, 20), (21, 100), (101, 10 ** 9)]


def band_name(lo, hi):
    return f"{lo}-{hi}" if hi < 10 ** 9 else f">{lo - 1}"


def read_corpus(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                docs.append(json.loads(line))
    return docs


def outer_folds(n, k, seed):
    """Fold of each document: a seeded shuffle cut into k near-equal parts."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = [0] * n
    for pos, i in enumerate(order):
        fold[i] = pos % k
    return fold


def write_jsonl(path, docs, with_tags, with_url=True):
    with open(path, "w", encoding="utf-8") as f:
        for i, d in docs:
            rec = {"id": str(i), "title": d.get("title", ""), "text": d.get("text", "")}
            if with_url and d.get("url"):  # an untitled article's headline may be in it
                rec["url"] = d["url"]
            if with_tags:
                rec["tags"] = d.get("tags", [])
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode not in (0, 1):
        sys.exit(f"cv.py: {' '.join(map(shlex.quote, cmd))} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return p


def predict(binary, model, test_path, all_scores):
    """Assigned tags by id; every tag's score goes into all_scores[id]."""
    p = run([os.path.join(binary, "tagar-classify"), "-m", model, "--batch", "--all-scores", test_path])
    out = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        if "error" in r:
            print(f"cv.py: warning: record {r.get('id', r.get('line'))}: {r['error']}", file=sys.stderr)
            continue
        out[r["id"]] = {t["tag"] for t in r["tags"]}
        all_scores[r["id"]] = r.get("scores", {})
    return out


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def scores(gold, pred, tags):
    """micro-F1 over all tags, macro-F1 over tags present in gold."""
    tp = fp = fn = 0
    per = {}
    for t in tags:
        a = b = c = 0
        for i in gold:
            g, p = t in gold[i], t in pred.get(i, ())
            a += g and p
            b += p and not g
            c += g and not p
        per[t] = (a, b, c)
        tp, fp, fn = tp + a, fp + b, fn + c
    present = [t for t in tags if per[t][0] + per[t][2] > 0]
    macro = statistics.mean(f1(*per[t]) for t in present) if present else 0.0
    return f1(tp, fp, fn), macro, per


PEER = "peer:"


def peer_predict(args, name, train, test, tmp):
    """Tags of test by a peer system of ../shared/bench/peers.py, trained on train."""
    where = os.path.join(args.shared, "bench")
    if where not in sys.path:  # called once per fold: add the directory once
        sys.path.insert(0, where)
    import peers
    run = getattr(peers, "run_" + name, None)
    if run is None or name == "libsvm":
        sys.exit(f"cv.py: no peer system {name!r} in {args.shared}/bench/peers.py")
    tr = [dict(d, id=str(i), tags=d.get("tags", [])) for i, d in train]
    te = [dict(d, id=str(i), tags=[]) for i, d in test]
    labels = sorted({t for d in tr for t in d["tags"]})
    out = run(tr, te, labels, tmp, 1) if name == "fasttext" else run(tr, te, labels, tmp)
    pred, train_s = out[0], out[1]
    return {str(i): set(p) for (i, _), p in zip(test, pred)}, train_s


def tagar_predict(args, opts, seed, train, test, tmp, all_scores):
    """Tags of test by tagar-train OPTS on train, and the training seconds."""
    tr, te, model = (os.path.join(tmp, x) for x in ("train.jsonl", "test.jsonl", "m.tgm"))
    write_jsonl(tr, train, True, not args.drop_url)
    write_jsonl(te, test, False, not args.drop_url)
    cmd = [os.path.join(args.bin, "tagar-train"), "-q", "--seed", str(seed)] + shlex.split(opts) + ["-o", model, tr]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=TOP)
    train_s = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"cv.py: {' '.join(map(shlex.quote, cmd))} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return predict(args.bin, model, te, all_scores), train_s


def run_variant(args, docs, tags, opts, seed, tmp):
    """Outer K-fold CV of one variant and seed: per-fold figures and pooled predictions.
    A variant whose options are "peer:NAME" is the peer system NAME instead of tagar."""
    fold = outer_folds(len(docs), args.folds, seed)
    folds, pooled, train_s, all_scores = [], {}, [], {}
    for k in range(args.folds):
        train = [(i, d) for i, d in enumerate(docs) if fold[i] != k]
        test = [(i, d) for i, d in enumerate(docs) if fold[i] == k]
        gold = {str(i): set(d.get("tags", [])) for i, d in test}
        if opts.startswith(PEER):
            pred, ts = peer_predict(args, opts[len(PEER):], train, test, tmp)
        else:
            pred, ts = tagar_predict(args, opts, seed, train, test, tmp, all_scores)
        train_s.append(ts)
        folds.append(scores(gold, pred, tags)[:2])
        pooled.update({i: pred.get(i, set()) for i in gold})
    return folds, pooled, all_scores, statistics.median(train_s)


def write_predictions(f, corpus, variant, seed, docs, pooled, all_scores):
    """One line per article: its gold and held-out tags, with the scores of both."""
    for i, d in enumerate(docs):
        gold, pred = sorted(set(d.get("tags", []))), sorted(pooled.get(str(i), ()))
        sc = all_scores.get(str(i), {})
        f.write(json.dumps({"corpus": corpus, "variant": variant, "seed": seed, "id": d.get("id", str(i)),
                            "gold": gold, "predicted": pred,
                            "scores": {t: sc.get(t) for t in sorted(set(gold) | set(pred))}},
                           ensure_ascii=False) + "\n")


def spread(xs):
    return statistics.stdev(xs) if len(xs) > 1 else 0.0


def band_f1(per, counts):
    out = {}
    for lo, hi in BANDS:
        ts = [t for t in per if lo <= counts[t] <= hi]
        out[band_name(lo, hi)] = (statistics.mean(f1(*per[t]) for t in ts) if ts else None, len(ts))
    return out


def evaluate_corpus(args, name, variants):
    path = os.path.join(args.shared, "data", name, "train.jsonl")
    docs = read_corpus(path)
    counts = {}
    for d in docs:
        for t in set(d.get("tags", [])):
            counts[t] = counts.get(t, 0) + 1
    tags = sorted(counts)
    print(f"\n## {name}: {len(docs)} articles, {len(tags)} tags; outer {args.folds}-fold CV, seeds {args.seeds}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for vname, opts in variants:
            folds, bands, per_tag, train_s, pooled_f1 = [], [], {}, [], []
            for seed in args.seeds:
                f, pooled, sc, ts = run_variant(args, docs, tags, opts, seed, tmp)
                if args.predictions:
                    write_predictions(args.predictions, name, vname, seed, docs, pooled, sc)
                folds += f
                train_s.append(ts)
                gold = {str(i): set(d.get("tags", [])) for i, d in enumerate(docs)}
                pmi, pma, per = scores(gold, pooled, tags)
                pooled_f1.append((pmi, pma))
                bands.append(band_f1(per, counts))
                for t, c in per.items():
                    per_tag.setdefault(t, []).append(c)
            results[vname] = {"opts": opts, "folds": folds, "pooled": pooled_f1, "bands": bands, "per_tag": per_tag,
                              "train_s": statistics.median(train_s)}
            print(f"  ran {vname}", file=sys.stderr)
    report(name, variants, results, counts, args)
    return {"corpus": name, "articles": len(docs), "tags": len(tags), "seeds": args.seeds,
            "folds": args.folds, "variants": results}


def report(name, variants, results, counts, args):
    print(f"\n| variant | options | pooled micro / macro | micro-F1 per fold (sd) | macro-F1 per fold (sd) | "
          + " | ".join(f"band {band_name(lo, hi)}" for lo, hi in BANDS) + " | train s (median fold) |")
    print("|---|---|---|---|---|" + "---|" * len(BANDS) + "---|")
    for vname, _ in variants:
        r = results[vname]
        mi = [x[0] for x in r["folds"]]
        ma = [x[1] for x in r["folds"]]
        cells = []
        for lo, hi in BANDS:
            b = band_name(lo, hi)
            vals = [s[b][0] for s in r["bands"] if s[b][0] is not None]
            cells.append(f"{statistics.mean(vals):.4f} ({r['bands'][0][b][1]} tags)" if vals else "-")
        pooled = " ".join(f"{a:.4f}/{b:.4f}" for a, b in r["pooled"])
        print(f"| {vname} | `{r['opts'] or '(defaults)'}` | {pooled} | {statistics.mean(mi):.4f} ({spread(mi):.4f}) | "
              f"{statistics.mean(ma):.4f} ({spread(ma):.4f}) | " + " | ".join(cells) + f" | {r['train_s']:.2f} |")
    base = variants[0][0]
    for vname, _ in variants[1:]:
        for idx, what in ((0, "micro"), (1, "macro")):
            d = [a[idx] - b[idx] for a, b in zip(results[vname]["folds"], results[base]["folds"])]
            wins = sum(x > 0 for x in d)
            verdict = "gain" if statistics.mean(d) > spread(d) and wins > len(d) * 0.7 else \
                      "loss" if -statistics.mean(d) > spread(d) and wins < len(d) * 0.3 else "within noise"
            print(f"- {vname} vs {base}, {what}-F1: {statistics.mean(d):+.4f} (sd of paired differences "
                  f"{spread(d):.4f}), better in {wins} of {len(d)} folds: {verdict}")
    if args.per_tag:
        print(f"\n| tag | examples | " + " | ".join(f"{v} F1" for v, _ in variants) + " |")
        print("|---|---:|" + "---:|" * len(variants))
        for t in sorted(counts, key=lambda t: (-counts[t], t)):
            cells = []
            for vname, _ in variants:
                cs = results[vname]["per_tag"][t]
                cells.append(f"{statistics.mean(f1(*c) for c in cs):.3f}")
            print(f"| {t} | {counts[t]} | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", help="govtags, reuters (default both); repeatable")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=OPTIONS",
                    help="tagar-train options to compare; the first is the baseline "
                         "(default: one variant, 'defaults', with no options)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--drop-url", action="store_true",
                    help="give tagar the articles without their URLs (so no title comes from one)")
    ap.add_argument("--seeds", default="1,2", help="outer fold seeds, comma-separated (default 1,2)")
    ap.add_argument("--per-tag", action="store_true", help="also print each tag's F1")
    ap.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    ap.add_argument("--predictions", metavar="FILE", type=argparse.FileType("w", encoding="utf-8"),
                    help="also write every article's held-out tags and their scores, per variant "
                         "and seed, as JSON Lines (for error analysis; keep it outside the repository)")
    ap.add_argument("--bin", default=os.path.join(TOP, "bin"))
    ap.add_argument("--shared", default=os.environ.get("TAGAR_SHARED", os.path.join(TOP, "..", "shared")))
    args = ap.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    if not os.path.isdir(os.path.join(args.shared, "data")):
        sys.exit(f"cv.py: {args.shared}/data not found (the shared corpora live beside the checkout)")
    variants = [tuple(v.split("=", 1)) if "=" in v else (v, v) for v in args.variant]
    if not variants or variants[0][1].strip():
        variants.insert(0, ("defaults", ""))
    names = [v for v, _ in variants]
    if len(set(names)) != len(names):
        sys.exit(f"cv.py: variant names must differ: {', '.join(names)}")
    out = [evaluate_corpus(args, c, variants) for c in (args.corpus or ["govtags", "reuters"])]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
