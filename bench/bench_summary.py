#!/usr/bin/env python3
"""Summary of a scripts/bench.sh invocation.

Reads the bench's RESULT JSON lines on stdin (hubgate runs and, labelled "<scenario>-nchan...",
the nginx-nchan runs of the same scenarios), prints one row per run, then the side-by-side
table: each figure for hubgate and nchan and the ratio hubgate/nchan (below 1 means hubgate
needs less CPU or memory per unit, or has lower latency; above 1 more deliveries or pushes per
second). The side-by-side rows are also printed and written (argv[1]) as lines
"RESULT {json}" / "{json}" with the figures of both and the ratios.
"""
import json
import sys

# (key in the comparison, heading, figure of one RESULT line or None, format)
FIGURES = [
    ("deliveries_per_s", "deliv/s", lambda r: r["deliveries_per_s"], "{:.0f}"),
    ("server_cpu_us_per_delivery", "CPU us/deliv",
     lambda r: r["gateway_cpu_us_per_delivery"], "{:.2f}"),
    ("pushes_per_s", "push/s", lambda r: r["push_calls_per_s"], "{:.0f}"),
    ("server_cpu_us_per_push", "CPU us/push", lambda r: r["gateway_cpu_us_per_push_call"],
     "{:.1f}"),
    ("latency_p50_ms", "p50 ms",
     lambda r: r["latency_us"]["p50"] / 1000 if r["latency_us"]["count"] else None, "{:.1f}"),
    ("latency_p99_ms", "p99 ms",
     lambda r: r["latency_us"]["p99"] / 1000 if r["latency_us"]["count"] else None, "{:.1f}"),
    ("rss_bytes_per_connection", "RSS B/conn",
     lambda r: r["gateway_rss_bytes_per_connection"], "{:.0f}"),
]


def fmt(value, pattern="{:.0f}"):
    return "-" if value is None or value == -1 else pattern.format(value)


def figure(row, get):
    value = get(row)
    return None if value is None or value <= 0 else value


def print_runs(rows):
    line = "{:<30} {:>7} {:>9} {:>10} {:>11} {:>9} {:>18} {:>10} {:>9} {:>6} {:>4}"
    print(line.format("run", "conns", "conn/s", "RSS B/conn", "deliv/s", "srv us/msg",
                      "lat p50/p99/max ms", "push/s", "invoke/s", "bench%", "ok"))
    for r in rows:
        lat = r["latency_us"] if r["latency_us"]["count"] else r["invoke_latency_us"]
        latency = "-" if not lat["count"] else "{:.1f}/{:.1f}/{:.1f}".format(
            lat["p50"] / 1000, lat["p99"] / 1000, lat["max"] / 1000)
        connected = r["gateway_connections"] if r["gateway_connections"] > 0 else r["connected"]
        print(line.format(
            r["label"] or r["scenario"], connected, fmt(r["connects_per_s"]),
            fmt(r["gateway_rss_bytes_per_connection"]), fmt(r["deliveries_per_s"] or None),
            fmt(r["gateway_cpu_us_per_delivery"], "{:.2f}"), latency,
            fmt(r["push_calls_per_s"] or None), fmt(r["invokes_per_s"] or None),
            fmt(r["bench_cpu_phase_percent"] or r["bench_cpu_percent"]),
            "yes" if r["ok"] else "NO"))


def compare(rows):
    """One comparison per run name that has both a hubgate and an nchan result."""
    by_name = {}
    for r in rows:
        name = (r["label"] or r["scenario"]).replace("-nchan", "", 1)
        by_name.setdefault(name, {})[r.get("target", "hubgate")] = r
    comparisons = []
    for name, runs in by_name.items():
        if "hubgate" not in runs or "nchan" not in runs:
            continue
        hubgate, nchan = runs["hubgate"], runs["nchan"]
        entry = {"run": name, "scenario": hubgate["scenario"], "ok": hubgate["ok"] and nchan["ok"],
                 "hubgate": {}, "nchan": {}, "ratio": {}}
        for key, _, get, _ in FIGURES:
            ours, theirs = figure(hubgate, get), figure(nchan, get)
            entry["hubgate"][key] = ours
            entry["nchan"][key] = theirs
            entry["ratio"][key] = ours / theirs if ours and theirs else None
        comparisons.append(entry)
    return comparisons


def print_comparisons(comparisons):
    print()
    print("Side by side (hubgate | nginx-nchan | ratio hubgate/nchan)")
    cells = [heading for _, heading, _, _ in FIGURES]
    print("{:<22} {:<8} ".format("run", "") + " ".join("{:>12}".format(c) for c in cells))
    for entry in comparisons:
        for who in ("hubgate", "nchan", "ratio"):
            values = []
            for key, _, _, pattern in FIGURES:
                value = entry[who][key]
                values.append(fmt(value, "{:.2f}x" if who == "ratio" else pattern))
            print("{:<22} {:<8} ".format(entry["run"] if who == "hubgate" else "", who) +
                  " ".join("{:>12}".format(v) for v in values))


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    rows = [r for r in rows if "-part" not in (r["label"] or "")]
    print_runs(rows)
    comparisons = compare(rows)
    if not comparisons:
        return
    print_comparisons(comparisons)
    with open(sys.argv[1], "w") as out:
        for entry in comparisons:
            line = json.dumps(entry)
            out.write(line + "\n")
            print("RESULT " + line)


if __name__ == "__main__":
    main()
