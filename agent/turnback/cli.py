"""The `turnback` command: parse, build dependencies, run the analysis, print.

Exit codes: 0 analysis done; 1 a fault was found and --fail-on-fault was given;
2 usage or input error (one line on stderr); 3 internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from turnback.errors import TurnbackError

if TYPE_CHECKING:
    from turnback.llm import OpenAIChatModel
    from turnback.state import Report, SessionSummary
    from turnback.store import SessionStore

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None]

EXIT_FAULT = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
DEFAULT_MODEL = "gpt-4o-mini"
# Shown at the end of `analyze --help`; the README's "Exit codes" table says the same.
EXIT_CODES_HELP = """\b
Exit codes:
  0  analysis done (a fault may have been found: see the report)
  1  a root cause was found and --fail-on-fault was given
  2  usage or input error: one line on stderr
  3  internal error: one line on stderr (TURNBACK_DEBUG=1 shows the traceback)
"""
REPO_MARKERS = (".git", "pyproject.toml", "setup.py", "package.json", "go.mod", "Cargo.toml", "pom.xml")


class InputError(click.ClickException):
    exit_code = EXIT_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"turnback: error: {_safe_line(self.message)}", err=True)


def _safe_line(text: str) -> str:
    """An error or progress line: masked (a tracking URI may carry a password), one line,
    no control characters (it may quote a session id or trace text)."""
    from turnback.safety import mask, terminal_safe

    return " ".join(terminal_safe(mask(text)).split())


def _safe_output(text: str) -> str:
    """A report or index as printed or written: masked, no terminal escape sequences."""
    from turnback.safety import mask, terminal_safe

    return terminal_safe(mask(text))


@click.group()
@click.version_option(package_name="turnback")
def main() -> None:
    """turnback: find where an LLM chat session recorded as MLflow traces went wrong.

    \b
    Try it offline on the bundled demo:
        turnback demo
    Analyze a session of your own:
        turnback analyze SESSION_ID --tracking-uri sqlite:///mlflow.db --repo .
    """


def store_options(fn: F) -> F:
    fn = click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI",
                      help="Store to read (default: $MLFLOW_TRACKING_URI, then MLflow's default).")(fn)
    fn = click.option("--experiment-name", help="Experiment holding the session, by name.")(fn)
    fn = click.option("--experiment-id", envvar="MLFLOW_EXPERIMENT_ID",
                      help="Experiment holding the session "
                      "(default: $MLFLOW_EXPERIMENT_ID, else searched).")(fn)
    return fn


def output_options(fn: F) -> F:
    return _output_options(fn, "Write the report (with --flagged: the index) to this file instead of stdout.")


def demo_output_options(fn: F) -> F:
    return _output_options(fn, "Write the report to this file instead of stdout.")


def _output_options(fn: F, output_help: str) -> F:
    fn = click.option("--output", "-o", type=click.Path(), help=output_help)(fn)
    fn = click.option("--full", is_flag=True,
                      help="Terminal view: every turn of the timeline and every code finding.")(fn)
    fn = click.option("--format", "fmt", type=click.Choice(["markdown", "json"]),
                      help="Report format (default: a terminal view when stdout is a terminal, "
                      "else markdown).")(fn)
    fn = click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")(fn)
    fn = click.option("--no-self-trace", is_flag=True, help="Do not trace turnback's own run.")(fn)
    fn = click.option("--trace-to", envvar="TURNBACK_TRACE_URI",
                      help="Where turnback's own traces go (default: sqlite:///$TURNBACK_HOME/traces.db, "
                      "TURNBACK_HOME defaulting to ~/.turnback).")(fn)
    return fn


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("session_id", required=False)
@store_options
@click.option("--repo", type=click.Path(),
              help="Application codebase to correlate with "
              "(default: the current directory if it is a code repo).")
@click.option("--offline", is_flag=True, help="Judge from recorded signals only, even with an API key set.")
@click.option("--model", envvar="TURNBACK_MODEL", default=DEFAULT_MODEL, show_default=True,
              help="Model for LLM mode (env TURNBACK_MODEL).")
@click.option("--llm-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds per LLM call; a reply that takes longer is abandoned (the request is closed).")
@click.option("--llm-deadline", type=click.FloatRange(min=0, min_open=True), default=600.0, show_default=True,
              help="Seconds of LLM calls per analysis; past it, offline verdicts for the rest.")
@click.option("--input-key", help="Attribute key that holds the user's input (skips discovery).")
@click.option("--output-key", help="Attribute key that holds the assistant's output.")
@click.option("--fail-on-fault", is_flag=True, help="Exit 1 when a root cause is found (for CI).")
@click.option("--flagged", is_flag=True,
              help="Analyze every flagged session (errors, failing assessments or user complaints; "
              "see `turnback sessions --help`) instead of one.")
@click.option("--output-dir", type=click.Path(), default="turnback-reports", show_default=True,
              help="With --flagged: where the per-session reports and index go.")
@click.option("--write-back", is_flag=True,
              help="Record the verdict as a session-level assessment on the session's first trace.")
@output_options
def analyze(session_id: str | None, tracking_uri: str | None, experiment_id: str | None,
            experiment_name: str | None, repo: str | None, offline: bool, model: str,
            llm_timeout: float, llm_deadline: float, input_key: str | None, output_key: str | None,
            fail_on_fault: bool, flagged: bool, output_dir: str, write_back: bool, fmt: str | None,
            full: bool, output: str | None, quiet: bool, no_self_trace: bool, trace_to: str | None) -> None:
    """Find where chat session SESSION_ID went wrong, and print a report.

    \b
    Examples:
        turnback analyze sess-42 --tracking-uri http://127.0.0.1:5000 --repo ~/src/app
        turnback analyze --flagged --experiment-id 3 --output-dir reports --fail-on-fault

    LLM mode is used when OPENAI_API_KEY or OPENAI_BASE_URL is set and --offline is
    not; otherwise verdicts come from recorded signals alone (offline mode).
    """
    if experiment_id and experiment_name:
        raise InputError("give --experiment-id or --experiment-name, not both")
    if bool(session_id) == flagged:
        raise InputError("give a SESSION_ID or --flagged (one of them)")
    # Checked before anything runs (or --write-back writes), in one line each.
    if flagged and Path(output_dir).expanduser().exists() and not Path(output_dir).expanduser().is_dir():
        raise InputError(f"--output-dir {output_dir}: is a file; give a folder")
    options = dict(
        tracking_uri=tracking_uri, experiment_id=experiment_id, experiment_name=experiment_name,
        repo=Path(repo) if repo else _repo_from_cwd(),
        llm=None if offline else _llm_from_env(model, llm_timeout, llm_deadline), input_key=input_key,
        output_key=output_key, self_trace_uri=_self_trace(no_self_trace, trace_to), write_back=write_back,
    )
    if flagged:
        _run_flagged(options, fmt=fmt or "markdown", output=output, output_dir=Path(output_dir),
                     quiet=quiet, fail_on_fault=fail_on_fault)
        return
    _run(
        lambda progress: _analyze(session_id, progress=progress, **options),
        fmt=fmt, full=full, output=output, quiet=quiet, fail_on_fault=fail_on_fault,
    )


@main.command()
@store_options
@click.option("--flagged", is_flag=True,
              help="Only flagged sessions: errors, failing assessments or user complaints.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True,
              help="markdown: a table, times in ISO 8601 with their offset; json: one object per session.")
def sessions(tracking_uri: str | None, experiment_id: str | None, experiment_name: str | None,
             flagged: bool, fmt: str) -> None:
    """List the sessions of an experiment (all experiments when none is given).

    \b
    Example:
        turnback sessions --tracking-uri http://127.0.0.1:5000 --experiment-id 3 --flagged

    A session is flagged when a turn's trace failed, a span has status ERROR (also
    errors a reply swallowed), an assessment reads negative through its rationale, or a
    user turn complains about an earlier reply (heard from the request/response
    previews MLflow keeps with each trace).
    """
    from turnback.render import sessions_to_json, sessions_to_markdown

    try:
        _store, listed = _list_sessions(tracking_uri, experiment_id, experiment_name)
    except TurnbackError as exc:
        raise InputError(str(exc)) from exc
    shown = [s for s in listed if s.flagged] if flagged else listed
    click.echo(sessions_to_json(shown) if fmt == "json" else sessions_to_markdown(shown), nl=False)


@main.command()
@click.option("--workdir", type=click.Path(file_okay=False),
              help="Put the demo store and app in this folder: a new or empty one, or one an "
              "earlier demo run filled, which is reused (default: $TURNBACK_HOME/demo, kept and "
              "reused by the next run).")
@demo_output_options
def demo(workdir: str | None, fmt: str | None, full: bool, output: str | None, quiet: bool,
         no_self_trace: bool, trace_to: str | None) -> None:
    """Analyze the bundled demo session, offline, and print the report.

    It writes a four-turn travel-booking session into a SQLite store, with the small app
    that produced it, then runs the full analysis on it. Both stay for you to explore
    (for example with `mlflow ui --backend-store-uri sqlite:///DIR/demo-mlflow.db`): in
    $TURNBACK_HOME/demo (~/.turnback/demo), reused by the next run, or in --workdir.
    """
    from turnback.demo import DEMO_SESSION_ID, KEPT_MARKER, demo_home, kept_demo

    chosen = Path(workdir).expanduser() if workdir else None
    # A folder an earlier demo run filled is reused; any other non-empty folder is left alone.
    if chosen and chosen.exists() and any(chosen.iterdir()) and not (chosen / KEPT_MARKER).is_file():
        raise InputError(f"--workdir {workdir} is not empty and holds no earlier turnback demo")

    def job(progress: Progress) -> Report:
        where = chosen or demo_home()
        uri, experiment_id, app, reused = kept_demo(where)
        progress(f"{'reusing' if reused else 'wrote'} the demo store and app in {where} "
                 f"(browse: mlflow ui --backend-store-uri {uri})")
        return _analyze(
            DEMO_SESSION_ID, tracking_uri=uri, experiment_id=experiment_id, repo=app,
            llm=None, self_trace_uri=_self_trace(no_self_trace, trace_to), progress=progress,
        )

    _run(job, fmt=fmt, full=full, output=output, quiet=quiet, fail_on_fault=False)


def _analyze(*args: Any, **kwargs: Any) -> Report:
    from turnback.api import analyze_session

    return analyze_session(*args, **kwargs)


def _list_sessions(
    tracking_uri: str | None, experiment_id: str | None, experiment_name: str | None
) -> tuple[SessionStore, list[SessionSummary]]:
    """The store, opened once, and its sessions (a --flagged batch analyzes them in that store)."""
    from turnback.sessions import list_sessions
    from turnback.store import SessionStore, default_tracking_uri, quiet_mlflow_http

    quiet_mlflow_http()
    store = SessionStore(tracking_uri or default_tracking_uri())
    if experiment_id:
        ids = [store.check_experiment(experiment_id)]
    elif experiment_name:
        ids = [store.experiment_by_name(experiment_name)]
    else:
        ids = store.all_experiment_ids()
    return store, list_sessions(store, ids)


def _run_flagged(
    options: dict[str, Any], *, fmt: str, output: str | None, output_dir: Path, quiet: bool,
    fail_on_fault: bool,
) -> None:
    """Analyze each flagged session: one report per session plus an index.

    --format picks the reports' format and the index printed (index.md or index.json);
    --output writes that index to a file instead of stdout.

    Each session fails alone: its index row says why and the batch goes on. The exit code
    is then that of the worst failure (3 internal over 2 input), else 1/0 as usual.
    """
    from turnback.api import analyze_in_store
    from turnback.render import (
        FailedSession,
        index_to_json,
        index_to_markdown,
        report_file_name,
        to_json,
        to_markdown,
    )
    from turnback.terminal import progress_display

    progress = _progress_printer(quiet)
    _check_output_folder(output)
    try:
        store, listed = _list_sessions(options["tracking_uri"], options["experiment_id"],
                                       options["experiment_name"])
        flagged = [s for s in listed if s.flagged]
    except TurnbackError as exc:
        raise InputError(str(exc)) from exc
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--output-dir {output_dir}: cannot create it: {exc.strerror or exc}") from exc
    progress(f"{len(flagged)} flagged session(s); reports go to {output_dir}")
    results: list[Report | FailedSession] = []
    with progress_display(quiet) as step:  # a bar on a terminal, plain lines otherwise
        for number, summary in enumerate(flagged, 1):
            step(f"[{number}/{len(flagged)}] analyzing session {summary.session_id}")
            try:
                # One store, client and experiment lookup for the whole batch: each
                # session's experiment comes from the listing.
                report = analyze_in_store(
                    store, summary.session_id, summary.experiment_id, progress=lambda _line: None,
                    **{k: v for k, v in options.items()
                       if k not in ("tracking_uri", "experiment_id", "experiment_name")})
                text = to_json(report) if fmt == "json" else to_markdown(report)
                (output_dir / report_file_name(report, fmt)).write_text(_safe_output(text), encoding="utf-8")
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # one session's failure must not abort the batch
                failed = _failure(summary.session_id, summary.experiment_id, exc)
                progress(f"session {summary.session_id}: analysis failed: {failed.error}")
                results.append(failed)
                continue
            results.append(report)
    index_md = _safe_output(index_to_markdown(results, fmt))
    index_json = _safe_output(index_to_json(results, fmt))
    (output_dir / "index.md").write_text(index_md, encoding="utf-8")
    (output_dir / "index.json").write_text(index_json, encoding="utf-8")
    if output and fmt != "json":
        # An index written elsewhere (-o) links to the reports where they are.
        base = os.path.relpath(output_dir.resolve(), Path(output).expanduser().resolve().parent)
        if base != ".":
            index_md = _safe_output(index_to_markdown(results, fmt, link_base=Path(base).as_posix() + "/"))
    _emit(index_json if fmt == "json" else index_md, output, progress, what="index")
    failures = [r.exit_code for r in results if isinstance(r, FailedSession)]
    if failures:
        sys.exit(max(failures))
    if fail_on_fault and any(r.root_cause for r in results if not isinstance(r, FailedSession)):
        sys.exit(EXIT_FAULT)


def _failure(session_id: str, experiment_id: str, exc: Exception) -> Any:
    """The one line a failed session's index row shows, and the exit code it stands for."""
    from turnback.render import FailedSession

    if isinstance(exc, TurnbackError):
        return FailedSession(session_id, experiment_id, _safe_line(str(exc)), EXIT_INPUT)
    return FailedSession(session_id, experiment_id, _safe_line(_internal_line(exc)), EXIT_INTERNAL)


def _internal_line(exc: BaseException) -> str:
    first_line = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"internal error: {type(exc).__name__}: {first_line}"


def _run(
    job: Callable[[Progress], Report], *, fmt: str | None, full: bool, output: str | None, quiet: bool,
    fail_on_fault: bool,
) -> None:
    from turnback.render import to_json, to_markdown
    from turnback.store import quiet_mlflow_http
    from turnback.terminal import progress_display

    quiet_mlflow_http()

    _check_output_folder(output)
    if fmt is None:
        # People at a terminal get the terminal view; pipes and files get Markdown.
        fmt = "terminal" if not output and sys.stdout.isatty() else "markdown"
    try:
        with progress_display(quiet) as progress:
            report = job(progress)
    except TurnbackError as exc:
        raise InputError(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("turnback: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("TURNBACK_DEBUG"):
            raise
        click.echo(
            f"turnback: {_safe_line(_internal_line(exc))} (set TURNBACK_DEBUG=1 for a traceback)", err=True,
        )
        sys.exit(EXIT_INTERNAL)
    progress = _progress_printer(quiet)
    if fmt == "terminal":
        from rich.console import Console

        from turnback.safety import terminal_report
        from turnback.terminal import render_terminal

        # Masked and stripped of escape sequences like every other output.
        render_terminal(terminal_report(report), Console(), full=full)
    else:
        _emit(_safe_output(to_json(report) if fmt == "json" else to_markdown(report)), output, progress,
              what="report")
    if report.self_trace and output:
        # The report's last line says it too: repeated here only when the report went to a file.
        progress(f"own trace: {report.self_trace}")
    if fail_on_fault and report.root_cause is not None:
        sys.exit(EXIT_FAULT)


def _check_output_folder(output: str | None) -> None:
    # Checked before the analysis runs, so a long run does not end in a write error.
    if output and not Path(output).expanduser().parent.is_dir():
        raise InputError(f"--output {output}: its folder does not exist")
    if output and Path(output).expanduser().is_dir():
        raise InputError(f"--output {output}: is a folder; give a file name")


def _emit(text: str, output: str | None, progress: Progress, *, what: str) -> None:
    """Print to stdout, or write to --output."""
    if not output:
        click.echo(text, nl=False)
        return
    try:
        Path(output).expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--output {output}: cannot write the {what}: {exc.strerror or exc}") from exc
    progress(f"{what} written to {output}")


def _progress_printer(quiet: bool) -> Progress:
    """Progress lines go to stderr, never into the report; --quiet drops them."""

    def progress(line: str) -> None:
        if not quiet:
            click.echo(f"turnback: {_safe_line(line)}", err=True)

    return progress


def _repo_from_cwd() -> Path | None:
    cwd = Path.cwd()
    return cwd if any((cwd / marker).exists() for marker in REPO_MARKERS) else None


def _llm_from_env(model: str, timeout: float, deadline: float) -> OpenAIChatModel | None:
    api_key, base_url = os.environ.get("OPENAI_API_KEY"), os.environ.get("OPENAI_BASE_URL")
    if not (api_key or base_url):
        return None
    from turnback.llm import OpenAIChatModel

    return OpenAIChatModel(model, api_key=api_key, base_url=base_url, timeout=timeout,
                           deadline_seconds=deadline)


def _self_trace(disabled: bool, uri: str | None) -> str | None:
    from turnback.api import DEFAULT

    if disabled:
        return None
    return uri or DEFAULT


if __name__ == "__main__":
    main()
