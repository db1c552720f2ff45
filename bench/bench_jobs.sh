# Sourced by the benchmark scripts: `spawn COMMAND...` runs the command in
# the background, $jobs at a time (the caller sets jobs, and waits for the
# last ones itself).
running=0
spawn() {
  "$@" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
}
