"""Which lines of the application's repository to look at: `git grep` does the scanning,
Python only reads what it picked."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from turnback.repo_files import GIT_SAFE_CONFIG, MAX_FILE_BYTES, TEXT_SUFFIXES, git_env, read_text

LineHits = dict[str, list[tuple[int, str]]]
"""path -> the (line number, line) pairs picked, lines counted at newlines as git does"""

GIT_TIMEOUT_SECONDS = 300
GREP_RECORD = re.compile(rb"([^\0]*)\0(\d+)\0([^\n]*)\n")
# Python's \w, \s and \d also match non-ASCII letters, spaces and digits; git's Perl
# regexes run on bytes (LC_ALL=C), where those are bytes 0x80-0xff (and \s misses the
# separators 0x1c-0x1f). Widened so, a Perl pattern picks at least the lines Python's does.
WIDER_CLASSES = {"\\w": r"[\w\x80-\xff]", "\\s": r"[\s\x1c-\x1f\x80-\xff]", "\\d": r"[\d\x80-\xff]"}


class LineSearch:
    """The lines that one of `patterns` matches or that contain one of `literals`.

    In a git checkout `git grep -P` starts at once, so it scans while the caller lists
    the files, and `lines(files)` keeps its hits in those files (text files that
    `read_text` would read). Its patterns are widened to pick every line Python's would;
    callers match the picked lines again in Python. Without git (or with a git built
    without Perl regexes) Python scans the files itself. Neither reads a symlink: one
    to a file inside the repo would only repeat that file's findings."""

    def __init__(self, repo: Path, patterns: list[re.Pattern[str]], literals: list[str]) -> None:
        # A literal spanning lines, or one no UTF-8 text can hold, is in no line.
        literals = [t for t in literals if t and "\n" not in t and "\0" not in t and _encodable(t)]
        self.repo = repo
        self.pattern = grep_pattern(patterns, literals, perl=False) if patterns or literals else None
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (closed on exit) a file: git never waits on us
        self.process: subprocess.Popen[bytes] | None = None
        if self.pattern is None:
            return
        try:
            # LC_ALL=C: Perl patterns match bytes, the same whatever the user's locale.
            self.process = subprocess.Popen(
                git_grep_command(repo, grep_pattern(patterns, literals, perl=True)), stdout=self.output,
                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env={**git_env(), "LC_ALL": "C"},
            )
        except OSError:  # no git
            self.process = None

    def lines(self, files: list[str]) -> LineHits:
        if self.pattern is None or not files:
            return {}
        hits = self._git_hits(files)
        return hits if hits is not None else _python_grep(self.repo, files, re.compile(self.pattern))

    def _git_hits(self, files: list[str]) -> LineHits | None:
        if self.process is None:
            return None
        try:
            code = self.process.wait(timeout=GIT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return None
        if code not in (0, 1):  # 1: nothing matched; else not a repo, or no -P
            return None
        self.output.seek(0)
        wanted = set(files)
        hits: LineHits = {}
        for record in GREP_RECORD.finditer(self.output.read()):
            path = record.group(1).decode("utf-8", errors="replace")
            if path in wanted:
                line = record.group(3).decode("utf-8", errors="replace").removesuffix("\r")
                hits.setdefault(path, []).append((int(record.group(2)), line))
        return {path: lines for path, lines in hits.items() if _readable_size(self.repo / path)}

    def __enter__(self) -> LineSearch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output.close()


def grep_lines(repo: Path, files: list[str], patterns: list[re.Pattern[str]], literals: list[str]
               ) -> LineHits:
    """`LineSearch` for files already listed."""
    with LineSearch(repo, patterns, literals) as search:
        return search.lines(files)


def grep_pattern(patterns: list[re.Pattern[str]], literals: list[str], perl: bool) -> str:
    """One pattern for all: an alternation, not one `-e` per term (git tries each `-e` on
    each line in turn, ten times slower). Each regex keeps its case flag; for git
    (`perl`) its classes are widened to bytes."""
    alternatives = [
        f"(?{'i' if p.flags & re.IGNORECASE else ''}:{_widened(p.pattern) if perl else p.pattern})"
        for p in patterns
    ]
    return "|".join(alternatives + [re.escape(t) for t in literals])


def git_grep_command(repo: Path, pattern: str) -> list[str]:
    """The `git grep` for a Perl `pattern` in the repo's text files (tracked, and untracked
    but not ignored, as `candidate_files` lists them), hardened like `git ls-files` there.
    git reads only regular files: it skips symlinks, FIFOs and binary files itself."""
    # The repo's config must not change what is searched or how paths are printed.
    config = (*GIT_SAFE_CONFIG, "-c", "grep.fullName=false", "-c", "grep.fallbackToNoIndex=false")
    return ["git", *config, "-C", str(repo), "grep", "-I", "-n", "-z", "--untracked", "--no-color",
            "-P", "-e", pattern, "--", *(f":(icase)*{s}" for s in sorted(TEXT_SUFFIXES))]


def _widened(pattern: str) -> str:
    out, in_class = [], False
    for token in re.findall(r"\\.|.", pattern, re.DOTALL):
        if in_class:
            if token in WIDER_CLASSES or token == "[":  # our patterns need neither, so not handled
                raise ValueError(f"cannot widen {token} inside a character class: {pattern}")
            in_class = token != "]"
        else:
            in_class = token == "["
            token = WIDER_CLASSES.get(token, token)
        out.append(token)
    return "".join(out)


def _python_grep(repo: Path, files: list[str], regex: re.Pattern[str]) -> LineHits:
    hits: LineHits = {}
    for rel in files:
        if (repo / rel).is_symlink():  # as git grep: its target inside the repo is searched itself
            continue
        text = read_text(repo / rel)
        if not text:
            continue
        found, line_no, counted, at = [], 1, 0, 0
        while match := regex.search(text, at):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            end = len(text) if end < 0 else end
            line_no += text.count("\n", counted, start)
            counted = start
            found.append((line_no, text[start:end].removesuffix("\r")))
            at = end + 1
        if found:
            hits[rel] = found
    return hits


def _readable_size(path: Path) -> bool:
    try:
        return path.lstat().st_size <= MAX_FILE_BYTES
    except OSError:
        return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate is in no file read as UTF-8
        return False
    return True
