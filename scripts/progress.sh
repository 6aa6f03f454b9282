#!/usr/bin/env bash
# Runs a long first-run step with a line every 5 s saying how long it has been at work, so no step sits silent:
#   bash scripts/progress.sh "building the web client" npm run build:web
# Sourced (scripts/install-tools.sh), it only defines with_progress.

with_progress() {
  local label="$1"
  shift
  local prefix="${PROGRESS_PREFIX:-[start]}" started=$SECONDS next=5 pid status=0
  printf '%s %s...\n' "$prefix" "$label"
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.5
    if ((SECONDS - started >= next)); then
      printf '%s %s: %d s so far\n' "$prefix" "$label" $((SECONDS - started))
      next=$((next + 5))
    fi
  done
  wait "$pid" || status=$?
  if [ "$status" -eq 0 ]; then printf '%s %s: done in %d s\n' "$prefix" "$label" $((SECONDS - started)); fi
  return "$status"
}

[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
set -euo pipefail
with_progress "$@"
