#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Tests of gencrashes.py: seeded output repeats (whatever --jobs is), crash
ids are Socorro's and agree with date_processed, fields have the field
table's types, the spread is what the README promises, bad arguments are
refused."""

import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "gencrashes.py")
END = "2026-12-05T09:00:00"
CRASH_ID = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}"
                      r"-[a-f0-9]{6}[0-9]{6}$")


def run(*args, check=True):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True,
                          text=True, check=check)


class GencrashesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = run("6000", "--seed", "3", "--end", END, "--jobs", "2").stdout
        cls.crashes = [json.loads(line) for line in cls.text.splitlines()]

    def test_seeded_output_repeats_whatever_the_jobs(self):
        again = run("6000", "--seed", "3", "--end", END, "--jobs", "1").stdout
        self.assertEqual(again, self.text)
        other = run("6000", "--seed", "4", "--end", END, "--jobs", "1").stdout
        self.assertNotEqual(other, self.text)

    def test_ids_are_socorros_and_agree_with_the_date(self):
        end = dt.datetime.fromisoformat(END).replace(tzinfo=dt.timezone.utc)
        ids = set()
        for c in self.crashes:
            self.assertRegex(c["uuid"], CRASH_ID)
            self.assertEqual(c["uuid"], c["crash_id"])
            self.assertEqual(c["uuid"][-7], "0")  # accepted
            when = dt.datetime.fromisoformat(c["date_processed"])
            self.assertEqual(c["uuid"][-6:], when.strftime("%y%m%d"))
            self.assertLessEqual(when, end)
            self.assertGreaterEqual(when, end - dt.timedelta(days=90))
            ids.add(c["uuid"])
        self.assertEqual(len(ids), len(self.crashes))

    def test_fields_have_the_tables_types(self):
        types = {"signature": str, "product": str, "version": str,
                 "build": str, "os_name": str, "process_type": str,
                 "cpu_arch": str, "reason": str, "address": str,
                 "uptime": int, "major_version": int, "crash_time": int,
                 "install_age": int, "startup_crash": bool,
                 "success": bool, "json_dump": dict}
        for c in self.crashes:
            for field, t in types.items():
                self.assertIsInstance(c[field], t, field)
            self.assertTrue(c["build"].isdigit())
            self.assertEqual(len(c["build"]), 14)
            jd = c["json_dump"]
            self.assertEqual(jd["system_info"]["os"], c["os_name"])
            self.assertGreater(len(jd["crashing_thread"]["frames"]), 0)

    def test_spread(self):
        sigs = collections.Counter(c["signature"] for c in self.crashes)
        self.assertGreater(len(sigs), 1000)  # a long tail
        top = sigs.most_common(1)[0][1]
        self.assertGreater(top, len(self.crashes) * 0.05)  # a heavy head
        products = {c["product"] for c in self.crashes}
        self.assertEqual(products, {"Firefox", "Fenix", "Thunderbird", "Focus"})
        self.assertTrue(any(re.fullmatch(r"\d+\.0b\d", c["version"])
                            for c in self.crashes))
        self.assertEqual({c["os_name"] for c in self.crashes},
                         {"Windows NT", "Mac OS X", "Linux", "Android"})
        self.assertEqual({c["process_type"] for c in self.crashes},
                         {"parent", "content", "gpu", "rdd", "utility"})
        for c in self.crashes:
            if c["product"] in ("Fenix", "Focus"):
                self.assertEqual(c["os_name"], "Android")
        self.assertGreater(sum("url" in c for c in self.crashes), 1000)
        self.assertGreater(sum("email" in c for c in self.crashes), 50)
        size = len(self.text) / len(self.crashes)
        self.assertLess(size, 4500)

    def test_tsv_rows_match_the_lines(self):
        with tempfile.TemporaryDirectory() as tmp:
            tsv = os.path.join(tmp, "rows.tsv")
            out = os.path.join(tmp, "c.jsonl")
            run("50", "--seed", "3", "--end", END, "--out", out, "--tsv", tsv)
            with open(out) as f:
                lines = [json.loads(line) for line in f]
            with open(tsv) as f:
                rows = [line.rstrip("\n").split("\t") for line in f]
        self.assertEqual(len(rows), 50)
        for c, row in zip(lines, rows):
            self.assertEqual(row[0], c["uuid"])
            self.assertEqual(row[8], c["signature"])
            self.assertEqual(len(row), 17)

    def test_templates_supply_the_stacks(self):
        frames = [{"frame": 0, "function": "template_fn", "module": "t.so",
                   "file": "t.c", "line": 3}]
        doc = {"uuid": "x", "json_dump": {
            "crashing_thread": {"frames": frames},
            "modules": [{"filename": "t.so", "debug_file": "t.so",
                         "debug_id": "ABC"}]}}
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "one.json"), "w") as f:
                json.dump(doc, f)
            with open(os.path.join(tmp, "junk.json"), "w") as f:
                f.write("{not json")
            out = run("20", "--end", END, "--templates", tmp).stdout
            empty = os.path.join(tmp, "empty")
            os.mkdir(empty)
            refused = run("5", "--templates", empty, check=False)
        for line in out.splitlines():
            c = json.loads(line)
            self.assertEqual(c["json_dump"]["crashing_thread"]["frames"],
                             frames)
            self.assertEqual(c["modules_in_stack"], "t.so/ABC")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("no processed crash", refused.stderr)

    def test_bad_arguments_are_refused(self):
        for args in (["-1"], ["60000000"], ["5", "--jobs", "0"],
                     ["5", "--end", "yesterday"]):
            r = run(*args, check=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn("gencrashes", r.stderr, args)


if __name__ == "__main__":
    unittest.main()
