#!/usr/bin/env bash
# The action's check (action.yml): which commits, then `ownership check` twice, as annotations
# and as SARIF. GitHub's variables: GITHUB_BASE_REF (pull requests), GITHUB_EVENT_PATH (the
# push's "before"), GITHUB_SHA; OWNERSHIP_RANGE overrides them. Exit 1 on a violation.
set -uo pipefail

range="${OWNERSHIP_RANGE:-}"
if [ -z "$range" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    # A pull request: its commits, from where it left the base branch.
    git fetch --quiet --no-tags origin "$GITHUB_BASE_REF" 2>/dev/null || true
    base="origin/$GITHUB_BASE_REF"
    git rev-parse --quiet --verify "$base^{commit}" >/dev/null || base="$GITHUB_BASE_REF"
    range="$base...${GITHUB_SHA:-HEAD}"
fi
if [ -z "$range" ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
    # A push: the commits since "before"; a new branch (before = 0000...) is checked whole.
    before=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("before") or "")' "$GITHUB_EVENT_PATH")
    case "$before" in
        ""|0000000000000000000000000000000000000000) range="${GITHUB_SHA:-HEAD}" ;;
        *) range="$before..${GITHUB_SHA:-HEAD}" ;;
    esac
fi
range="${range:-HEAD}"
echo "ownership: checking $range"

ownership check --range "$range" --format sarif > ownership.sarif || true
ownership check --range "$range" --format github
status=$?
if [ "$status" -ge 2 ]; then
    echo "::error title=ownership::the check could not run (exit $status); see the lines above"
fi
exit "$status"
