"""Unit tests of scripts/mutants.py's parsing: the stress binary's result line, and the kill
matrix's cells. Run: /usr/bin/python3 -m unittest discover -s scripts/tests"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import mutants  # noqa: E402


class ResultLine(unittest.TestCase):
    def test_last_line_wins(self):
        out = ("csplab-result: {\"status\":\"pass\",\"kind\":\"\",\"message\":\"a\"}\n"
               "noise\n"
               "csplab-result: {\"status\":\"fail\",\"kind\":\"hang\",\"message\":\"w: \\\"q\\\"\"}\n")
        r = mutants.result(out)
        self.assertEqual(r["kind"], "hang")
        self.assertEqual(r["message"], 'w: "q"')

    def test_absent_or_torn(self):
        self.assertIsNone(mutants.result("csplab-stress: FAIL x\n"))
        self.assertIsNone(mutants.result("csplab-result: {\"status\":\"fa"))


class Cells(unittest.TestCase):
    def test_sanitizer_build_named_only_when_alone(self):
        kills = [{"check": "stress", "tsan": False, "build": "tsan", "name": "s", "how": "h"}]
        self.assertEqual(mutants.cell(kills, "stress"), "`s` (tsan build): h")
        kills.append({"check": "stress", "tsan": False, "build": "release", "name": "r",
                      "how": "h"})
        self.assertEqual(mutants.cell(kills, "stress"), "`r`: h")
        self.assertIsNone(mutants.cell(kills, "stress-long"))


if __name__ == "__main__":
    unittest.main()
