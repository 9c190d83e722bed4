#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""A real client against a real server: Mozilla's crashstats-tools.

Runs the unmodified `supersearch`, `supersearchfacet`, `fetch-data` and
`reprocess` commands from ../shared/clients/crashstats-tools against
`crashbox serve` with `--host URL` and checks they print the same crash ids
and counts as /api/SuperSearch/ gives, and fetch and reprocess what the API
allows their CRASHSTATS_API_TOKEN (a token made with `crashbox token
create`), and no more without one. The searched crashes come from
tools/gencrashes, loaded with `crashbox import -` beside the running server,
so the indexer's catch-up is covered too; one crash with a dump and a
protected URL is submitted to /submit.

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


def client(module, function, args, token=None, check=True):
    """Runs a crashstats-tools command as its console script would."""
    code = f"from crashstats_tools.{module} import {function}; {function}()"
    env = dict(os.environ, PYTHONPATH=CLIENT, NO_COLOR="1", COLUMNS="200")
    env.pop("CRASHSTATS_API_TOKEN", None)
    if token:
        env["CRASHSTATS_API_TOKEN"] = token
    p = subprocess.run([CLIENT_PYTHON, "-c", code, *args], env=env,
                       capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"{function} {args} exited {p.returncode}:\n{p.stderr}")
    return p.stdout if check else p


def submit(base, annotations, dump):
    """Posts a crash report as Breakpad does; returns its crash id."""
    boundary = "crashboxtestboundary"
    parts = []
    for k, v in annotations.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="upload_file_minidump"; '
                 f'filename="x.dmp"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                 + dump + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    req = urllib.request.Request(
        base + "/submit", data=b"".join(parts), method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode().strip().removeprefix("CrashID=bp-")


def crashbox(*args, stdin=""):
    p = subprocess.run([CRASHBOX, *args], input=stdin, capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"crashbox {args} exited {p.returncode}: {p.stderr}")
    return p.stdout


class CrashstatsTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cb-crashstats-tools-")
        data = cls.data = os.path.join(cls.tmp.name, "var")
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
        # One crash with a dump and personal data, and a token that may see
        # and reprocess it.
        cls.dump = b"MDMP" + bytes(range(256)) * 4
        cls.crash_id = submit(cls.base, {"ProductName": "Firefox", "Version": "128.0",
                                         "URL": "https://secret.example/fetched"},
                              cls.dump)
        crashbox("user", "add", "hacker", "--data-dir", data, stdin="longpassword\n")
        crashbox("user", "grant", "hacker", "Hackers", "--data-dir", data)
        cls.token = crashbox("token", "create", "hacker", "--permission", "view_pii",
                             "--permission", "view_rawdump", "--permission",
                             "reprocess_crashes", "--data-dir", data).strip()
        cls.everything = {"date": ">=" + SINCE, "_results_number": "0"}
        while api(cls.base, cls.everything)["total"] < COUNT + 1:
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

    def fetch(self, token, dumps=True):
        out = tempfile.mkdtemp(dir=self.tmp.name)
        client("cmd_fetch_data", "fetch_data", [
            "--host", self.base, "--raw", "--dumps" if dumps else "--no-dumps",
            "--processed", out, self.crash_id], token=token)
        def read(*path):
            p = os.path.join(out, *path)
            return open(p, "rb").read() if os.path.exists(p) else None
        return read

    def test_fetch_data_with_a_token_gets_everything(self):
        read = self.fetch(self.token)
        raw = json.loads(read("raw_crash", "20" + self.crash_id[-6:], self.crash_id))
        self.assertEqual(raw["URL"], "https://secret.example/fetched")
        self.assertIn("upload_file_minidump", raw["metadata"]["dump_checksums"])
        self.assertEqual(read("upload_file_minidump", self.crash_id), self.dump)
        processed = json.loads(read("processed_crash", self.crash_id))
        self.assertEqual(processed["url"], "https://secret.example/fetched")
        self.assertEqual(processed["uuid"], self.crash_id)

    def test_fetch_data_without_a_token_gets_public_fields_only(self):
        # (The client itself refuses --dumps without a token.)
        read = self.fetch(None, dumps=False)
        raw = read("raw_crash", "20" + self.crash_id[-6:], self.crash_id)
        self.assertIsNotNone(raw)
        self.assertNotIn(b"secret.example", raw)
        self.assertNotIn("metadata", json.loads(raw))
        self.assertIsNone(read("upload_file_minidump", self.crash_id))
        processed = read("processed_crash", self.crash_id)
        self.assertNotIn(b"secret.example", processed)
        self.assertEqual(json.loads(processed)["uuid"], self.crash_id)

    def test_fetch_data_dumps_need_view_rawdump(self):
        pii_only = crashbox("token", "create", "hacker", "--permission", "view_pii",
                            "--data-dir", self.data).strip()
        out = tempfile.mkdtemp(dir=self.tmp.name)
        p = client("cmd_fetch_data", "fetch_data", [
            "--host", self.base, "--raw", "--dumps", "--no-processed", out,
            self.crash_id], token=pii_only, check=False)
        self.assertFalse(os.path.exists(os.path.join(out, "upload_file_minidump",
                                                     self.crash_id)))
        self.assertIn("403", p.stdout + p.stderr)

    def test_reprocess_needs_a_token_that_may(self):
        def processed_at():
            url = f"{self.base}/api/ProcessedCrash/?crash_id={self.crash_id}"
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r)["completed_datetime"]
        before = processed_at()
        refused = client("cmd_reprocess", "reprocess", [
            "--host", self.base, "--sleep", "0", self.crash_id], check=False)
        self.assertNotEqual(refused.returncode, 0)
        client("cmd_reprocess", "reprocess", [
            "--host", self.base, "--sleep", "0", self.crash_id], token=self.token)
        deadline = time.monotonic() + 60
        while processed_at() == before:
            self.assertLess(time.monotonic(), deadline, "never reprocessed")
            time.sleep(0.2)


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
