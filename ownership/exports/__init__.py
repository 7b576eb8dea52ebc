"""Contract → other formats, one module a product; and CODEOWNERS back into a contract.

common.py             generated files' names and marks, who owns a path, CODEOWNERS read by GitHub's rules
codeowners.py         contract → CODEOWNERS (`ownership export codeowners`)
codeowners_import.py  CODEOWNERS → ownership.yaml (`ownership import codeowners`)
contract_md.py        contract → CONTRACT.md (`ownership export contract-md`)
stale.py              which command makes each generated file, and whether a committed one is stale
map.py                contract → one self-contained HTML page (`ownership map`)
"""
