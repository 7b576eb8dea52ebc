"""Results → text | json | jsonl | github | sarif. Renders; decides nothing.

common.py    the one sentence of a decision (DETAILS: access → words), show_path, rule_text, dumps
text.py      for people: explain, can-write, lanes, lint, check (and the summary lines every format ends with)
json.py      for machines: the same facts as JSON (explain also as JSON Lines)
github.py    check as GitHub Actions workflow commands
sarif.py     check and lint as SARIF 2.1.0 (loaded only when asked for)
registry.py  (command, format) → renderer
"""
