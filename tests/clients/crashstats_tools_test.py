#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""A real client against a real server: Mozilla's crashstats-tools.

Runs the unmodified `supersearch` and `supersearchfacet` commands from
../shared/clients/crashstats-tools against `crashbox serve --host URL` and
checks they print the same crash ids and counts as /api/SuperSearch/ gives.
The crashes come from tools/gencrashes, loaded with `crashbox import -`
beside the running server, so the indexer's catch-up is covered too.

Usage: crashstats_tools_test.py CRASHBOX_BINARY
Exits 77 (CTest's skip) when ../shared/clients is absent.
"""
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = os.path.join(REPO, "..", "shared", "clients", "crashstats-tools", "src")
CRASHBOX = None
COUNT = 600
# The client's packages come from Debian (tools/setup.sh), so they live in
# Debian's interpreter, whatever python3 comes first on PATH.
CLIENT_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
# The generator spreads crashes over 90 days; Super Search allows 365.
SINCE = (datetime.date.today() - datetime.timedelta(days=120)).isoformat()


def api(base, params):
    url = base + "/api/SuperSearch/?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def client(module, function, args):
    """Runs a crashstats-tools command as its console script would."""
    code = f"from crashstats_tools.{module} import {function}; {function}()"
    env = dict(os.environ, PYTHONPATH=CLIENT, NO_COLOR="1", COLUMNS="200")
    env.pop("CRASHSTATS_API_TOKEN", None)
    p = subprocess.run([CLIENT_PYTHON, "-c", code, *args], env=env,
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"{function} {args} exited {p.returncode}:\n{p.stderr}")
    return p.stdout


class CrashstatsTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cb-crashstats-tools-")
        data = os.path.join(cls.tmp.name, "var")
        cls.server = subprocess.Popen(
            [CRASHBOX, "serve", "--listen", "127.0.0.1:0", "--data-dir", data,
             "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cls.base = cls.server.stdout.readline().strip()
        if not cls.base.startswith("http://"):
            cls.server.kill()
            raise RuntimeError(f"crashbox serve printed {cls.base!r}, not its URL")
        # Generated crashes spread over the last 90 days; imported beside
        # the server, which indexes them.
        gen = subprocess.run(
            [sys.executable, os.path.join(REPO, "tools", "gencrashes", "gencrashes.py"),
             str(COUNT), "--seed", "7", "--jobs", "1"],
            capture_output=True, check=True, timeout=120)
        imp = subprocess.run([CRASHBOX, "import", "-", "--data-dir", data],
                             input=gen.stdout, capture_output=True, timeout=120)
        if imp.returncode != 0:
            raise RuntimeError(f"import failed: {imp.stderr.decode()}")
        deadline = time.monotonic() + 60
        cls.everything = {"date": ">=" + SINCE, "_results_number": "0"}
        while api(cls.base, cls.everything)["total"] < COUNT:
            if time.monotonic() > deadline:
                raise RuntimeError("the imported crashes were never indexed")
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.server.wait()
        cls.tmp.cleanup()

    def top_product(self):
        facets = api(self.base, {**self.everything, "_facets": "product"})
        return facets["facets"]["product"][0]["term"]

    def test_supersearch_lists_the_same_crashes_as_the_api(self):
        product = self.top_product()
        params = {"product": product, "date": ">=" + SINCE}
        want = api(self.base, {**params, "_results_number": "1000",
                               "_columns": ["uuid", "signature"]})
        self.assertGreater(want["total"], 1)
        out = client("cmd_supersearch", "supersearch_cli", [
            "--host", self.base, "--num", "all", "--format", "csv", "--headers",
            f"--product={product}", "--date=>=" + SINCE,
            "--_columns=uuid", "--_columns=signature"])
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), want["total"])
        self.assertEqual(
            sorted((r["uuid"], r["signature"]) for r in rows),
            sorted((h["uuid"], h["signature"]) for h in want["hits"]))

    def test_supersearch_pages_with_num(self):
        # --num pages with _results_offset: the client asks 1,000 at a time
        # at most, so 250 of 600 is one page, "all" is one page here too.
        out = client("cmd_supersearch", "supersearch_cli", [
            "--host", self.base, "--num", "250", "--date=>=" + SINCE])
        ids = out.split()
        self.assertEqual(len(ids), 250)
        self.assertEqual(len(set(ids)), 250)

    def test_supersearchfacet_counts_match_the_api(self):
        product = self.top_product()
        want = api(self.base, {"product": product, "date": ">=" + SINCE,
                               "_results_number": "0", "_facets": "signature",
                               "_facets_size": "20"})
        out = client("cmd_supersearchfacet", "supersearchfacet", [
            "--host", self.base, "--relative-range", "100d", "--format", "json",
            f"--product={product}", "--_facets=signature", "--_facets_size=20"])
        got = json.loads(out)
        # The client adds a "total" row of its own.
        self.assertEqual(
            {row["signature"]: row["count"] for row in got["signature"]},
            {**{b["term"]: b["count"] for b in want["facets"]["signature"]},
             "total": want["total"]})

    def test_supersearchfacet_by_day_histogram(self):
        # A table of days × platforms: a date histogram with a facet under
        # each day, as supersearchfacet's documentation shows it.
        product = self.top_product()
        want = api(self.base, {"product": product, "date": ">=" + SINCE,
                               "_results_number": "0",
                               "_histogram.date": "platform"})
        total = sum(b["count"] for b in want["facets"]["histogram_date"])
        self.assertGreater(total, 0)
        out = client("cmd_supersearchfacet", "supersearchfacet", [
            "--host", self.base, "--relative-range", "100d", "--format", "json",
            f"--product={product}", "--_histogram.date=platform"])
        # The client's table: a row per day, a column per platform and a
        # "total" column; days at midnight print as their date.
        got = {row["histogram_date"]: {k: int(v) for k, v in row.items()
                                       if k != "histogram_date" and int(v) != 0}
               for row in json.loads(out)["histogram_date"]["platform"]}
        expected = {}
        for b in want["facets"]["histogram_date"]:
            day = b["term"][:10] if b["term"].endswith("T00:00:00+00:00") else b["term"]
            counts = {p["term"]: p["count"] for p in b["facets"]["platform"]}
            expected[day] = {**counts, "total": b["count"]}
        self.assertEqual(got, expected)


def main():
    global CRASHBOX
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    CRASHBOX = os.path.abspath(sys.argv[1])
    if not os.path.isdir(CLIENT):
        print(f"skip: {os.path.normpath(CLIENT)} not present "
              "(crashstats-tools compatibility test skipped)")
        return 77
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(CrashstatsTools)
    ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
