"""Setting a repository up: `ownership init` (contract, pre-commit hooks, Claude hooks, lint)."""
