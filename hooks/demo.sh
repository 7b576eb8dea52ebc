#!/bin/sh
# make demo: the enforcer on the bundled example (contract/ governing sample_service/).
# 1. lint the contract and ask a few questions;
# 2. in a scratch git copy, an agent commits in its lane (passes) and out of it (blocked).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

run ownership lint --strict
run ownership explain sample_service/main.py sample_service/src/db/migrations/env.py
run ownership can-write --agent backend-fastapi sample_service/src/services/users.py
say ownership can-write --agent backend-fastapi sample_service/src/db/migrations/env.py
ownership can-write --agent backend-fastapi sample_service/src/db/migrations/env.py || echo "(exit $?: refused, and it says whom to hand the work to)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ownership-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
git ls-files -z -- contract sample_service .gitignore | (cd "$top" && xargs -0 tar -cf -) | (cd "$scratch" && tar -xf -)
cd "$scratch"
git init -q -b main
git config user.name "Demo Person"
git config user.email person@example.com
git add -A
git commit -qm "the example, committed by a person"
cp "$top/hooks/git-hook" .git/hooks/pre-commit
git config ownership.agent backend-fastapi     # this clone is the backend agent's
printf '\nscratch copy: %s (git config ownership.agent = backend-fastapi, hooks/git-hook as pre-commit)\n' "$scratch"

echo "# in lane" >> sample_service/src/services/users.py
run git commit -qam "backend: a comment in the service layer"
echo "(commit passed)"

migration=$(git ls-files 'sample_service/src/db/migrations/versions/*.py' | head -n 1)
echo "# out of lane" >> "$migration"
say git commit -qam "backend: edit a migration"
if git commit -qam "backend: edit a migration"; then
    echo "demo failed: the out-of-lane commit went through" >&2
    exit 1
fi
echo "(commit blocked: the migration belongs to the database agent)"
