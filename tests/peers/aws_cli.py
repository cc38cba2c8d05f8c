"""The real AWS CLI v2 (/usr/bin/aws) for the peer suites: many commands in a few processes.

A `/usr/bin/aws` process costs ~0.5 s of CPU, nearly all of it Python starting and importing the
CLI. aws_batch.py loads /usr/bin/aws's own main() once and runs a list of jobs in one process
(~40 ms a job); run_batch() spreads groups of jobs over one or two such processes at once. A job is

    {"argv": [...], "env": {...}, "cwd": DIR}  ("cwd" optional)  -> {"stdout", "stderr", "exit"}
    {"read": True, "env": {...}}    -> {"config": full_config} or {"error": "..."}  (the files named
                                       by env, as the CLI reads them)

ProcessCheck re-runs a sample of jobs as real /usr/bin/aws processes and compares everything: stdout,
stderr, exit status and the files each leaves under its HOME, so a suite checks that the batch gives
the CLI's own answers. Output is decoded by decode() on both sides: equal text means equal bytes.

Always /usr/bin/aws (Debian's AWS CLI v2): the first `aws` on PATH may be a v1 CLI.
"""

import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import weakref

AWS = "/usr/bin/aws"
SKIP = 77  # CTest's SKIP_RETURN_CODE, for a suite without /usr/bin/aws
BATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws_batch.py")
PROCESS_CHECK = "harness: batch answers equal /usr/bin/aws processes"
# Starting a batch process costs ~0.6 s of CPU, as much as ~25 jobs: a second process pays only from
# about a hundred jobs on (measured on a busy 2-core machine), so smaller batches run in one.
JOBS_PER_WORKER = 100
MAX_WORKERS = 2


def installed():
    return os.access(AWS, os.X_OK)


def scrubbed_env(home, config, credentials, extra=None):
    """The environment both tools run in, away from the real ~/.aws: HOME and the two files in a
    temporary folder, no pager, a fixed PATH and locale; then `extra`."""
    env = {"HOME": home, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials,
           "AWS_PAGER": "", "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    env.update(extra or {})
    return env


def decode(data):
    """A program's output as text, losslessly (invalid UTF-8 kept as surrogates, as aws_batch.py does)."""
    return data.decode("utf-8", "surrogateescape")


def aws_interpreter():
    with open(AWS, "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


def _run_worker(jobs):
    if not jobs:
        return []
    proc = subprocess.run([aws_interpreter(), BATCH], input=json.dumps(jobs), capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}, timeout=120 + 2 * len(jobs))
    if proc.returncode != 0:
        sys.exit("aws_batch.py failed:\n" + proc.stderr[-3000:])
    return json.loads(proc.stdout)


def run_batch(groups, workers=None):
    """Runs groups of CLI jobs (each group in order, in one process) on `workers` processes at once
    (by default one per JOBS_PER_WORKER jobs, at most MAX_WORKERS); returns the results group by group."""
    if workers is None:
        jobs = sum(len(group) for group in groups)
        workers = max(1, min(MAX_WORKERS, jobs // JOBS_PER_WORKER))
    shares = [groups[i::workers] for i in range(workers)]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        outputs = list(pool.map(_run_worker, [[job for group in share for job in group] for share in shares]))
    results = [None] * len(groups)
    for w, share in enumerate(shares):
        flat = iter(outputs[w])
        for k, group in enumerate(share):
            results[w + k * workers] = [next(flat) for _ in group]
    return results


def run_jobs(jobs, workers=None):
    """Runs independent CLI jobs; returns one result per job."""
    return [group[0] for group in run_batch([[job] for job in jobs], workers)]


def run_process(job):
    """One job as a real /usr/bin/aws process."""
    proc = subprocess.run([AWS] + job["argv"], env=job["env"], cwd=job.get("cwd"), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    return {"stdout": decode(proc.stdout), "stderr": decode(proc.stderr), "exit": proc.returncode}


def spread(count, total):
    """`count` indices spread evenly over range(total), the first and the last included."""
    if count >= total:
        return list(range(total))
    if count <= 1:
        return list(range(count))
    return sorted({round(i * (total - 1) / (count - 1)) for i in range(count)})


def _tree(root):
    """Every file and folder under root: relative path -> (mode, bytes or None for a folder)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            data = None
            if name in files:
                with open(path, "rb") as f:
                    data = f.read()
            found[os.path.relpath(path, root)] = (os.lstat(path).st_mode, data)
    return found


def _describe(entry):
    """A file or folder found by _tree(), without its contents (credentials files hold secrets)."""
    if entry is None:
        return "none"
    mode, data = entry
    return "mode %o, %s" % (mode, "a folder" if data is None else "%d bytes, sha256 %s" % (
        len(data), hashlib.sha256(data).hexdigest()[:12]))


class ProcessCheck:
    """Jobs re-run as real /usr/bin/aws processes and compared with the batch's answers:
    stdout, stderr, exit status and every file and folder under the job's HOME (bytes and mode).

    Make it before the batch runs: it keeps a copy of each job's HOME as it is then, and runs
    the process on that copy put back at the same path, so a job may write files. A job checked must
    therefore start from the HOME as it was before the batch (no earlier job writes there), and its
    files must live under its HOME. The HOME the batch left is put back afterwards."""

    def __init__(self, jobs):
        self.jobs = list(jobs)
        self.saved = tempfile.mkdtemp(prefix="awsprof-peer-homes-")
        self._remove_saved = weakref.finalize(self, shutil.rmtree, self.saved, True)  # also on an early exit
        self.copies = {}
        for job in self.jobs:
            home = job["env"]["HOME"]
            if home not in self.copies:
                self.copies[home] = os.path.join(self.saved, str(len(self.copies)))
                shutil.copytree(home, self.copies[home], symlinks=True)

    def compare(self, results):
        """[(job, None or what differs)] for each job; `results` are the batch's answers to them, in order."""
        outcomes = []
        try:
            for job, result in zip(self.jobs, results, strict=True):
                home = job["env"]["HOME"]
                batch = dict(result, files=_tree(home))
                aside = os.path.join(self.saved, "batch-home")
                os.rename(home, aside)
                try:
                    shutil.copytree(self.copies[home], home, symlinks=True)
                    real = dict(run_process(job), files=_tree(home))
                finally:
                    shutil.rmtree(home, ignore_errors=True)
                    os.rename(aside, home)
                differs = ["%s: process %r, batch %r" % (key, real[key], batch[key])
                           for key in ("stdout", "stderr", "exit") if real[key] != batch[key]]
                differs += ["%s: process %s, batch %s" % (path, _describe(real["files"].get(path)),
                                                          _describe(batch["files"].get(path)))
                            for path in sorted(set(real["files"]) | set(batch["files"]))
                            if real["files"].get(path) != batch["files"].get(path)]
                outcomes.append((job, "%s: %s" % (job["argv"], "; ".join(differs)) if differs else None))
        finally:
            self._remove_saved()
        return outcomes
