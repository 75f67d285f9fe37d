"""turnback's root-turn accuracy on benchmarks written elsewhere, next to their baselines.

    python -m evals.external [--runopsy PATH] [--who-and-when DIR] [--hand-crafted [DIR]]
        [--who-and-when-conversion authored|previous|both] [--limit N] [--offline]

One table per benchmark on stdout; progress lines on stderr:

- runopsy-bench (`evals.runopsy`): 20 synthetic agent runs, each exported twice (status
  in the text, status on the spans);
- Who&When Algorithm-Generated (`evals.who_and_when`), from `--who-and-when`
  (default /work/data/who_and_when/Algorithm-Generated; skipped with a line when absent);
- with `--hand-crafted`, also Who&When's held-out Hand-Crafted split (default: the
  `Hand-Crafted` folder next to the Algorithm-Generated one). Score it once, at the end.

A session that fails to convert or analyze is counted wrong and listed under its table;
it never stops the run. LLM mode when OPENAI_API_KEY / OPENAI_BASE_URL is set and
`--offline` is not given.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from evals import runopsy, who_and_when
from evals.scoring import progress

WHO_AND_WHEN = Path("/work/data/who_and_when/Algorithm-Generated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runopsy", type=Path, default=runopsy.CASES, help="runopsy-bench bench_cases.json")
    parser.add_argument("--who-and-when", type=Path, default=WHO_AND_WHEN,
                        help="Who&When's Algorithm-Generated folder")
    parser.add_argument("--hand-crafted", nargs="?", const="", default=None, metavar="DIR",
                        help="also score the held-out Hand-Crafted split (default: next to --who-and-when)")
    parser.add_argument("--who-and-when-conversion", choices=[*who_and_when.CONVERSIONS, "both"],
                        default="both", help="how Who&When steps become turns (see evals.who_and_when)")
    parser.add_argument("--limit", type=int, help="only the first N tasks of each Who&When split")
    parser.add_argument("--offline", action="store_true", help="never call an LLM")
    args = parser.parse_args()
    started = time.monotonic()
    print("# turnback on external benchmarks")

    if args.runopsy.is_file():
        progress(f"runopsy-bench: {args.runopsy}")
        runopsy.print_table(runopsy.run(args.runopsy, args.offline))
    else:
        print(f"\nrunopsy-bench: skipped, no {args.runopsy}")

    conversions = (who_and_when.CONVERSIONS if args.who_and_when_conversion == "both"
                   else (args.who_and_when_conversion,))
    splits = [("Algorithm-Generated", args.who_and_when)]
    if args.hand_crafted is not None:
        splits.append(("Hand-Crafted", Path(args.hand_crafted) if args.hand_crafted
                       else args.who_and_when.parent / "Hand-Crafted"))
    for label, folder in splits:
        if not folder.is_dir() or not any(folder.glob("*.json")):
            print(f"\nWho&When {label}: skipped, no *.json tasks in {folder} (get the `Who&When` folder of "
                  "github.com/mingyin1/Agents_Failure_Attribution and pass --who-and-when)")
            continue
        progress(f"Who&When {label}: {folder}")
        who_and_when.print_table(
            who_and_when.score_split(folder, conversions, args.offline, args.limit, label=label))

    print(f"\nrun time: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
