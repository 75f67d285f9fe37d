"""Which files of the application's repository to search: git-aware, text only."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

SKIP_DIRS = {
    ".git", "node_modules", "venv", ".venv", "env", "__pycache__", "vendor", "third_party",
    "dist", "build", "site-packages", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "mlruns",
}
TEXT_SUFFIXES = {
    ".py", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".go", ".rb", ".java", ".kt", ".rs", ".cs",
    ".php", ".scala", ".swift", ".yaml", ".yml", ".toml", ".json", ".ini", ".cfg", ".env",
    ".md", ".txt", ".prompt", ".j2", ".jinja", ".jinja2", ".tmpl", ".sql", ".sh",
}
# Files that hold code: only these can raise an error, assign a session id or build a history.
# Prose, templates and data are searched for prompt text, data sources and evidence only.
CODE_SUFFIXES = {
    ".py", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".go", ".rb", ".java", ".kt", ".rs", ".cs",
    ".php", ".scala", ".swift", ".sh",
}
MAX_FILE_BYTES = 1_000_000


def candidate_files(repo: Path) -> list[str]:
    """Files to search, as paths relative to `repo` with `/` separators: tracked and
    untracked-but-not-ignored files in a git checkout, otherwise a walk that honours
    .gitignore and skips vendored and build folders. Only regular files inside the repo:
    a symlink that leaves it (to /dev/zero, to ~/.ssh) or a FIFO is never listed, so
    never read. Plain strings, not Paths: a 10,000-file repo lists in milliseconds."""
    listed = _git_files(repo)
    paths = listed if listed is not None else [p.as_posix() for p in _walk(repo)]
    inside = _Inside(repo.resolve())
    return sorted(p for p in paths if suffix(p) in TEXT_SUFFIXES and inside(p))


def suffix(path: str) -> str:
    """The lower-cased suffix of a `/`-separated path, by pathlib's rule (".env" has none)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


class _Inside:
    """Whether a listed path is a regular file whose real location is inside the repo,
    outside the SKIP_DIRS folders. Each folder is checked and read once (the directory
    entries' types, no stat per file); only a symlink is resolved on its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: dict[str, dict[str, os.DirEntry[str]] | None] = {}

    def __call__(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        if folder not in self.folders:
            self.folders[folder] = self._entries(folder)
        entry = (self.folders[folder] or {}).get(name)
        if entry is None:
            return False
        try:
            if entry.is_symlink():
                return _inside(self.root, Path(rel))
            return entry.is_file(follow_symlinks=False)  # not a FIFO, device or folder
        except OSError:
            return False

    def _entries(self, folder: str) -> dict[str, os.DirEntry[str]] | None:
        """The folder's entries by name; None when it is skipped, gone, or (a folder
        swapped for a symlink) its real location is outside the repo."""
        if not SKIP_DIRS.isdisjoint(folder.split("/")):
            return None
        try:
            if not (self.root / folder).resolve(strict=True).is_relative_to(self.root):
                return None
            with os.scandir(self.root / folder) as entries:
                return {entry.name: entry for entry in entries}
        except (OSError, RuntimeError):
            return None


def _inside(root: Path, rel: Path) -> bool:
    """A regular file whose real location is inside the repo."""
    try:
        real = (root / rel).resolve(strict=True)
        return real.is_relative_to(root) and stat.S_ISREG(real.stat().st_mode)
    except (OSError, RuntimeError):  # broken link, loop, permission
        return False


def read_text(path: Path) -> str | None:
    """File contents, or None for binary, oversized or non-regular files.

    Opened without blocking and checked on the open handle (a FIFO or device swapped in
    after listing is refused), and never read past the size cap."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


# A repo's own config can make git run programs (core.fsmonitor runs on ls-files; hooks,
# pagers, ssh and editor commands elsewhere). Command-line settings win over the repo's.
GIT_SAFE_CONFIG = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
    "-c", "core.sshCommand=false", "-c", "core.editor=false", "-c", "core.untrackedCache=false",
    "-c", "protocol.allow=never", "-c", "diff.external=", "-c", "credential.helper=",
)


def git_env() -> dict[str, str]:
    """The environment git runs in: no system or global config, no prompts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0",
               GIT_OPTIONAL_LOCKS="0")
    return env


def _git_files(repo: Path) -> list[str] | None:
    try:
        out = subprocess.run(
            ["git", *GIT_SAFE_CONFIG, "-C", str(repo), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, check=True, timeout=30, env=git_env(), stdin=subprocess.DEVNULL,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [p for p in out.decode("utf-8", errors="replace").split("\0") if p]


def _walk(repo: Path) -> Iterator[Path]:
    """Without git: every file, minus what the repo's .gitignore files exclude.
    os.walk does not follow directory symlinks, so the walk stays inside the repo."""
    rules: dict[Path, list[tuple[re.Pattern[str], bool, bool]]] = {}
    for root, dirs, files in os.walk(repo):
        here = Path(root)
        rules[here] = _gitignore_rules(here / ".gitignore")
        rel_dir = here.relative_to(repo)

        def ignored(name: str, is_dir: bool, rel_dir: Path = rel_dir) -> bool:
            return _ignored(rules, repo, rel_dir / name, is_dir)

        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".") and not ignored(d, True)]
        for name in files:
            if not ignored(name, False):
                yield rel_dir / name


def _gitignore_rules(path: Path) -> list[tuple[re.Pattern[str], bool, bool]]:
    """(pattern, negated, directories only) per line of a .gitignore."""
    text = read_text(path) if path.is_file() else None
    rules = []
    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        rules.append((_glob_regex(line.lstrip("/"), anchored), negated, dir_only))
    return rules


def _glob_regex(glob: str, anchored: bool) -> re.Pattern[str]:
    """A gitignore glob as a regex over a path relative to the .gitignore's folder."""
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(("" if anchored else "(?:.*/)?") + out + "(?:/.*)?")


def _ignored(rules: dict[Path, list[tuple[re.Pattern[str], bool, bool]]], repo: Path, rel: Path,
             is_dir: bool) -> bool:
    """Git's rule: the last matching pattern wins, deeper .gitignore files after shallower."""
    verdict = False
    for depth in range(len(rel.parts)):
        base = repo.joinpath(*rel.parts[:depth])
        sub = "/".join(rel.parts[depth:])
        for pattern, negated, dir_only in rules.get(base, []):
            if dir_only and not is_dir and "/" not in sub:
                continue
            if pattern.fullmatch(sub):
                verdict = not negated
    return verdict
