"""Runs many AWS CLI v2 commands in one process, to keep the peer test fast.

Started by peer_cli_edit.py with the interpreter named on /usr/bin/aws's "#!" line. It loads the
CLI from /usr/bin/aws itself (its main(), so the code is exactly what `/usr/bin/aws ...` runs),
then reads a JSON list of jobs on stdin and writes a JSON list of results on stdout:

    {"argv": ["configure", "get", "region"], "env": {...}}
        -> {"stdout": "...", "stderr": "...", "exit": 0}
    {"read": true, "env": {...}}   the files named by env, as the CLI reads them
        -> {"config": <session.full_config>} or {"error": "ConfigParseError: ..."}

Every job gets exactly its own environment (plus the AWS_DATA_PATH the CLI sets on import).
A whole `aws` process costs ~0.5 s; a job here ~40 ms.
"""

import io
import json
import os
import runpy
import sys

AWS = "/usr/bin/aws"


def main():
    entry = runpy.run_path(AWS, run_name="aws_entry")
    import awscli.botocore.session  # noqa: E402 (loaded by the entry point above)

    data_path = os.environ.get("AWS_DATA_PATH")  # set by awscli when it is imported
    jobs = json.load(sys.stdin)
    real = sys.stdin, sys.stdout, sys.stderr, sys.argv
    results = []
    for job in jobs:
        os.environ.clear()
        os.environ.update(job["env"])
        if data_path:
            os.environ["AWS_DATA_PATH"] = data_path
        if job.get("read"):
            try:
                results.append({"config": awscli.botocore.session.Session().full_config})
            except Exception as error:  # the CLI's own parse errors
                results.append({"error": "%s: %s" % (type(error).__name__, error)})
            continue
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        sys.stdin, sys.stdout, sys.stderr, sys.argv = io.StringIO(""), out, err, ["aws"] + job["argv"]
        try:
            try:
                code = entry["main"]()
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
        finally:
            sys.stdin, sys.stdout, sys.stderr, sys.argv = real
        out.flush()
        err.flush()
        results.append({"stdout": out.buffer.getvalue().decode("utf-8", "backslashreplace"),
                        "stderr": err.buffer.getvalue().decode("utf-8", "backslashreplace"),
                        "exit": code})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
