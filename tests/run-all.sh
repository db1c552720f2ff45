#!/bin/sh
# Runs every test suite of the build in ./build and ends with one line
# "N passed, N failed".  Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.."
meson test -C build --print-errorlogs --num-processes 2 "$@"
status=$?
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print("%d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else ""))
PY
exit $status
