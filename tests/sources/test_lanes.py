"""Agent-file bodies in the shapes people write, each read to the exact rules, or named at its line.

Every fixture here is written for this suite (see issue 12's list of shapes);
line numbers count from 1 at the first line of the body given.
"""

from __future__ import annotations

import textwrap

import pytest

from ownership.sources.lanes import Vocabulary, read_lanes


def read(text: str, vocabulary: Vocabulary | None = None):
    lanes = read_lanes(textwrap.dedent(text).lstrip("\n").splitlines(), 1, vocabulary)
    rules = [(r.section, r.pattern, r.line) for r in lanes.rules]
    notes = [(n.severity, n.code, n.line) for n in lanes.notes]
    return rules, notes, lanes


def test_the_documented_shape_fenced_blocks_under_headings() -> None:
    rules, notes, lanes = read("""
        ## File Ownership
        ### OWNS
        ```
        src/api/**    # routes
        /main.py
        ```
        ### READS
        ```
        src/db/**
        ```
        ### CANNOT TOUCH
        ```
        src/db/migrations/**
        ```
    """)
    assert rules == [("owns", "src/api/**", 4), ("owns", "/main.py", 5), ("reads", "src/db/**", 9),
                     ("cannot_touch", "src/db/migrations/**", 13)]  # fmt: skip
    assert notes == [] and lanes.parts == 3
    assert lanes.rules[0].comment == "routes"


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("## Allowed", "owns"),
        ("## ✅ Allowed writes", "owns"),
        ("## Write access", "owns"),
        ("## What I own", "owns"),
        ("## Scope", "owns"),
        ("## Working directory", "owns"),
        ("### 1. Can modify", "owns"),
        ("## 🚫 Forbidden", "cannot_touch"),
        ("## Forbidden writes", "cannot_touch"),
        ("## Off limits", "cannot_touch"),
        ("## Do not touch", "cannot_touch"),
        ("## Do NOT modify", "cannot_touch"),
        ("## ❌ Never edit", "cannot_touch"),
        ("## **Not allowed**", "cannot_touch"),
        ("## Read-only", "reads"),
        ("## 📖 Read only (context)", "reads"),
        ("## Schreibzugriff", "owns"),
        ("## Ne pas toucher", "cannot_touch"),
        ("## 只读", "reads"),
    ],
)
def test_heading_words_in_the_wild(heading: str, section: str) -> None:
    rules, notes, _ = read(f"{heading}\n\n- `docs/**`\n")
    assert (rules, notes) == ([(section, "docs/**", 3)], [])


def test_a_heading_of_lane_headings_is_a_container() -> None:
    rules, notes, _ = read("""
        ## Scope
        ### Can Read
        - `docs/**`
        ### Cannot Touch
        - `src/**`
    """)
    assert (rules, notes) == ([("reads", "docs/**", 3), ("cannot_touch", "src/**", 5)], [])


def test_descriptions_after_the_path() -> None:
    rules, notes, lanes = read("""
        ## Owns
        - `src/api/**` — the routes
        - src/core/** - settings and security
        - src/models/** (request and response shapes)
        - src/utils/** ✅ helpers
        - `src/services/**`: business logic
    """)
    assert rules == [("owns", "src/api/**", 2), ("owns", "src/core/**", 3), ("owns", "src/models/**", 4),
                     ("owns", "src/utils/**", 5), ("owns", "src/services/**", 6)]  # fmt: skip
    assert [r.comment for r in lanes.rules] == [
        "the routes", "settings and security", "request and response shapes", "helpers", "business logic"
    ]  # fmt: skip
    assert notes == []


def test_several_paths_in_one_item() -> None:
    rules, notes, _ = read("""
        ## Owns
        - `src/api/**`, `src/core/**` — backend
        - web/app/**, web/lib/** (front end)
        - docs/api/ / docs/guides/
    """)
    assert rules == [("owns", "src/api/**", 2), ("owns", "src/core/**", 2), ("owns", "web/app/**", 3),
                     ("owns", "web/lib/**", 3), ("owns", "docs/api/", 4), ("owns", "docs/guides/", 4)]  # fmt: skip
    assert notes == []


def test_bold_and_emoji_labels_instead_of_headings() -> None:
    rules, notes, _ = read("""
        You write code for the API.

        **Write:** `src/api/**`, `tests/api/**`

        ✅ **Allowed write access:**
        - `src/core/**`
        - `src/models/**`

        **Never write to these paths**
        - `migrations/**`
        - `.github/**`

        Allowed reads:
        - `docs/**`

        Some closing prose about `README.md` that is not a lane.
    """)
    assert rules == [
        ("owns", "src/api/**", 3), ("owns", "tests/api/**", 3), ("owns", "src/core/**", 6),
        ("owns", "src/models/**", 7), ("cannot_touch", "migrations/**", 10), ("cannot_touch", ".github/**", 11),
        ("reads", "docs/**", 14),
    ]  # fmt: skip
    assert notes == []


def test_a_tree_drawing_is_refused_not_read() -> None:
    rules, notes, lanes = read("""
        ### OWNS
        ```
        src/
        ├── api/        (mine)
        └── shared/     (read-only)
        ```
    """)
    assert rules == []
    assert notes == [("error", "tree-drawing", 4)]
    assert "its top line would take the whole folder" in lanes.notes[0].message


def test_brace_lists_are_alternatives_and_say_so() -> None:
    rules, notes, lanes = read("""
        ## Owns
        - `src/**/*.{ts,tsx}`
        - `*.test.{js,{mjs,cjs}}`
    """)
    assert rules == [("owns", "src/**/*.ts", 2), ("owns", "src/**/*.tsx", 2), ("owns", "*.test.js", 3),
                     ("owns", "*.test.mjs", 3), ("owns", "*.test.cjs", 3)]  # fmt: skip
    assert {r.written for r in lanes.rules} == {"src/**/*.{ts,tsx}", "*.test.{js,{mjs,cjs}}"}
    assert notes == []


def test_a_brace_bomb_is_refused() -> None:
    rules, notes, _ = read("## Owns\n- `" + "{a,b}" * 12 + "`\n")
    assert (rules, notes) == ([], [("error", "braces", 2)])


@pytest.mark.parametrize(
    ("section_heading", "severity"),
    [("## Owns", "error"), ("## Cannot touch", "error"), ("## Reads", "warning")],
)
def test_garbled_paths_are_refused_where_a_guess_could_widen_or_drop(section_heading: str, severity: str) -> None:
    rules, notes, lanes = read(f"""
        {section_heading}
        - src/\\*\\*
        - src\\api\\users.py
        - src/api/** → the routes
        - my folder/**
    """)
    assert rules == []
    assert notes == [(severity, "unreadable-path", n) for n in (2, 3, 4, 5)]
    assert "Markdown-escaped glob" in lanes.notes[0].message
    assert "Windows path" in lanes.notes[1].message


def test_qualifiers_that_would_widen_an_owns_lane_are_errors() -> None:
    rules, notes, lanes = read("""
        ## Owns
        - `src/shared/**` (read only)
        - `lib/**` (only if asked)
        - `src/app/**` (the app)
        ## Cannot touch
        - `.github/**` (without orchestrator approval)
    """)
    assert rules == [("owns", "src/app/**", 4), ("cannot_touch", ".github/**", 6)]
    assert notes == [("error", "qualified", 2), ("error", "qualified", 3), ("warning", "qualified", 6)]
    assert "the condition is not enforced" in lanes.notes[2].message


def test_prose_that_names_paths_under_a_lane_is_named() -> None:
    rules, notes, _ = read("""
        ## Owns
        You look after the `src/api/` folder and sometimes `docs/`.
        - `src/api/**`
        - The `tests/` folder when asked
    """)
    assert rules == [("owns", "src/api/**", 3)]
    assert notes == [("warning", "prose-paths", 2), ("warning", "prose-paths", 4)]


def test_a_lane_heading_with_nothing_read_is_named() -> None:
    rules, notes, _ = read("""
        ## Owns
        Everything the team lead gives you.
        ## Reads
        None
    """)
    assert (rules, notes) == ([], [("warning", "empty-lane", 1)])


def test_placeholders_left_by_a_generator_are_errors() -> None:
    rules, notes, _ = read("""
        ## Owns
        - `{{SOURCE_DIR}}/**`
        - `src/**`
    """)
    assert (rules, notes) == ([("owns", "src/**", 3)], [("error", "placeholder", 2)])


def test_code_blocks_in_a_language_are_not_paths_and_say_so() -> None:
    rules, notes, _ = read("""
        ## Owns
        ```bash
        rm -rf build/
        ```
        - `build/**`
    """)
    assert (rules, notes) == ([("owns", "build/**", 5)], [("warning", "code-block", 2)])


def test_a_contract_adds_its_own_words() -> None:
    vocabulary = Vocabulary({"owns": ["Mein Bereich"], "cannot_touch": ["Finger weg"]})
    rules, notes, _ = read("## Mein Bereich\n- `a/**`\n## Finger weg\n- `b/**`\n", vocabulary)
    assert (rules, notes) == ([("owns", "a/**", 2), ("cannot_touch", "b/**", 4)], [])


def test_a_heading_that_sounds_like_a_lane_but_is_not_known() -> None:
    rules, notes, _ = read("## Paths this agent can write\n- `a/**`\n")
    assert rules == [] and notes == [("warning", "unread-heading", 1)]


def test_prose_headings_and_lists_elsewhere_are_not_lanes() -> None:
    rules, notes, lanes = read("""
        ## Core Identity
        - Build REST API endpoints
        - Handle authentication/authorization
        ## Working Rules
        1. Read `src/db/` before changing models
        ## Quick commands
        ```bash
        grep -rn ERROR logs/
        ```
    """)
    assert (rules, notes, lanes.parts) == ([], [], 0)


def test_a_plain_label_with_bare_paths_on_its_line() -> None:
    rules, notes, _ = read("Allowed writes: src/api/**, src/core/**\nForbidden: migrations/**\n")
    assert (rules, notes) == (
        [("owns", "src/api/**", 1), ("owns", "src/core/**", 1), ("cannot_touch", "migrations/**", 2)],
        [],
    )
