"""The apply_patch reader and the PowerShell reader: what each reads as written, and what each refuses."""

from __future__ import annotations

import pytest

from ownership.errors import UsageError
from ownership.guard.patch import patch_paths
from ownership.guard.powershell import NotUnderstood, written_paths

BEGIN, END = "*** Begin Patch\n", "*** End Patch\n"


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ("*** Add File: a/new.py\n+x = 1\n+\n", ["a/new.py"]),
        ("*** Update File: b.py\n@@ def f():\n-    return 1\n+    return 2\n", ["b.py"]),
        ("*** Delete File: c.py\n", ["c.py"]),
        ("*** Update File: d.py\n*** Move to: e/d.py\n@@\n-a\n+b\n*** End of File\n", ["d.py", "e/d.py"]),
        ("*** Add File: f.py\n+1\n*** Delete File: g.py\n*** Update File: f.py\n@@\n-1\n+2\n", ["f.py", "g.py"]),
        ("*** Add File: ../outside.py\n+x\n", ["../outside.py"]),  # judged as typed: the guard resolves it
        ("*** Update File: h.py\n@@\n context\n\n-x\n+y\n", ["h.py"]),  # an empty line inside a hunk
    ],
)
def test_patch_paths(body: str, paths: list[str]) -> None:
    assert patch_paths(BEGIN + body + END) == paths


def test_the_heredoc_form_codex_also_accepts() -> None:
    text = "apply_patch <<'EOF'\n" + BEGIN + "*** Add File: x.py\n+1\n" + END + "EOF\n"
    assert patch_paths(text) == ["x.py"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "apply_patch: the patch does not start with '*** Begin Patch'"),
        ("*** Add File: x.py\n+1\n" + END, "apply_patch: the patch does not start with '*** Begin Patch'"),
        (BEGIN + "*** Add File: x.py\n+1\n", "apply_patch: the patch does not end with '*** End Patch'"),
        (BEGIN + END, "apply_patch: the patch names no file"),
        (BEGIN + "*** Add File: \n+1\n" + END, "apply_patch: line 2: '*** Add File:' names no file"),
        (BEGIN + "+1\n" + END, "apply_patch: line 2: expected '*** Add File:', '*** Update File:' or '*** Delete File:'"),
        (BEGIN + "*** Add File: x\nplain\n" + END, "apply_patch: line 3: a line of an added file must start with '+'"),
        (BEGIN + "*** Delete File: x\n-1\n" + END, "apply_patch: line 3: '*** Delete File:' takes no lines"),
        (BEGIN + "*** Add File: x\n*** Move to: y\n" + END,
         "apply_patch: line 3: '*** Move to:' must follow '*** Update File:' and name a file"),
        (BEGIN + "*** Update File: x\n*** Rename To: y\n" + END, "apply_patch: line 3: unknown header '*** Rename To: y'"),
        (BEGIN + "*** Update File: x\nno prefix\n" + END,
         "apply_patch: line 3: a hunk line must start with '@@', ' ', '-' or '+'"),
    ],
)  # fmt: skip
def test_a_malformed_patch_is_refused_with_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        patch_paths(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("command", "paths"),
    [
        ("Set-Content -Path a.txt -Value 'x'", ["/r/a.txt"]),
        ("Set-Content a.txt 'x'", ["/r/a.txt"]),
        ("sc -LiteralPath 'b c.txt' -Value x", ["/r/b c.txt"]),
        ("Add-Content -Path:log.txt -Value x", ["/r/log.txt"]),
        ("'x' | Out-File -FilePath out.txt -Encoding utf8", ["/r/out.txt"]),
        ("'x' | Out-File out.txt", ["/r/out.txt"]),
        ("Get-Process | Tee-Object -FilePath t.txt", ["/r/t.txt"]),
        ("New-Item -ItemType File -Path n.txt -Force", ["/r/n.txt"]),
        ("ni -Path dir -Name n.txt -ItemType File", ["/r/dir/n.txt"]),
        ("mkdir newdir", ["/r/newdir"]),
        ("Remove-Item -Recurse -Force old", ["/r/old"]),
        ("del a.txt,b.txt", ["/r/a.txt", "/r/b.txt"]),
        ("Copy-Item src.txt -Destination dst.txt", ["/r/dst.txt"]),
        ("cp src.txt dst.txt", ["/r/dst.txt"]),
        ("Move-Item -Path a.txt -Destination sub\\b.txt", ["/r/a.txt", "/r/sub/b.txt"]),
        ("mv a.txt b.txt", ["/r/a.txt", "/r/b.txt"]),
        ("Rename-Item -Path a.txt -NewName b.txt", ["/r/a.txt", "/r/b.txt"]),
        ("Write-Output x > r.txt; Write-Output y >> s.txt", ["/r/r.txt", "/r/s.txt"]),
        ("cmd 2> err.txt", ["/r/err.txt"]),
        ("cmd *> all.txt", ["/r/all.txt"]),
        ("cmd 2>&1 > $null", []),
        ("SET-CONTENT -PATH UP.txt -VALUE x", ["/r/UP.txt"]),
        ("Get-Content a.txt; Get-ChildItem -Recurse", []),
        ("Set-Content -Path ../x.txt -Value 1", ["/x.txt"]),
    ],
)
def test_powershell_written_paths(command: str, paths: list[str]) -> None:
    assert written_paths(command, "/r") == paths


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("Set-Content -Path $target -Value x", "PowerShell: cannot read the path '$target' Set-Content writes"),
        ('Set-Content -Path "$env:TEMP\\x" -Value x', "PowerShell: cannot read the path '$env:TEMP\\\\x' Set-Content writes"),
        ("Remove-Item *.py", "PowerShell: cannot read the path '*.py' Remove-Item writes"),
        ("echo x > $(Get-Name)", "PowerShell: cannot read the path '$(Get-Name)' the redirection writes"),
        ("Copy-Item a.txt", "PowerShell: cannot read where Copy-Item writes"),
        ("Set-Content -Value x", "PowerShell: cannot read which file Set-Content writes"),
        ("[System.IO.File]::WriteAllText('a.txt', 'x')", "PowerShell: cannot read what [System.IO.File]::Write... writes"),
        ("Set-Content 'a.txt", "PowerShell: a quote is not closed"),
        ("echo x >", "PowerShell: a redirection names no file"),
    ],
)  # fmt: skip
def test_a_powershell_write_it_cannot_read_is_refused_naming_the_cmdlet(command: str, message: str) -> None:
    with pytest.raises(NotUnderstood) as caught:
        written_paths(command, "/r")
    assert str(caught.value) == message
