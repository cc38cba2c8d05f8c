"""Runs many AWS CLI v2 commands in one process, to keep the peer suites fast.

Started by aws_cli.run_batch() with the interpreter named on /usr/bin/aws's "#!" line. It loads the
CLI from /usr/bin/aws itself (its main(), so the code is exactly what `/usr/bin/aws ...` runs),
then reads a JSON list of jobs on stdin and writes a JSON list of results on stdout:

    {"argv": ["configure", "get", "region"], "env": {...}, "cwd": "/tmp/x"}   ("cwd" optional)
        -> {"stdout": "...", "stderr": "...", "exit": 0}
    {"read": true, "env": {...}}   the files named by env, as the CLI reads them
        -> {"config": <session.full_config>} or {"error": "ConfigParseError: ..."}

Every job gets exactly its own environment (plus the AWS_DATA_PATH the CLI sets on import) and,
when it names one, its own working directory (the batch's own is restored after the job).
Output bytes are decoded as UTF-8 with surrogateescape, as aws_cli.decode() decodes a process's,
so equal text means equal bytes. A whole `aws` process costs ~0.5 s; a job here ~40 ms.
"""

import io
import json
import os
import runpy
import sys

AWS = "/usr/bin/aws"


def decode(data):
    return data.decode("utf-8", "surrogateescape")


def main():
    entry = runpy.run_path(AWS, run_name="aws_entry")
    import awscli.botocore.session  # noqa: E402 (loaded by the entry point above)

    data_path = os.environ.get("AWS_DATA_PATH")  # set by awscli when it is imported
    jobs = json.load(sys.stdin)
    real = sys.stdin, sys.stdout, sys.stderr, sys.argv
    batch_dir = os.getcwd()
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
            os.chdir(job.get("cwd", batch_dir))
            try:
                code = entry["main"]()
            except SystemExit as stop:  # as the interpreter turns it into an exit status
                code = stop.code
                if code is not None and not isinstance(code, int):
                    print(code, file=sys.stderr)
                    code = 1
            code = 0 if code is None else code % 256  # what a process's parent sees
        finally:
            sys.stdin, sys.stdout, sys.stderr, sys.argv = real
            os.chdir(batch_dir)
        out.flush()
        err.flush()
        results.append({"stdout": decode(out.buffer.getvalue()), "stderr": decode(err.buffer.getvalue()),
                        "exit": code})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
