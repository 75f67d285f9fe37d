"""Conversation history per session."""

_HISTORY = {}


def load_history(session_id):
    return list(_HISTORY.get(session_id, []))


def save_turn(session_id, message, reply):
    _HISTORY.setdefault(session_id, []).extend(
        [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    )
