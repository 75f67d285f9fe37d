"""One place for what turnback does to untrusted text before it leaves the process.

Trace text is written by end users and apps, repo text by whoever owns the repo, model
text by a model that may have read either. Everything turnback prints, stores or sends
goes through these functions:

- `mask` / `mask_data`: secrets (API keys, tokens, AWS secret keys, passwords in URLs,
  PEM private keys) become `[masked]` (`***` for a URL password), before a report is
  rendered, a self-trace span is stored, a prompt is sent or an error line is printed.
- `inert`: text shown in Markdown cannot start a block (heading, table, fence, quote,
  list), open HTML, a link or an image, or close a code span: one line, with the
  characters that would act escaped.
- `code_text`: text shown inside a code span (ids, paths, names): one line, no backticks.
- `terminal_safe`: ANSI/OSC escape sequences and other C0/C1 control characters removed
  from anything written to a terminal or a report file; lone surrogates replaced.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "[masked]"
_SURROGATES = re.compile(r"[\ud800-\udfff]")

# Tokens with a recognisable shape of their own.
_TOKENS = re.compile(
    r"\b(sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|A[KS]IA[0-9A-Z]{16}|xox[abpr]-[A-Za-z0-9\-]{10,})\b"
    r"|(?<=Bearer )[A-Za-z0-9._~+/\-]{12,}=*",
)
# An AWS secret access key is 40 characters of base64 with nothing else to recognise it
# by, so it is masked only after a key-ish name ("aws_secret_access_key = ...",
# "SecretAccessKey": "...").
_AWS_SECRET = re.compile(
    r"(?i)((?:aws|secret)[A-Za-z0-9_.\- ]{0,30}?[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])"
)
# scheme://user:password@host -> scheme://user:***@host
_URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.\-]*://[^\s:/@\"'<>]*:)[^\s@/\"'<>]+(@)", re.IGNORECASE)
# A PEM private key block; a block cut short (a clipped preview) is masked to the end.
_PEM = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)",
    re.DOTALL,
)


def mask(text: str) -> str:
    """The text with every secret it holds replaced (and lone surrogates, which no
    encoder accepts, replaced by U+FFFD)."""
    if not text:
        return text
    text = _SURROGATES.sub("\ufffd", text)
    text = _PEM.sub(MASK, text)
    text = _URL_PASSWORD.sub(r"\1***\2", text)
    text = _AWS_SECRET.sub(lambda m: m.group(1) + MASK, text)
    return _TOKENS.sub(MASK, text)


def mask_data(value: Any, _depth: int = 0, _fn: Any = None) -> Any:
    """`mask` applied to every string (keys too) in nested dicts, lists and tuples."""
    fn = _fn or mask
    if isinstance(value, str):
        return fn(value)
    if _depth > 200:  # hostile nesting: stop descending, never recurse without a bound
        return "[too deeply nested]"
    if isinstance(value, dict):
        return {mask_data(k, _depth + 1, fn): mask_data(v, _depth + 1, fn) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v, _depth + 1, fn) for v in value]
    return value


def terminal_report(report: Any) -> Any:
    """A copy of a pydantic report with every string masked and terminal-safe, for views
    that print its fields themselves (the rich terminal view)."""
    data = mask_data(report.model_dump(mode="python"), _fn=lambda text: terminal_safe(mask(text)))
    return type(report).model_validate(data)


# --- terminals ------------------------------------------------------------------------

# ESC-introduced sequences (CSI, OSC up to BEL or ST, and two-byte escapes), their C1
# single-character forms, then any control character left.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: hyperlinks (8), clipboard (52), titles
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"       # DCS, SOS, PM, APC strings
    r"|\x1b[ -~]?"                          # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"               # C1 CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"         # C1 OSC
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text that cannot drive a terminal: escape sequences, control characters (newlines
    and tabs excepted), bidi overrides removed; lone surrogates become U+FFFD."""
    text = _SURROGATES.sub("\ufffd", text)
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


# --- Markdown -------------------------------------------------------------------------

# What can open HTML or an autolink (<), a code span (`), a table cell (|), an image
# (![) or a link (](, ][), anywhere in a line. A lone [ is left as it is: without a
# definition (which only a line start can give) it links nothing, and "[masked]" stays
# readable. Emphasis characters are left alone: they change no structure.
_INLINE_ACTIVE = re.compile(r"([\\`<>|]|!(?=\[)|\](?=[(\[]))")
# What can start a block at the beginning of a line: heading, quote, list, fence, rule,
# link definition.
_BLOCK_START = re.compile(r"^(\d+)(?=[.)])|^(?=[#>+\-=*~_\[])")


def _flat(text: str | None, limit: int | None) -> str:
    """Masked (before clipping, so a clipped secret is still caught), terminal-safe, one line."""
    flat = " ".join(terminal_safe(mask(text or "")).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat


def _escape(flat: str, *, line_start: bool) -> str:
    flat = _INLINE_ACTIVE.sub(r"\\\1", flat)
    if not line_start:
        return flat
    # "1." keeps its digits and escapes the dot; "#", ">", "-"... get a backslash before them.
    return _BLOCK_START.sub(lambda m: (m.group(1) or "") + "\\", flat, count=1)


def inert(text: str | None, limit: int | None = None) -> str:
    """Trace text as inert Markdown: one line, masked, clipped to `limit`, nothing in it acts."""
    return _escape(_flat(text, limit), line_start=True)


def inert_md(text: str | None, limit: int | None = None, *, table: bool = False) -> str:
    """Text turnback composed around trace text ("span `x` failed: ..."): its code spans
    stay code spans (with no backtick inside that could end them early), everything
    between them is made inert. Unbalanced backticks from the trace cannot break out:
    every piece is either escaped or closed by turnback."""
    pieces = _flat(text, limit).split("`")
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(_escape(piece, line_start=i == 0))
        elif piece.strip():
            out.append(f"`{piece.replace('|', chr(92) + '|') if table else piece}`")
    return "".join(out)


def code_text(text: str | None, limit: int | None = None, *, table: bool = False) -> str:
    """Text for inside a code span: one line, masked, no backtick that could close it.
    (In a code span nothing else acts: no HTML, links or escapes.) In a table cell a pipe
    is escaped, which GitHub reads as a pipe inside the span too."""
    flat = _flat(text, limit).replace("`", "'")
    return flat.replace("|", "\\|") if table else flat
