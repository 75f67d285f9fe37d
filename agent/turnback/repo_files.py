"""Which files of the application's repository to search: git-aware, text only."""

from __future__ import annotations

import os
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


def candidate_files(repo: Path) -> list[Path]:
    """Files to search, relative to `repo`: tracked and untracked-but-not-ignored files
    in a git checkout, otherwise a walk that skips vendored and build folders."""
    listed = _git_files(repo)
    paths = listed if listed is not None else list(_walk(repo))
    return sorted(
        p for p in paths
        if p.suffix.lower() in TEXT_SUFFIXES and not (set(p.parts) & SKIP_DIRS)
    )


def read_text(path: Path) -> str | None:
    """File contents, or None for binary or oversized files."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def _git_files(repo: Path) -> list[Path] | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [Path(p) for p in out.decode("utf-8", errors="replace").split("\0") if p]


def _walk(repo: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in files:
            yield (Path(root) / name).relative_to(repo)
