#!/usr/bin/python3
"""How well tagar learns a category from one or two examples, measured.

Cross-validation cannot score the rarest categories: a tag with one example
has nothing left to learn from when its article is held out, and Reuters has
many such tags.  This bench makes rare categories out of frequent ones, so
their held-out articles are many and their F1 is measurable:

for every outer fold (a seeded shuffle of the corpus into K parts), and each
of S frequent categories (chosen by seed among those with at least --min
examples), only k of the category's training articles are kept; every other
training article of the category is removed from the training set (not
relabelled: a real rare category has no unlabelled twins).  tagar-train
learns from what is left; tagar-classify tags the held-out fold, where the
category keeps all its articles.  The figure is the macro-F1 of the S
categories over the held-out fold, for k = 1 and 2 (--shots), per fold, with
variants paired fold by fold as in bench/cv.py.

  bench/rare.py --variant "names=" --variant "nonames=--vocab-names no"
"""
import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cv  # noqa: E402  (the shared reading, folds, running and scoring)


def pick_categories(docs, n, min_examples, seed):
    count = {}
    for d in docs:
        for t in d.get("tags", []):
            count[t] = count.get(t, 0) + 1
    frequent = sorted(t for t, c in count.items() if c >= min_examples)
    random.Random(seed).shuffle(frequent)
    return sorted(frequent[:n])


def reduced_training(train, rare, shots, seed):
    """train with only `shots` articles of each rare category kept."""
    rng = random.Random(seed)
    keep = set()
    for t in rare:
        having = [i for i, d in train if t in d.get("tags", [])]
        keep.update(rng.sample(having, min(shots, len(having))))
    out = []
    for i, d in train:
        if i in keep or not any(t in rare for t in d.get("tags", [])):
            out.append((i, d))
    return out


def one_fold(args, docs, fold, f, rare, shots, opts, tmp):
    train = [(i, d) for i, d in enumerate(docs) if fold[i] != f]
    test = [(i, d) for i, d in enumerate(docs) if fold[i] == f]
    train = reduced_training(train, rare, shots, args.seed * 1000 + f)
    tr, te, model = (os.path.join(tmp, n) for n in ("train.jsonl", "test.jsonl", "m.tgm"))
    cv.write_jsonl(tr, train, True)
    cv.write_jsonl(te, test, False)
    cv.run([os.path.join(args.bin, "tagar-train"), "-q", "--seed", str(args.seed)] + opts + ["-o", model, tr])
    pred = cv.predict(args.bin, model, te, {})
    gold = {str(i): set(d.get("tags", [])) for i, d in test}
    _, macro, per = cv.scores(gold, pred, rare)
    return macro, per


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="reuters")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=OPTIONS")
    ap.add_argument("--categories", type=int, default=12, help="frequent categories made rare (default 12)")
    ap.add_argument("--min", type=int, default=40, help="examples a category needs to be picked (default 40)")
    ap.add_argument("--shots", default="1,2", help="examples kept per category (default 1,2)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(cv.TOP, "bin"))
    ap.add_argument("--shared", default=os.environ.get("TAGAR_SHARED", os.path.join(cv.TOP, "..", "shared")))
    args = ap.parse_args()
    path = os.path.join(args.shared, "data", args.corpus, "train.jsonl")
    if not os.path.exists(path):
        sys.exit(f"rare.py: {path} not found (the shared corpora live beside the checkout)")
    docs = cv.read_corpus(path)
    variants = [v.split("=", 1) for v in args.variant] or [["defaults", ""]]
    rare = pick_categories(docs, args.categories, args.min, args.seed)
    fold = cv.outer_folds(len(docs), args.folds, args.seed)
    print(f"## {args.corpus}: {len(docs)} articles; categories made rare: {', '.join(rare)}")
    print("| variant | options | shots | macro-F1 of the rare categories per fold (sd) |")
    print("|---|---|---|---|")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for shots in (int(s) for s in args.shots.split(",")):
            for name, opts in variants:
                per_fold = [one_fold(args, docs, fold, f, rare, shots, shlex.split(opts), tmp)[0]
                            for f in range(args.folds)]
                results[(name, shots)] = per_fold
                print(f"| {name} | `{opts or '(defaults)'}` | {shots} | "
                      f"{statistics.mean(per_fold):.4f} ({statistics.stdev(per_fold):.4f}) |", flush=True)
    base = variants[0][0]
    for shots in (int(s) for s in args.shots.split(",")):
        for name, _ in variants[1:]:
            d = [b - a for a, b in zip(results[(base, shots)], results[(name, shots)])]
            print(f"- {name} vs {base}, {shots} shot(s): {statistics.mean(d):+.4f} "
                  f"(sd {statistics.stdev(d):.4f}), better in {sum(x > 0 for x in d)} of {len(d)} folds")


if __name__ == "__main__":
    main()
