#!/usr/bin/python3
"""Error analysis of held-out tags written by bench/cv.py --predictions.

  bench/cv.py --corpus govtags --variant vocab="--vocab data/govtags-vocab.txt" \\
      --predictions /tmp/pred.jsonl
  bench/errors.py /tmp/pred.jsonl --variant vocab

Prints, pooled over the seeds: each tag's false positives and negatives; the
tags most often given in place of a missed one (which topics are confused);
and the articles whose label the model contradicts with confidence in every
seed (a labelled tag scored under --low, or an unlabelled one over --high),
which are worth a second reading as possible labelling errors.
"""
import argparse
import collections
import json


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("predictions")
    ap.add_argument("--variant", help="the variant to analyse (default: the first in the file)")
    ap.add_argument("--low", type=float, default=0.05)
    ap.add_argument("--high", type=float, default=0.95)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.predictions, encoding="utf-8")]
    variant = args.variant or rows[0]["variant"]
    rows = [r for r in rows if r["variant"] == variant]
    seeds = sorted({r["seed"] for r in rows})
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    instead = collections.Counter()  # (missed tag, tag given) pairs
    doubt = collections.defaultdict(list)  # (id, tag, kind) -> scores, one per seed
    for r in rows:
        gold, pred = set(r["gold"]), set(r["predicted"])
        for t in gold & pred:
            tp[t] += 1
        for t in pred - gold:
            fp[t] += 1
            if (r["scores"].get(t) or 0) >= args.high:
                doubt[(r["id"], t, "unlabelled, scored")].append(r["scores"][t])
        for t in gold - pred:
            fn[t] += 1
            for u in pred - gold:
                instead[(t, u)] += 1
            if (r["scores"].get(t) or 0) <= args.low:
                doubt[(r["id"], t, "labelled, scored")].append(r["scores"].get(t) or 0)
    tags = sorted(set(tp) | set(fp) | set(fn), key=lambda t: -(fp[t] + fn[t]))
    print(f"variant {variant}, seeds {seeds}: errors per tag (summed over seeds)\n")
    print("| tag | TP | FP | FN | F1 |\n|---|---:|---:|---:|---:|")
    for t in tags:
        f1 = 2 * tp[t] / (2 * tp[t] + fp[t] + fn[t]) if tp[t] else 0.0
        print(f"| {t} | {tp[t]} | {fp[t]} | {fn[t]} | {f1:.3f} |")
    print(f"\nMissed tag -> tag given instead (the {args.top} most frequent pairs)\n")
    for (t, u), n in instead.most_common(args.top):
        print(f"- {t} -> {u}: {n}")
    sure = [(k, v) for k, v in doubt.items() if len(v) == len(seeds)]
    print(f"\nArticles the model contradicts in every seed ({len(sure)}; score <= {args.low} for a "
          f"labelled tag, >= {args.high} for an unlabelled one)\n")
    for (i, t, kind), v in sorted(sure, key=lambda kv: (kv[0][1], kv[0][0]))[: args.top * 4]:
        print(f"- {i}: {t} {kind} {', '.join(f'{x:.3f}' for x in v)}")


if __name__ == "__main__":
    main()
