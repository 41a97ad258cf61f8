"""What running programs in run processes costs, against running them in this process.

Prints, for the logistic lesson and for chains of 1,000 and 10,000 nodes:
- the in-process capture time and the round trip through the runner (median of N),
  and the difference (target: logistic <= 30 ms more);
- for the big chain, the time to send the finished Trace back: encode in the run,
  the bytes through two pipes, decode and check here (target: 10,000 nodes <= 0.3 s);
- the runner's own start (import torch once) against `python -c "import torch"`.

Run: .venv/bin/python bench/runner.py [--repeat 7]   (not part of the test run)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import torch

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.run import (
    codec,
    messages,  # noqa: F401 - registers the records
)
from gradviz.core.run.client import Runner
from gradviz.core.run.request import Job, ProgramSpec


def chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ns = x\nfor i in range({n // 2}):\n    s = s * 1.0001 + x\nloss = s\n"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as in the run processes

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    import_torch = time.perf_counter() - t0
    runner = Runner()
    t0 = time.perf_counter()
    runner.start()
    runner.ready.wait(60)
    warm = time.perf_counter() - t0
    print(f"runner warm in {warm:.2f} s (python -c 'import torch': {import_torch:.2f} s), mode {runner.info[1]}")

    programs = {"logistic": LESSONS["logistic"].program, "chain 1,000": chain(1000), "chain 10,000": chain(10_000)}
    print(f"{'program':<14}{'nodes':>7}{'in-process':>12}{'run process':>13}{'difference':>12}")
    for name, source in programs.items():
        repeat = args.repeat if "10,000" not in name else max(3, args.repeat // 2)
        trace = capture_program(source)
        here = median_time(lambda s=source: capture_program(s), repeat)
        there = median_time(lambda s=source: runner.call(Job("capture", ProgramSpec(s))), repeat)
        print(f"{name:<14}{len(trace.nodes):>7,}{here * 1000:>10.0f} ms{there * 1000:>11.0f} ms"
              f"{(there - here) * 1000:>+10.0f} ms")
        if "10,000" in name:
            data = codec.encode(trace)
            enc = median_time(lambda t=trace: codec.encode(t), 3)
            dec = median_time(lambda d=data: codec.decode(d), 3)
            print(f"  sending the trace back: {len(data) / 1e6:.1f} MB, encode {enc * 1000:.0f} ms + decode and check "
                  f"{dec * 1000:.0f} ms = {(enc + dec) * 1000:.0f} ms (target <= 300 ms)")
    runner.close()


if __name__ == "__main__":
    main()
