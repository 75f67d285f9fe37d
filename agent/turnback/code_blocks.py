"""Reading Python source by its indentation and assignments, without parsing it: function
bodies, `try`/`except` blocks, what an `except` hands back, and which earlier lines of a
function fed a line (a cheap backward data flow). The code searched may not even import,
so nothing here executes or compiles it."""

from __future__ import annotations

import re

STRING_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
DECORATOR = re.compile(r"^\s*@")
DEF = re.compile(r"^(\s*)(?:async\s+def|def)\s+(\w+)")
EXCEPT = re.compile(r"^\s*except\b")
# A line in an `except` block that hands back success (or nothing at all).
SUCCESS_RETURN = re.compile(
    r"^\s*(return\b.*(success|confirm|\bok\b|True|\"done\"|'done'|status)|pass\s*$)", re.IGNORECASE
)
SLICE_DEPTH = 3  # assignments followed back from a line by feeding_lines
ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=[^=]|\(([A-Za-z_]\w*)\s*:=")
NAME_USED = re.compile(r"\b([A-Za-z_]\w*)\b")


def decorated_def(lines: list[str], decorator_line: int) -> int:
    """The `def` line a decorator (and any stacked ones) applies to, else the decorator."""
    for j in range(decorator_line, min(decorator_line + 6, len(lines))):
        if re.match(r"\s*(async\s+def|def|class)\b", lines[j]):
            return j + 1
        if not DECORATOR.match(lines[j]) and lines[j].strip():
            break
    return decorator_line


def feeding_lines(lines: list[str], body: range, line_no: int) -> list[int]:
    """Lines of the same function that assign the names `line_no` reads, and the lines
    that feed those, up to SLICE_DEPTH steps back."""
    fed: list[int] = []
    frontier = [line_no]
    for _ in range(SLICE_DEPTH):
        nxt = []
        for at in frontier:
            text = lines[at - 1]
            # What an assignment reads is its right-hand side (`booking["time"] = time`).
            read = re.split(r"(?<![=!<>:])=(?!=)", code_only(text), maxsplit=1)[-1]
            for name in dict.fromkeys(NAME_USED.findall(read)):
                source = next((k for k in range(at - 1, body.start - 1, -1) if k in body
                               and (m := ASSIGNED.search(lines[k - 1]))
                               and name in re.split(r"\s*,\s*", m.group(1) or m.group(2))), None)
                if source is not None and source not in fed and source != line_no:
                    fed.append(source)
                    nxt.append(source)
        frontier = nxt
    return fed


def code_only(line: str) -> str:
    """A line without its string literals and comment."""
    return STRING_LITERAL.sub('""', line).split("#", 1)[0]


def writes_key(line: str, key: str) -> bool:
    """A dict literal entry, an item assignment or a variable assignment of `key`."""
    k = re.escape(key)
    return bool(re.search(rf"[\"']{k}[\"']\s*:|\[\s*[\"']{k}[\"']\s*\]\s*=[^=]|^\s*{k}\s*=[^=]", line))


def function_body(lines: list[str], name: str | None) -> range:
    """Line numbers (1-based) of the function `name` defines."""
    if not name:
        return range(0)
    definition = re.compile(rf"^\s*(async\s+def|def)\s+{re.escape(name)}\b")
    start = next((i for i, line in enumerate(lines, 1) if definition.match(line)), None)
    return range(0) if start is None else body_from(lines, start)


def returns_of(lines: list[str], name: str) -> list[int]:
    """The `return <value>` lines of the function `name` defines in these lines."""
    return [j for j in function_body(lines, name) if re.match(r"\s*return\s+\S", lines[j - 1])]


def body_from(lines: list[str], def_line: int) -> range:
    """The lines of the block that starts at `def_line`, by indentation."""
    indent = indentation(lines[def_line - 1])
    end = def_line
    for j in range(def_line, len(lines)):
        line = lines[j]
        if line.strip() and indentation(line) <= indent and not line.lstrip().startswith(("#", ")")):
            break
        end = j + 1
    return range(def_line, end + 1)


def reraises(lines: list[str], except_line: int) -> bool:
    """Whether the `except` block at `except_line` raises again."""
    indent = indentation(lines[except_line - 1])
    for line in lines[except_line:]:
        if line.strip() and indentation(line) <= indent:
            return False
        if re.match(r"\s*raise\b", line):
            return True
    return False


def enclosing_body(lines: list[str], line_no: int) -> range:
    """The lines of the innermost function around `line_no` (1-based)."""
    indent = indentation(lines[line_no - 1])
    for i in range(line_no - 1, 0, -1):
        match = DEF.match(lines[i - 1])
        if match and len(match.group(1)) < indent:
            return body_from(lines, i)
    return range(0)


def fallback_returns(lines: list[str], body: range) -> list[tuple[int, int]]:
    """(except line, return line) for each `except` in `body` that does not re-raise and
    hands back a value instead."""
    found = []
    for j in body:
        if 1 <= j <= len(lines) and EXCEPT.match(lines[j - 1]) and not reraises(lines, j):
            found += [(j, k) for k in body_from(lines, j)[1:]
                      if lines[k - 1].lstrip().startswith("return ")]
    return found


def try_block(lines: list[str], except_line: int) -> range:
    """The lines of the `try:` block an `except` at `except_line` closes."""
    indent = indentation(lines[except_line - 1])
    for k in range(except_line - 1, 0, -1):
        line = lines[k - 1]
        if line.strip() and indentation(line) == indent and line.lstrip().startswith("try"):
            return range(k, except_line)
        if line.strip() and indentation(line) < indent:
            break
    return range(0)


def swallowed_errors(lines: list[str], def_line: int) -> list[tuple[int, str, str]]:
    """`except` blocks inside the function at `def_line` (0: anywhere in the file) that
    return success or pass."""
    hits = []
    for j in body_from(lines, def_line)[1:] if def_line else range(1, len(lines) + 1):
        line = lines[j - 1]
        if EXCEPT.match(line):
            for k in range(j, min(j + 5, len(lines))):
                if SUCCESS_RETURN.match(lines[k]):
                    hits.append((j, line, lines[k]))
                    break
    return hits


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip())
