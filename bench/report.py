#!/usr/bin/env python3
"""Collects benchmark figures.

  report.py record OUT DB OP KIND RESULT SQL REQUESTS RSS_KB   one operation's figures (KIND: oha,
                                                                wrk, sync for bench/sync.py, or
                                                                live for bench/live)
  report.py table OUT                                           the Markdown table of a run, then
                                                                the paired deep-page ratios and
                                                                newswire's ratios to each peer
"""
import json
import re
import sys


def record(out, db, op, kind, result, sql, requests, rss_kb):
    if kind == "live":
        with open(result) as f:
            data = json.loads(f.read().strip().splitlines()[-1])
        row = {
            "db": db,
            "op": op,
            "rps": data["rate_per_second"],
            "p50_ms": round(data["p50_ms"], 2),
            "p99_ms": round(data["p99_ms"], 2),
            "ok": data["deliveries"],
            "errors": data["deliveries_expected"] - data["deliveries"],
            "sql_per_request": None,
            "peak_rss_mib": round(max(data["rss_busy_mib"] or [0]), 1),
            "live": data,
        }
        with open(f"{out}/summary.jsonl", "a") as f:
            f.write(json.dumps(row) + "\n")
        print(row)
        return
    if kind == "oha":
        with open(result) as f:
            data = json.load(f)
        summary, pct = data["summary"], data["latencyPercentiles"]
        codes = data.get("statusCodeDistribution") or {}
        ok = sum(n for code, n in codes.items() if code.startswith("2"))
        errors = sum(n for code, n in codes.items() if not code.startswith("2"))
        errors += sum((data.get("errorDistribution") or {}).values())
        rps, p50, p99 = summary["requestsPerSec"], pct["p50"], pct["p99"]
    else:
        with open(result) as f:
            data = json.loads(f.read().strip().splitlines()[-1])
        ok = data["requests"] - data["non2xx"]
        errors = data["errors"] + data["non2xx"]
        rps, p50, p99 = data["requests"] / data["seconds"], data["p50"], data["p99"]
    requests = int(float(requests))
    row = {
        "db": db,
        "op": op,
        "rps": round(rps, 1),
        "p50_ms": round(p50 * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "ok": ok,
        "errors": errors,
        "sql_per_request": round(float(sql) / requests, 2) if requests else None,
        "peak_rss_mib": round(int(rss_kb) / 1024, 1),
    }
    if kind == "sync":
        row.update({k: data[k] for k in ("seconds", "items", "upserts", "tombstones", "mib")})
    with open(f"{out}/summary.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")
    print(row)


def table(out):
    rows = [json.loads(line) for line in open(f"{out}/summary.jsonl")]
    lines = [
        "| database | operation | req/s | p50 ms | p99 ms | errors | SQL/request | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['db']} | {r['op']} | {r['rps']} | {r['p50_ms']} | {r['p99_ms'] if r['p99_ms'] is not None else '-'} | {r['errors']} "
            f"| {r['sql_per_request'] if r['sql_per_request'] is not None else '-'} | {r['peak_rss_mib'] or '-'} |"
        )
    for db in sorted({r["db"] for r in rows}):
        paired = [r for r in rows if r["db"] == db and r["op"] in ("paired_home", "paired_deep")]
        home = sum(r["rps"] for r in paired if r["op"] == "paired_home")
        deep = sum(r["rps"] for r in paired if r["op"] == "paired_deep")
        if home and deep:
            rounds = [paired[i : i + 4] for i in range(0, len(paired) - 3, 4)]
            each = ", ".join(
                f"{sum(r['rps'] for r in g if r['op'] == 'paired_home') / sum(r['rps'] for r in g if r['op'] == 'paired_deep'):.2f}"
                for g in rounds
            )
            lines.append("")
            lines.append(
                f"{db}: deep page / first page, cost per request, paired (home, deep, deep, home; "
                f"{len(rounds)} rounds): {home / deep:.2f} (each round: {each})"
            )
    for r in rows:
        if "items" in r:
            lines.append("")
            lines.append(
                f"{r['db']}: a partner's full sync by the change feed: {r['items']} articles "
                f"({r['upserts']} upserts, {r['tombstones']} tombstones) in {r['seconds']} s, "
                f"{r['ok']} pages of up to 100, {r['mib']} MiB, page p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms"
            )
    for r in rows:
        if "live" in r:
            d = r["live"]
            lines.append("")
            lines.append(
                f"{r['db']}: {d['subscriptions']} subscriptions over {d['connections']} connections on "
                f"{d['instances']} instance(s), {d['likes']} likes at {d['rate_per_second']}/s "
                f"{'through another instance' if d.get('likes_elsewhere') else 'through the same instance'}: like to event at "
                f"every subscriber p50 {d['p50_ms']:.1f} ms, p99 {d['p99_ms']:.1f} ms, max {d['max_ms']:.1f} ms over "
                f"{d['deliveries']} deliveries ({d['deliveries_expected'] - d['deliveries']} missing); "
                f"RSS with all open {', '.join(f'{m:.0f}' for m in d['rss_idle_mib'])} MiB, after the likes "
                f"{', '.join(f'{m:.0f}' for m in d['rss_busy_mib'])} MiB"
            )
    lines += peer_ratios(rows)
    text = "\n".join(lines) + "\n"
    with open(f"{out}/report.md", "w") as f:
        f.write(text)
    print(text)


def peer_ratios(rows):
    """newswire's req/s over each peer's for the same page, PostgreSQL (the peers' only database)."""
    ours = {r["op"]: r for r in rows if r["db"] == "postgres"}
    lines = []
    for peer in rows:
        m = re.fullmatch(r"peer: (.+), (\w+)", peer["op"])
        if not m or m.group(2) not in ours or not peer["rps"]:
            continue
        name, op = m.groups()
        r = ours[op]
        if not lines:
            lines = ["", "| newswire / peer, PostgreSQL | req/s ratio | req/s | p99 ms | peak RSS MiB |", "|---|---:|---:|---:|---:|"]
        lines.append(
            f"| {op} / {name} {op} | **{r['rps'] / peer['rps']:.2f}** | {r['rps']} vs {peer['rps']} "
            f"| {r['p99_ms']} vs {peer['p99_ms']} | {r['peak_rss_mib']} vs {peer['peak_rss_mib']} |"
        )
    return lines


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:])
    else:
        table(sys.argv[2])
