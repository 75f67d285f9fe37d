"""The one error type users see: its message is a single actionable line."""


class TurnbackError(Exception):
    """Bad input or an unreachable store. The CLI prints the message and exits 2."""
