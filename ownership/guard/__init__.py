"""The agent guard: a hook call of any agent host → allow or deny, and everything that installs and checks it.

protocol.py    the hook's JSON in (HookInput, parse_input) and out (Check, Verdict), audit records
decide.py      Guard: the contract in force, where each path lies, who acts, the decision
shell.py       a Bash command → the paths it writes (tree-sitter-bash), expansions bounded
writers.py     the commands that change files, each read as it reads its operands
paths.py       where a path lands: symlinks, then `..`, as the kernel resolves it
powershell.py  a PowerShell command → the paths it writes, or a refusal naming the cmdlet
patch.py       an apply_patch envelope → every file it adds, updates, deletes or moves to
adapters/      one module a host (claude, codex, gemini, cursor, copilot, windsurf, cline, opencode, kiro):
               its payload → the request, the verdict → its answer, its installer and doctor probes
hook.py        the `guard` hook entry: payload → answer (through the host's adapter), audit log appended
installers.py  the guard merged into .claude/settings.json; the hook's command; JSON merging for every host
doctor.py      `ownership doctor`: is the hook installed, and does it answer as it should

Nothing is imported here: the hook's import path stays light.
"""
