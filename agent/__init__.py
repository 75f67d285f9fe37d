"""turnback: find where an LLM chat session recorded as MLflow traces went wrong.

    from agent import analyze_session
    report = analyze_session("sess-42", tracking_uri="sqlite:///mlflow.db", repo=".")
    print(report.root_cause)
"""

from agent.api import analyze_session
from agent.errors import TurnbackError
from agent.state import Report

__all__ = ["Report", "TurnbackError", "analyze_session"]
