"""The terminal view: the demo in a real pseudo-terminal of 100x30, read back through a
terminal emulator as a person would see it; long timelines collapsed; progress bars."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pyte
from rich.console import Console
from turnback import analyze_session
from turnback.demo.builder import chat_turn, tool_span
from turnback.terminal import render_terminal

TURNBACK = str(Path(sys.executable).parent / "turnback")


def run_in_terminal(*args: str, columns: int = 100, rows: int = 30) -> tuple[int, bytes, list[str]]:
    """Run turnback with stdout and stderr on a pty of that size: (exit code, bytes, last screen)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
    proc = subprocess.Popen([TURNBACK, *args], stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = proc.wait(timeout=300)
    raw = b"".join(chunks)
    screen = pyte.Screen(columns, rows)
    pyte.ByteStream(screen).feed(raw)
    return code, raw, [line.rstrip() for line in screen.display]


def test_the_demo_in_a_100x30_terminal_ends_on_the_verdict_block(isolated_env):
    code, raw, screen = run_in_terminal("demo")
    shown = "\n".join(screen)

    assert code == 0, raw.decode(errors="replace")[-2000:]
    # the last screen holds the verdict, the root turn, the code line and the first fix together
    assert "╭─ Verdict" in shown
    assert "Root cause  turn 2 · tool_failure_reported_as_success · confidence high" in shown
    assert "Shows at    turn 4" in shown
    assert "Turn 2      user: Yes please, book Hotel Alfama." in shown
    assert "Code        tools.py:19  except Exception: … return" in shown
    assert "Fix         Stop reporting a failed tool call as a success (tools.py:19)" in shown
    assert "own trace: trace tr-" in shown
    # Markdown is for pipes and files
    assert "**Verdict" not in raw.decode(errors="replace")
    # the progress bar ran on the terminal and was cleared before the report
    assert b"the demo store and app in" in raw
    assert "demo store and app" not in shown and "turnback: " not in shown


def test_piped_output_stays_markdown(isolated_env):
    done = subprocess.run([TURNBACK, "demo", "--no-self-trace"], capture_output=True, text=True, timeout=300)

    assert done.stdout.startswith("# turnback: where did session `acme-sess-7f3a` go wrong?")
    assert "turnback: reading session acme-sess-7f3a from experiment" in done.stderr


def long_session(turns: int, root: int) -> list[dict]:
    said = [chat_turn(f"Question {n} about order {n}?", f"Answer {n}: all fine with order {n}.")
            for n in range(1, turns + 1)]
    said[root - 1] = chat_turn(
        "Please change the delivery address to 12 Oak Street.",
        "Done, your delivery address is now 12 Oak Street.",
        children=[tool_span("update_address", {"address": "12 Oak Street"}, {"ok": True},
                            error="address service returned 503")])
    said[root + 1] = chat_turn(
        "The courier went to my old address! You said the address was changed to Oak Street.",
        "I apologize for the trouble.")
    return said


def render(report, full: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    render_terminal(report, Console(file=out, width=100, color_system=None), full=full)
    return out.getvalue().splitlines()


def turn_rows(lines: list[str]) -> list[str]:
    """The turn numbers of the timeline's rows."""
    firsts = [line.split()[0] for line in lines if line.startswith(" ") and line.strip()]
    return [first for first in firsts if first.isdigit()]


def test_a_long_timeline_shows_the_turns_that_matter_and_full_shows_all(write, store_uri):
    write("long", long_session(40, root=20))
    report = analyze_session("long", tracking_uri=store_uri, self_trace_uri=None)
    assert (report.root_cause.turn, report.symptom_turn) == (20, 22)

    lines = render(report)

    assert turn_rows(lines) == ["1", "2", "19", "20", "21", "22", "23", "39", "40"]
    hidden = [line.split() for line in lines if "turns hidden" in line]
    assert hidden == [["⋮", "16", "turns", "hidden", "--full", "shows", "them"],
                      ["⋮", "15", "turns", "hidden", "--full", "shows", "them"]]
    assert all(len(line) <= 100 for line in lines)
    assert turn_rows(render(report, full=True)) == [str(n) for n in range(1, 41)]


def test_the_header_links_the_session_in_mlflow_when_there_is_a_link(write, store_uri):
    write("one", [chat_turn("Hi", "Hello! How can I help?")])
    report = analyze_session("one", tracking_uri=store_uri, self_trace_uri=None)
    assert report.session_url is None  # a SQLite store has no UI link

    linked = report.model_copy(update={"session_url": "http://127.0.0.1:5000/#/experiments/1/chat-sessions/one"})

    assert "open in MLflow" not in "\n".join(render(report))
    assert "open in MLflow: http://127.0.0.1:5000/#/experiments/1/chat-sessions/one" in render(linked)


def test_trace_text_is_never_read_as_console_markup(write, store_uri):
    write("markup", [chat_turn("[bold red]hi[/] \x1b[31mthere", "ok [link=http://x]click[/link]")])
    report = analyze_session("markup", tracking_uri=store_uri, self_trace_uri=None)

    shown = "\n".join(render(report))

    assert "[bold red]hi[/]" in shown
    assert "\x1b" not in shown
