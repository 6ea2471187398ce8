#!/usr/bin/env python3
"""Summary of a scripts/bench.sh invocation.

Reads the bench's RESULT JSON lines on stdin (hubgate runs and, labelled "<scenario>-nchan...",
the nginx-nchan runs of the same scenarios), prints one row per run, then the side-by-side
table: each figure for hubgate and nchan and the ratio hubgate/nchan (below 1 means hubgate
needs less CPU or memory per unit, or has lower latency; above 1 more deliveries or pushes per
second). The side-by-side rows are also printed and written (argv[1]) as lines
"RESULT {json}" / "{json}" with the figures of both and the ratios.

The scaleout runs ("<name>-single" on one gateway, "<name>-redis" on 2 replicas + Redis) get
their own side-by-side table (ratio redis/single), written to argv[2] the same way, and the
issue's two targets checked: gateway CPU per delivery through Redis within 1.3x of one gateway,
and Redis CPU per push independent of the recipients (fan-out at 1k against 10k connections,
both at the same push rate).
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


SCALEOUT_FIGURES = [
    ("deliveries_per_s", "deliv/s", lambda r: r["deliveries_per_s"], "{:.0f}"),
    ("gateway_cpu_us_per_delivery", "gw us/deliv",
     lambda r: r["gateway_cpu_us_per_delivery"], "{:.2f}"),
    ("latency_p99_ms", "p99 ms",
     lambda r: r["latency_us"]["p99"] / 1000 if r["latency_us"]["count"] else None, "{:.1f}"),
    ("pushes_per_s", "push/s", lambda r: r["push_calls_per_s"], "{:.0f}"),
    ("redis_cpu_us_per_push", "redis us/push", lambda r: r.get("redis_cpu_us_per_push"),
     "{:.1f}"),
    ("redis_cpu_us_per_push_over_idle", "over idle",
     lambda r: r.get("redis_cpu_us_per_push_over_idle"), "{:.1f}"),
]
PER_DELIVERY_TARGET = 1.3


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
        # With several replicas the fd count is the first replica's only: the bench's own count.
        one = r.get("replicas", 1) == 1
        connected = r["gateway_connections"] if one and r["gateway_connections"] > 0 \
            else r["connected"]
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


def scaleout_comparisons(rows):
    """One entry per scaleout run name with both a -single and a -redis result."""
    by_name = {}
    for r in rows:
        label = r["label"] or ""
        for kind in ("single", "redis"):
            if label.startswith("scaleout") and "-" + kind in label:
                by_name.setdefault(label.replace("-" + kind, "", 1), {})[kind] = r
    entries = []
    for name, runs in by_name.items():
        if "single" not in runs or "redis" not in runs:
            continue
        entry = {"run": name, "connections": runs["redis"]["connected"],
                 "ok": runs["single"]["ok"] and runs["redis"]["ok"],
                 "single": {}, "redis": {}, "ratio": {}}
        for key, _, get, _ in SCALEOUT_FIGURES:
            one, two = figure(runs["single"], get), figure(runs["redis"], get)
            entry["single"][key] = one
            entry["redis"][key] = two
            entry["ratio"][key] = two / one if one and two else None
        entries.append(entry)
    return entries


def print_scaleout(entries):
    print()
    print("Scale-out (one gateway | 2 replicas + Redis, pushes to one | ratio redis/single)")
    cells = [heading for _, heading, _, _ in SCALEOUT_FIGURES]
    print("{:<24} {:<7} ".format("run", "") + " ".join("{:>13}".format(c) for c in cells))
    for entry in entries:
        for who in ("single", "redis", "ratio"):
            values = [fmt(entry[who][key], "{:.2f}x" if who == "ratio" else pattern)
                      for key, _, _, pattern in SCALEOUT_FIGURES]
            print("{:<24} {:<7} ".format(entry["run"] if who == "single" else "", who) +
                  " ".join("{:>13}".format(v) for v in values))
    for entry in entries:
        ratio = entry["ratio"]["gateway_cpu_us_per_delivery"]
        if ratio is not None:
            print("target: {} gateway CPU per delivery {:.2f}x of one gateway (<= {}x): {}".format(
                entry["run"], ratio, PER_DELIVERY_TARGET,
                "met" if ratio <= PER_DELIVERY_TARGET else "MISSED"))
    # The same push rate, 1k against 10k recipients per push.
    small = next((e for e in entries if e["run"].startswith("scaleout_fanout_1k")), None)
    large = next((e for e in entries if e["run"].startswith("scaleout_fanout_10k")), None)
    if small and large:
        for key, what in (("redis_cpu_us_per_push", "Redis CPU per push"),
                          ("redis_cpu_us_per_push_over_idle", "the same over its idle CPU")):
            print("{}: {} us at {} connections, {} us at {} connections".format(
                what, fmt(small["redis"][key], "{:.1f}"), small["connections"],
                fmt(large["redis"][key], "{:.1f}"), large["connections"]))


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    rows = [r for r in rows if "-part" not in (r["label"] or "")]
    print_runs(rows)
    entries = scaleout_comparisons(rows)
    if entries:
        print_scaleout(entries)
        if len(sys.argv) > 2:
            with open(sys.argv[2], "w") as out:
                for entry in entries:
                    out.write(json.dumps(entry) + "\n")
                    print("RESULT " + json.dumps(entry))
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
