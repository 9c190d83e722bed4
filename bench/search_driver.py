#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""The query half of bench/search.sh: the same five searches as Super Search
requests to a crashbox server and as SQL in one psql session, timed, with
median, p95 and crashbox's speed-up over PostgreSQL.

Usage: search_driver.py --end ISO --tsv FILE [--url URL] [--psql CMD]
                        [--reps N]
The TSV (gencrashes.py --tsv) picks the parameters: the product and version
with most crashes in the last 7 days, as a Top Crashers user would.
"""

import argparse
import collections
import datetime as dt
import http.client
import json
import shlex
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

SUBSTRING = "Shutdown"  # in a tenth of the generator's signatures


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def pick_parameters(tsv_path, end):
    """(product, version) with most crashes over the 7 days before `end`."""
    since = iso(end - dt.timedelta(days=7))
    counts = collections.Counter()
    with open(tsv_path, encoding="utf-8") as f:
        for line in f:
            cols = line.split("\t", 5)
            # uuid, date_processed, product, version, ...
            if cols[1] >= since:  # same format and zone: text order works
                counts[(cols[2], cols[3])] += 1
    (product, version), _ = counts.most_common(1)[0]
    return product, version


def queries(end, product, version):
    """name → (Super Search parameters, SQL). The SQL answers what the
    request answers: the total and the facets (or rows) it returns."""
    d7 = iso(end - dt.timedelta(days=7))
    d30 = iso(end - dt.timedelta(days=30))
    q = lambda s: "'" + s.replace("'", "''") + "'"
    return {
        "top crashers (signature facet, product+version, 7 d)": (
            [("product", product), ("version", version),
             ("date", ">=" + d7), ("_facets", "signature"),
             ("_results_number", "0")],
            f"SELECT signature, count(*), sum(count(*)) OVER () FROM crashes "
            f"WHERE product = {q(product)} AND version = {q(version)} AND "
            f"date_processed >= {q(d7)} GROUP BY signature "
            f"ORDER BY 2 DESC, 1 LIMIT 50"),
        "signature facet, 2 filters + _aggs.signature=platform (7 d)": (
            [("product", product), ("process_type", "content"),
             ("date", ">=" + d7), ("_facets", "signature"),
             ("_aggs.signature", "platform"), ("_results_number", "0")],
            f"WITH f AS (SELECT signature, platform, count(*) AS c "
            f"FROM crashes WHERE product = {q(product)} AND "
            f"process_type = 'content' AND date_processed >= {q(d7)} "
            f"GROUP BY 1, 2), t AS (SELECT signature, sum(c) AS s FROM f "
            f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50) "
            f"SELECT t.signature, t.s, f.platform, f.c, "
            f"(SELECT sum(c) FROM f) FROM t JOIN f USING (signature) "
            f"ORDER BY t.s DESC, t.signature, f.c DESC"),
        f"substring signature=~{SUBSTRING} (facet, 7 d)": (
            [("signature", "~" + SUBSTRING), ("date", ">=" + d7),
             ("_facets", "signature"), ("_results_number", "0")],
            f"SELECT signature, count(*), sum(count(*)) OVER () FROM crashes "
            f"WHERE signature LIKE {q('%' + SUBSTRING + '%')} AND "
            f"date_processed >= {q(d7)} GROUP BY signature "
            f"ORDER BY 2 DESC, 1 LIMIT 50"),
        "date histogram by product (30 d)": (
            [("date", ">=" + d30), ("_histogram.date", "product"),
             ("_facets", "product"), ("_results_number", "0")],
            f"SELECT date_trunc('day', date_processed) AS day, product, "
            f"count(*) FROM crashes WHERE date_processed >= {q(d30)} "
            f"GROUP BY GROUPING SETS ((1, 2), (2)) ORDER BY 1, 3 DESC"),
        "50-row page, _sort=-date (7 d)": (
            [("date", ">=" + d7), ("_sort", "-date"),
             ("_results_number", "50"), ("_facets_size", "0")],
            f"SELECT uuid, date_processed, signature, product, version, "
            f"count(*) OVER () FROM crashes WHERE date_processed >= {q(d7)} "
            f"ORDER BY date_processed DESC LIMIT 50"),
    }


def stats(times_ms):
    s = sorted(times_ms)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return statistics.median(s), p95


class HttpSession:
    """One keep-alive connection, as psql keeps one session: the timings
    compare answering, not connecting. Reconnects when the server closes."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def get(self, path, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=120)
            try:
                self.conn.request("GET", path, headers=headers or {})
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def time_crashbox(session, params, reps, fresh, warmup=2):
    """Times the search `reps` times. fresh: every answer computed
    (Cache-Control: no-cache, what the first asker after a commit waits);
    else as a repeated search is answered, from the result cache."""
    path = "/api/SuperSearch/?" + urllib.parse.urlencode(params)
    headers = {"Cache-Control": "no-cache"} if fresh else {}
    times, body = [], None
    for i in range(warmup + reps):
        start = time.perf_counter()
        status, body = session.get(path, headers)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise RuntimeError(f"HTTP {status}: "
                               f"{body[:300].decode(errors='replace')}")
        if i >= warmup:
            times.append(elapsed)
    return times, json.loads(body)


def time_postgres(psql, sql_by_name, reps, warmup=2):
    """Runs every query warmup + reps times in one psql session and reads
    psql's own \\timing lines (client round trip, results discarded)."""
    script = ["\\timing on", "\\o /dev/null"]
    order = []
    for name, sql in sql_by_name.items():
        for i in range(warmup + reps):
            script.append(sql + ";")
            order.append((name, i >= warmup))
    out = subprocess.run(shlex.split(psql) + ["-X", "-v", "ON_ERROR_STOP=1"],
                         input="\n".join(script) + "\n", text=True,
                         capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit(f"search_driver: psql failed: {out.stderr.strip()}")
    found = [float(line.split()[1]) for line in out.stdout.splitlines()
             if line.startswith("Time: ")]
    if len(found) != len(order):
        sys.exit(f"search_driver: expected {len(order)} timings from psql, "
                 f"got {len(found)}")
    times = collections.defaultdict(list)
    for (name, counted), ms in zip(order, found):
        if counted:
            times[name].append(ms)
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--end", required=True)
    p.add_argument("--tsv", required=True)
    p.add_argument("--url")
    p.add_argument("--psql")
    p.add_argument("--reps", type=int, default=30)
    args = p.parse_args()
    end = dt.datetime.fromisoformat(args.end).astimezone(dt.timezone.utc)
    product, version = pick_parameters(args.tsv, end)
    qs = queries(end, product, version)
    print(f"queries: product={product} version={version}; {args.reps} timed "
          "runs each after 2 warm-ups; ms")
    cold, warm, pg = {}, {}, {}
    if args.url:
        session = HttpSession(args.url)
        for name, (params, _) in qs.items():
            try:
                times, body = time_crashbox(session, params, args.reps, True)
                cold[name] = (stats(times), body.get("total"))
                times, cached = time_crashbox(session, params, args.reps,
                                              False)
                if cached != body:
                    raise RuntimeError("the cached answer differs")
                warm[name] = stats(times)
            except RuntimeError as e:
                print(f"  crashbox: {name}: {e}")
    if args.psql:
        for name, times in time_postgres(
                args.psql, {n: s for n, (_, s) in qs.items()},
                args.reps).items():
            pg[name] = stats(times)
    width = max(len(n) for n in qs)
    print(f"  {'':<{width}}  {'crashbox computed':>17} {'':>8}  "
          f"{'crashbox cached':>15}  {'postgres':>17}  {'pg/cb':>13}")
    print(f"  {'query':<{width}}  {'med':>8} {'p95':>8} {'total':>8}  "
          f"{'med':>7} {'p95':>7}  {'med':>8} {'p95':>8}  "
          f"{'computed':>8} {'cached':>7}")
    dash = "-"
    for name in qs:
        row = f"  {name:<{width}}  "
        if name in cold:
            (med, p95), total = cold[name]
            total = dash if total is None else total
            row += f"{med:8.2f} {p95:8.2f} {total:>8}  "
        else:
            row += f"{dash:>8} {dash:>8} {dash:>8}  "
        if name in warm:
            row += f"{warm[name][0]:7.2f} {warm[name][1]:7.2f}  "
        else:
            row += f"{dash:>7} {dash:>7}  "
        if name in pg:
            row += f"{pg[name][0]:8.2f} {pg[name][1]:8.2f}  "
        else:
            row += f"{dash:>8} {dash:>8}  "
        if name in pg and name in cold and name in warm:
            row += (f"{pg[name][0] / cold[name][0][0]:7.1f}x "
                    f"{pg[name][0] / warm[name][0]:6.1f}x")
        print(row)

if __name__ == "__main__":
    main()
