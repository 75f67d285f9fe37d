"""turnback: find where an LLM chat session recorded as MLflow traces went wrong.

    from turnback import analyze_session
    report = analyze_session("sess-42", tracking_uri="sqlite:///mlflow.db", repo=".")
    print(report.root_cause)

Importing the package is cheap: mlflow and langgraph load on first use of
`analyze_session`, so `turnback --help` and `import turnback` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from turnback.errors import TurnbackError

if TYPE_CHECKING:
    from turnback.api import analyze_session
    from turnback.state import Report

__all__ = ["Report", "TurnbackError", "analyze_session"]

_LAZY = {"analyze_session": "turnback.api", "Report": "turnback.state"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'turnback' has no attribute {name!r}")
