#!/usr/bin/env python3
"""EBU Tech 3341 / 3342 cases written as WAV files and measured by
`postsync loudness`, as a user would: --json for the final readings and
--csv for the 100 ms series of the constancy checks.

usage: ebu_tool.py GEN_EBU POSTSYNC RATE"""
import json
import math
import os
import subprocess
import sys
import tempfile


def main():
    gen, postsync, rate = sys.argv[1], sys.argv[2], sys.argv[3]
    checks = [line.split() for line in
              subprocess.run([gen, "--list"], check=True, capture_output=True,
                             text=True).stdout.splitlines()]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([gen, rate, tmp], check=True)
        for name, channels, measure, want, below, above, after in checks:
            want, below, above, after = map(float, (want, below, above, after))
            wav = os.path.join(tmp, name + ".wav")
            if measure.endswith("_each"):
                continue  # per-segment maxima are read by the unit suite
            if measure.endswith("_const"):
                out = subprocess.run([postsync, "loudness", "--csv", "-q", wav], check=True,
                                     capture_output=True, text=True).stdout.splitlines()
                column = 2 if measure.startswith("momentary") else 3
                worst = want
                for row in out[1:]:
                    fields = row.split(",")
                    t = float(fields[1])
                    if t < after + 0.1 - 1e-9 or not fields[column]:
                        continue
                    v = float(fields[column])
                    if abs(v - want) > abs(worst - want):
                        worst = v
                value = worst
            else:
                doc = json.loads(subprocess.run(
                    [postsync, "loudness", "--json", "-q", wav], check=True,
                    capture_output=True, text=True).stdout)[0]
                value = doc[measure]
                if value is None:
                    value = -math.inf
            ok = want - below - 1e-9 <= value <= want + above + 1e-9
            failed += not ok
            print("%s %-14s %6s Hz  %-16s %8.3f  (want %g, -%g/+%g)" % (
                "ok  " if ok else "FAIL", name, rate, measure, value, want, below, above))
    print("%d checks, %d failed" % (len(checks), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
