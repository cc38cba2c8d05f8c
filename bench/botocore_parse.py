#!/usr/bin/env python3
"""Times botocore's config reader (what the AWS CLI runs) on one file.

    botocore_parse.py [--runs N] [--tsv] FILE

Times `botocore.configloader.raw_config_parse(FILE)` N times (default 7) after one warm-up run, in
this process with botocore already imported, and reports the median. Peak memory comes from a fresh
child (this script re-run with --memory): its ru_maxrss after importing botocore, and after one
parse, so the difference is the parse's own. raw_config_parse opens and reads the file itself, so
that read is inside botocore's time (the C++ parsers are timed on bytes already in memory); a read
of a cached 1.5 MB file costs well under a millisecond, against about a second for the parse.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import botocore
import botocore.configloader


def memory_child(path: str) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = botocore.configloader.raw_config_parse(path)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"before_kib": before, "after_kib": after, "sections": len(parsed)}, sys.stdout)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tsv", action="store_true")
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        return memory_child(args.file)

    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory", args.file],
                           check=True, capture_output=True, text=True)
    memory = json.loads(child.stdout)

    botocore.configloader.raw_config_parse(args.file)  # warm-up
    samples = []
    sections = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        parsed = botocore.configloader.raw_config_parse(args.file)
        samples.append(time.perf_counter() - start)
        sections = len(parsed)
    median = statistics.median(samples)
    size = os.path.getsize(args.file)
    mbps = size / 1e6 / median
    description = (f"botocore {botocore.__version__} raw_config_parse, Python "
                   f"{sys.version.split()[0]}: {sections} sections")
    if args.tsv:
        print("mode\tmedian_s\tmb_per_s\tpeak_kib\tbaseline_kib\tdescription")
        print(f"botocore\t{median:.9f}\t{mbps:.3f}\t{memory['after_kib']}\t{memory['before_kib']}\t{description}")
    else:
        print(f"{description}: median {median * 1e3:.1f} ms of {args.runs} runs, {mbps:.2f} MB/s")
        print(f"peak RSS {memory['after_kib']} KiB ({memory['after_kib'] - memory['before_kib']} KiB "
              f"over the {memory['before_kib']} KiB of a process that imported botocore)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
