"""Dependencies the CLI (or the Python API) builds once and injects into every node.

Nodes never read environment variables or build clients: they get this object as the
graph's runtime context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from turnback.llm import ChatModel
from turnback.store import TraceSource


def _silent(_message: str) -> None:
    return None


@dataclass
class AnalysisContext:
    store: TraceSource
    llm: ChatModel | None = None
    """None means offline mode: verdicts from recorded signals only."""
    repo: Path | None = None
    """The application's codebase to correlate with; None skips that step."""
    input_key: str | None = None
    """User override: attribute key holding the user's input."""
    output_key: str | None = None
    """User override: attribute key holding the assistant's output."""
    progress: Callable[[str], None] = field(default=_silent)
    """Progress lines for long work (the CLI sends them to stderr)."""
