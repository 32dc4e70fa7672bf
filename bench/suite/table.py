#!/usr/bin/python3
"""Turns the JSON lines of `bench/run suite` into the markdown table of bench/README.md.

Reads the lines from the files given (or stdin); one row per case, medians over its seeds, the
seeds' spread in brackets where there are several; the bars of the summary line, recomputed here
on the merged lines (so that runs of different seeds or cases can be put together; a later line
for the same case and seed wins), in the last column.

  /usr/bin/python3 bench/suite/table.py bench/.cache/suite-*.jsonl
"""

import fileinput
import json
import statistics


def pct(v):
    return "-" if v is None else f"{100 * v:.2f}%"


def fig(v, kind):
    if v is None:
        return "-"
    return f"{100 * v:.2f}%" if kind == "classification" else f"{v:.3g}"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, kind):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return ""
    return f" ({fig(min(values), kind)}-{fig(max(values), kind)})"


def bars(case, ok, n_seeds):
    """The bars of dev.slabprune.bench.SuiteSummary on the medians over the seeds."""
    kind = ok[0]["kind"]
    b = {}
    if kind == "classification":
        b["within_budget"] = med([r["uploaded"] - r["pruned"] for r in ok]) <= 0.01 + 1e-12
    else:
        b["within_budget"] = med([r["pruned"] / r["uploaded"] for r in ok]) <= 1.05 + 1e-12
    b["at_most_20pct_weights"] = med([r["density"] for r in ok]) <= 0.20
    sign = 1 if kind == "classification" else -1
    margin = med([sign * (r["report_test_split"]["pruned"] - r["report_test_split"]["magnitudeBaseline"])
                  for r in ok])
    b["not_worse_than_magnitude"] = margin >= 0
    if case == "mnist":
        b["mnist_anchor"] = (1 - med([r["pruned"] for r in ok]) <= 0.02
                             and med([r["density"] for r in ok]) <= 0.02
                             and med([r["nodes"][1] for r in ok]) <= 150
                             and med([r["nodes"][2] for r in ok]) <= 50)
    if "inputs_exact" in ok[0]:
        b["exact_inputs_every_seed"] = len(ok) == n_seeds and all(r["inputs_exact"] for r in ok)
    return b


def main():
    runs = {}
    for raw in fileinput.input():
        raw = raw.strip()
        if not raw.startswith("{"):
            continue
        line = json.loads(raw)
        if not line.get("summary"):
            runs.setdefault(line["case"], {})[line["seed"]] = line  # a later run of a seed wins
    print("| case | rows | seeds | metric | uploaded | delivered | model average* | magnitude* "
          "| weights kept | nodes kept | inputs kept | latency ratio | job s | budget met "
          "| bars failed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case, by_seed in runs.items():
        ok = [r for r in by_seed.values() if r.get("pruned") is not None]
        failed = [r for r in by_seed.values() if r.get("pruned") is None]
        if not ok:
            print(f"| {case} | | {len(by_seed)} | | | job {', '.join(r.get('state', r.get('error', '?')) for r in failed)} |"
                  + " |" * 9)
            continue
        kind = ok[0]["kind"]
        metric = ok[0]["metric"]
        up = [r["uploaded"] for r in ok]
        pr = [r["pruned"] for r in ok]
        split = [r["report_test_split"] for r in ok]
        avg = med([s["modelAverage"] for s in split])
        mag = med([s["magnitudeBaseline"] for s in split])
        rep = med([s["pruned"] for s in split])
        nodes = "-".join(str(int(med([r["nodes"][i] for r in ok])))
                         for i in range(len(ok[0]["nodes"])))
        inputs = str(int(med([r["inputs_kept"] for r in ok])))
        if "inputs_exact" in ok[0]:
            inputs += f" (exact {sum(r['inputs_exact'] for r in ok)}/{len(by_seed)})"
        budget = [r.get("budget_met") for r in ok]
        budget = "-" if all(b is None for b in budget) else f"{sum(bool(b) for b in budget)}/{len(ok)}"
        b = bars(case, ok, len(by_seed))
        failed_bars = ", ".join(k for k, v in b.items() if not v) or "none"
        lat = med([r.get("latency_ratio") for r in ok])
        print(f"| {case} | {ok[0]['rows']} | {len(ok)}/{len(by_seed)} | {metric} "
              f"| {fig(med(up), kind)}{spread(up, kind)} | {fig(med(pr), kind)}{spread(pr, kind)} "
              f"| {fig(avg, kind)} | {fig(mag, kind)} (delivered {fig(rep, kind)}) "
              f"| {pct(med([r['density'] for r in ok]))} | {nodes} | {inputs} "
              f"| {'-' if lat is None else f'{lat:.2f}'} | {med([r['job_seconds'] for r in ok]):.0f} "
              f"| {budget} | {failed_bars} |")


if __name__ == "__main__":
    main()
