"""The agent guard: a Claude Code hook call → allow or deny, and everything that installs and checks it.

protocol.py    the hook's JSON in (HookInput, parse_input) and out (Check, Verdict), audit records
decide.py      Guard: the contract in force, where each path lies, who acts, the decision
shell.py       a Bash command → the paths it writes
hook.py        the `guard` hook entry: payload → answer, audit log appended
installers.py  the guard merged into .claude/settings.json; the hook's command
doctor.py      `ownership doctor`: is the hook installed, and does it answer as it should

Nothing is imported here: the hook's import path stays light.
"""
