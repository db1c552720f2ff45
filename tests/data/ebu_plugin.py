#!/usr/bin/env python3
"""EBU Tech 3341 / 3342 cases through the loudness meter *plugin*, hosted by
the lilv test host with random block sizes: the final readings of the output
ports must meet the specifications, as the engine's do.

usage: ebu_plugin.py GEN_EBU PSHOST RATE   (LV2_PATH must find the bundles)"""
import subprocess
import sys
import tempfile

URIS = {1: "urn:postsync:loudness#mono", 2: "urn:postsync:loudness#stereo",
        6: "urn:postsync:loudness#51"}


def main():
    gen, pshost, rate = sys.argv[1], sys.argv[2], sys.argv[3]
    checks = [line.split() for line in
              subprocess.run([gen, "--list"], check=True, capture_output=True,
                             text=True).stdout.splitlines()]
    failed = ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([gen, rate, tmp], check=True)
        for seed, (name, channels, measure, want, below, above, _) in enumerate(checks, 1):
            uri = URIS.get(int(channels))
            if not uri or measure.endswith(("_const", "_each")):
                continue  # series checks are the engine's; 5.0 has no plugin variant
            lo = float(want) - float(below) - 1e-6
            hi = float(want) + float(above) + 1e-6
            result = subprocess.run(
                [pshost, uri, "-i", "%s/%s.wav" % (tmp, name), "--random-blocks", str(seed),
                 "--expect-range", measure, repr(lo), repr(hi)],
                capture_output=True, text=True)
            value = next((l.split()[1] for l in result.stdout.splitlines()
                          if l.split()[:1] == [measure]), "?")
            ok = result.returncode == 0
            ran += 1
            failed += not ok
            print("%s %-14s %6s Hz %-28s %-14s %8s  (want %s, -%s/+%s)%s" % (
                "ok  " if ok else "FAIL", name, rate, uri, measure, value, want, below, above,
                "" if ok else "\n" + result.stderr.strip()))
    print("%d checks, %d failed" % (ran, failed))
    return 1 if failed or not ran else 0


if __name__ == "__main__":
    sys.exit(main())
