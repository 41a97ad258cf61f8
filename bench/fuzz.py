"""Proof: thousands of valid, malformed and hostile programs through the real runner, none escaping.

Each program runs as the app runs it: ``Runner.call(Job("capture", ProgramSpec(source),
limits=RunLimits(seconds=--limit-seconds)))``, in a run process forked from the warm runner
and walled in by the OS, from --threads client threads at once. Program i of a --seed is
always the same (kinds in turn: valid, malformed, hostile, os; see
tests/core/run/fuzz_runs.py). The runner is started with GRADVIZ_FUZZ_CANARY=1, so every
run plants a gv_canary where only an escape reaches it and reports any use of it.

Prints the outcome counts per kind and in total (result, message, limit, crash, bad line,
raw traceback, hang, death, escape), the programs per second, the slowest kinds and
programs, and the first programs of each failing outcome. Exit status 1 when any program
ended in bad line, raw traceback, hang, death or escape.

Run: .venv/bin/python bench/fuzz.py [--count 10000] [--seed 12] [--limit-seconds 3]
     .venv/bin/python bench/fuzz.py --seed 12 --show 1234     (print program 1234's source)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# This checkout's gradviz (and its tests' generators), whatever else is on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradviz.core.run.sandbox import probe
from tests.core.run import fuzz_runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="programs to run (default 10,000)")
    parser.add_argument("--seed", type=int, default=12, help="which programs (default 12)")
    parser.add_argument("--start", type=int, default=0, help="index of the first program")
    parser.add_argument("--limit-seconds", type=float, default=3.0, help="each run's wall clock (default 3 s)")
    parser.add_argument("--grace", type=float, default=10.0,
                        help="seconds past the limit after which a run counts as a hang (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="client threads (default 2)")
    parser.add_argument("--batch", type=int, default=500, help="programs between looks at the scratch directory")
    parser.add_argument("--show", type=int, metavar="INDEX", help="print program INDEX's source and stop")
    args = parser.parse_args()
    sys.stdout.reconfigure(errors="backslashreplace")  # messages may quote a program's odd characters

    scratch = fuzz_runs.Scratch()
    try:
        if args.show is not None:
            kind, source = fuzz_runs.program(args.seed, args.show, scratch)
            print(f"# program {args.show} of seed {args.seed} ({kind}; the scratch directory is {scratch.path})")
            print(source)
            return 0
        return run(args, scratch)
    finally:
        scratch.remove()


def run(args: argparse.Namespace, scratch: fuzz_runs.Scratch) -> int:
    wall = probe()
    print(f"OS wall: Landlock ABI {wall.landlock_abi}, seccomp {'on' if wall.seccomp else 'off'}"
          + ("" if not wall.notes else " -- " + "; ".join(wall.notes)))
    t0 = time.perf_counter()
    # What runs write to stderr (torch's warnings about odd programs) goes to a log, not here.
    log = Path(tempfile.gettempdir()) / "gradviz-fuzz-runs.log"
    saved = os.dup(2)
    with open(log, "wb") as stderr:
        os.dup2(stderr.fileno(), 2)
        try:
            runner = fuzz_runs.start_fuzz_runner(scratch)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    print(f"what the runs print to stderr: {log}")
    print(f"runner warm in {time.perf_counter() - t0:.1f} s (mode {runner.info[1]}, canary on); "
          f"{args.count:,} programs of seed {args.seed}, {args.threads} client threads, "
          f"limit {args.limit_seconds:g} s + {args.grace:g} s grace")
    done = [0]
    started = time.perf_counter()

    def progress(batch: list[fuzz_runs.Outcome]) -> None:
        done[0] += len(batch)
        bad = len(fuzz_runs.failures(batch))
        rate = done[0] / (time.perf_counter() - started)
        print(f"  {done[0]:>6,} / {args.count:,}  {rate:5.1f} programs/s" + (f"  {bad} FAILING" if bad else ""),
              flush=True)

    try:
        outcomes = fuzz_runs.run_fuzz(runner, scratch, args.seed, range(args.start, args.start + args.count),
                                      args.limit_seconds, args.grace, args.threads, args.batch, progress)
    finally:
        alive = runner.alive
        runner.close()
    elapsed = time.perf_counter() - started
    if not alive:
        outcomes.append(fuzz_runs.Outcome(-1, "valid", "death", "the runner was gone at the end", 0.0))

    print()
    print(fuzz_runs.table_text(outcomes))
    print(f"\n{len(outcomes):,} programs in {elapsed:.0f} s: {len(outcomes) / elapsed:.1f} programs/s")

    print("\nerror kinds:")
    for kind in fuzz_runs.KINDS:
        kinds: dict[str, int] = {}
        for o in outcomes:
            if o.kind == kind and o.error_kind:
                kinds[o.error_kind] = kinds.get(o.error_kind, 0) + 1
        print(f"  {kind:<10}" + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])))

    print("\nmost frequent messages:")
    for kind in fuzz_runs.KINDS:
        for n, text in fuzz_runs.common_messages(outcomes, kind):
            print(f"  {kind:<10}{n:>6,}  {text}")

    print("\nseconds per program, slowest kinds first:")
    by_kind = {k: [o.seconds for o in outcomes if o.kind == k] for k in fuzz_runs.KINDS}
    for kind, times in sorted(by_kind.items(), key=lambda kv: -statistics.fmean(kv[1] or [0])):
        if times:
            times.sort()
            print(f"  {kind:<10} mean {statistics.fmean(times):.3f}  median {statistics.median(times):.3f}  "
                  f"p99 {times[int(0.99 * (len(times) - 1))]:.3f}  max {times[-1]:.2f}  total {sum(times):.0f}")
    print("slowest programs:")
    for o in sorted(outcomes, key=lambda o: -o.seconds)[:5]:
        print(f"  {o.index:>6} {o.kind:<10} {o.seconds:6.2f} s  {o.outcome}: {o.detail[:100]}")
    crashes = [o for o in outcomes if o.outcome == "crash"][:5]
    for o in crashes:
        print(f"crash: program {o.index} ({o.kind}): {o.detail[:200]}")

    failing = fuzz_runs.failures(outcomes)
    for text in fuzz_runs.iter_failures(outcomes, args.seed, scratch):
        print("\n" + text)
    totals = fuzz_runs.counts(outcomes)["total"]
    print("\n" + ", ".join(f"{totals[name]:,} {name}" for name in ("escape", "raw traceback", "hang", "death",
                                                                     "bad line")))
    print("FAILED" if failing else "OK: no escape, raw traceback, hang, death or misplaced line")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
