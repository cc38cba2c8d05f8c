#!/usr/bin/env python3
"""Drives the generated awsprof completions in a real shell and checks what they offer.

    run_completion_tests.py --shell bash|zsh|fish --build-dir BUILD --source-dir SOURCE --work DIR

bash: sources /usr/share/bash-completion/bash_completion and the generated script, then calls the
completion function with COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set as readline sets
them (words split at COMP_WORDBREAKS). zsh: tests/completions/zsh_complete.zsh presses Tab in an
interactive zsh under zsh/zpty with compinit. fish: `complete -C LINE`.

The cases on commands, options and profiles run against the scripts the build generated
(BUILD/completions). The cases on setting names and values need get, set, unset and explain; any of
those not built yet is added to a copy of the generated model as a stand-in (with list's shared
options), the scripts are generated again from that copy with the same generator, and a NOTE says
so. Exit 0 when every case passes, 1 otherwise, 77 (skipped) when the shell is not installed.
"""

import argparse
import concurrent.futures
import copy
import json
import os
import shutil
import subprocess
import sys

SETTING_COMMANDS = ["get", "set", "unset", "explain"]
EXAMPLE_PROFILES = ["ci", "default", "dev", "eks", "legacy", "prod-admin", "tools"]


def cases(source):
    """(line, expectation, options): expectation is ("exact" | "includes" | "excludes", [...])."""
    examples = os.path.join(source, "examples")
    env = {"AWS_CONFIG_FILE": os.path.join(examples, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(examples, "credentials")}
    medium = {"AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"}
    real = [
        ("awsprof ", ("includes", ["list", "lint", "validate", "test", "help"]), {}),
        ("awsprof li", ("exact", ["lint", "list"]), {}),
        ("awsprof --v", ("exact", ["--version"]), {}),
        ("awsprof help va", ("exact", ["validate"]), {}),
        ("awsprof list --na", ("exact", ["--names"]), {}),
        ("awsprof list --output ", ("exact", ["json", "table", "text"]), {}),
        ("awsprof list --output=j", ("exact", ["json"]), {}),
        ("awsprof list --dialect ", ("exact", ["cli", "sdk"]), {}),
        # validate replaces the shared --output with its own: the completion follows the tool.
        ("awsprof validate --output ", ("exact", ["json", "sarif", "text"]), {}),
        ("awsprof validate --fail-on ", ("exact", ["error", "note", "warning"]), {}),
        ("awsprof list --profile ", ("exact", EXAMPLE_PROFILES), {"env": env}),
        ("awsprof list --profile d", ("exact", ["default", "dev"]), {"env": env}),
        ("awsprof test --all --timeout 5 ", ("includes", EXAMPLE_PROFILES), {"env": env}),
        # Profile names come from the files named on the line, not only the environment.
        ("awsprof list --config-file medium/config --profile acme-sec",
         ("exact", ["acme-security-admin", "acme-security-audit"]), {"env": medium, "cwd": examples}),
        ("awsprof validate --config-file con", ("exact", ["config"]), {"cwd": examples}),
        # sso has subcommands: they come first, then each one's options and the shared ones.
        ("awsprof sso ", ("exact", ["login", "logout", "populate", "status"]), {}),
        ("awsprof sso populate --pr", ("exact", ["--preset", "--profile", "--prune"]), {}),
        ("awsprof sso populate --preset ", ("exact", ["aws-cli", "aws-sso-cli", "aws-sso-util", "awsprof", "granted"]),
         {}),
        ("awsprof sso populate --dry", ("exact", ["--dry-run"]), {}),
        ("awsprof sso login --dry", ("exact", []), {}),
        ("awsprof sso lo", ("exact", ["login", "logout"]), {}),
        ("awsprof sso login --no", ("exact", ["--no-browser", "--no-verify-ssl"]), {}),
        ("awsprof sso login --use", ("exact", ["--use-device-code"]), {}),
        ("awsprof sso status --output ", ("exact", ["json", "table", "text"]), {}),
        ("awsprof sso logout --profile d", ("exact", ["default", "dev"]), {"env": env}),
        ("awsprof sso status --use", ("exact", []), {}),
        # --sso-session and --services take the names of those sections, from the files on the line.
        ("awsprof set --sso-session ", ("exact", ["corp"]), {"env": env}),
        ("awsprof get --config-file medium/config --sso-session acme-", ("exact", ["acme-eu"]),
         {"env": medium, "cwd": examples}),
        ("awsprof unset --config-file team-baseline.config --services plat", ("exact", ["platform-local-services"]),
         {"env": medium, "cwd": examples}),
        ("awsprof gr", ("exact", ["graph"]), {}),
        ("awsprof graph --output ", ("exact", ["dot", "json", "mermaid", "table", "text"]), {}),
        ("awsprof list --kind s", ("exact", ["sso", "static"]), {}),
        # exec runs a program (any command on PATH), then takes that program's arguments (files).
        ("awsprof exec --profile dev bas", ("includes", ["bash"]), {"env": env}),
        ("awsprof exec --profile dev cat con", ("exact", ["config"]), {"env": env, "cwd": examples}),
        # list takes no arguments: neither profiles nor files (zsh offers the options here).
        ("awsprof list --names ", ("excludes", ["default", "config", "credentials"]), {"env": env, "cwd": examples}),
    ]
    settings = [
        ("awsprof set retry_", ("exact", ["retry_mode"]), {}),
        ("awsprof set retry_mode ", ("exact", ["adaptive", "standard"]), {}),
        ("awsprof set output ", ("exact", ["json", "off", "table", "text", "yaml", "yaml-stream"]), {}),
        ("awsprof set output json cli_pa", ("exact", ["cli_pager"]), {}),
        ("awsprof set --profile dev use_fips_endpoint ", ("exact", ["false", "true"]), {"env": env}),
        ("awsprof get s3.addr", ("exact", ["s3.addressing_style"]), {}),
        ("awsprof get --profile dev reg", ("exact", ["region"]), {"env": env}),
        ("awsprof get region ", ("exact", []), {}),
        ("awsprof unset sso_reg", ("exact", ["sso_region", "sso_registration_scopes"]), {}),
        ("awsprof explain region retry_", ("exact", ["retry_mode"]), {}),
    ]
    return real, settings


# ------------------------------------------------------------------------------------------ shells

WORDBREAKS = "\"'><=;|&(:"


def readline_words(line):
    """COMP_WORDS and COMP_CWORD as bash's readline makes them for the cursor at the end of line."""
    words, current = [], ""
    for ch in line:
        if ch in " \t\n":
            if current:
                words.append(current)
            current = ""
        elif ch in WORDBREAKS:
            if current and current[-1] not in WORDBREAKS:
                words.append(current)
                current = ""
            current += ch
        else:
            if current and current[-1] in WORDBREAKS:
                words.append(current)
                current = ""
            current += ch
    words.append(current)
    return words, len(words) - 1


def sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def run_bash(script, line, env, cwd):
    words, cword = readline_words(line)
    program = (
        "source /usr/share/bash-completion/bash_completion\n"
        f"source {sh_quote(script)}\n"
        f"COMP_WORDS=({' '.join(sh_quote(w) for w in words)})\n"
        f"COMP_CWORD={cword}\n"
        f"COMP_LINE={sh_quote(line)}\n"
        f"COMP_POINT={len(line)}\n"
        "COMPREPLY=()\n"
        f"_awsprof awsprof {sh_quote(words[cword])} {sh_quote(words[cword - 1])}\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n')
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0 or out.stderr:
        raise RuntimeError(f"bash exited {out.returncode}: {out.stderr.strip()}")
    return [w for w in out.stdout.split("\n") if w]


def run_zsh(script, line, env, cwd, helper):
    out = subprocess.run(["zsh", "-f", helper, os.path.dirname(script), line], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"zsh_complete.zsh exited {out.returncode}: {out.stderr.strip()}")
    return [w for w in out.stdout.split("\n") if w]


def fish_quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def run_fish(script, line, env, cwd):
    program = f"source {fish_quote(script)}; complete -C {fish_quote(line)}"
    out = subprocess.run(["fish", "--no-config", "-c", program], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0 or out.stderr:
        raise RuntimeError(f"fish exited {out.returncode}: {out.stderr.strip()}")
    return [w.split("\t")[0] for w in out.stdout.split("\n") if w]


SCRIPT_NAMES = {"bash": "awsprof.bash", "zsh": "_awsprof", "fish": "awsprof.fish"}


def check_case(shell, helper, script, line, how, expected, env, cwd):
    """Completes LINE in SHELL; (passed, the line to print)."""
    try:
        if shell == "bash":
            got = run_bash(script, line, env, cwd)
        elif shell == "zsh":
            got = run_zsh(script, line, env, cwd, helper)
        else:
            got = run_fish(script, line, env, cwd)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return False, f"FAIL: {shell}: '{line}': {error}"
    # "--output=j" completes to "json" in bash and zsh (the word after "="), to the whole word in fish.
    if "=" in line.split(" ")[-1]:
        prefix = line.split(" ")[-1].split("=")[0] + "="
        got = [g[len(prefix):] if g.startswith(prefix) else g for g in got]
    got = sorted(set(got))
    if how == "exact":
        ok = got == sorted(expected)
    elif how == "includes":
        ok = set(expected) <= set(got)
    else:
        ok = not set(expected) & set(got)
    shown = got if len(got) <= 12 else got[:12] + [f"... {len(got)} in all"]
    if ok:
        return True, f"ok: {shell}: '{line}' -> {shown}"
    return False, f"FAIL: {shell}: '{line}': expected {how} {sorted(expected)}, got {shown}"


# -------------------------------------------------------------------------------------------- main

def stand_in_scripts(build, source, work):
    """Scripts generated from the build's model plus stand-ins for missing setting commands."""
    with open(os.path.join(build, "completions", "spec.json"), encoding="utf-8") as f:
        model = json.load(f)
    names = {c["name"] for c in model["commands"]}
    missing = [c for c in SETTING_COMMANDS if c not in names]
    if missing:
        base = next(c for c in model["commands"] if c["name"] == "list")
        for name in missing:
            stand_in = copy.deepcopy(base)
            stand_in["name"] = name
            stand_in["description"] = f"(stand-in for awsprof-{name}, not built yet)"
            stand_in["options"] = [o for o in stand_in["options"] if o["names"] != ["--names"]]
            model["commands"].append(stand_in)
        model["commands"].sort(key=lambda c: c["name"])
    out_dir = os.path.join(work, "stand-in")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(work, "model.json"), "w", encoding="utf-8") as f:
        json.dump(model, f)
    subprocess.run([sys.executable, os.path.join(source, "completions", "generate_completions.py"),
                    "--spec", os.path.join(work, "model.json"), "--out-dir", out_dir], check=True)
    return out_dir, missing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shell", required=True, choices=sorted(SCRIPT_NAMES))
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    for name in ("build_dir", "source_dir", "work"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    shell = args.shell
    if not shutil.which(shell):
        print(f"SKIP: {shell} is not installed (Debian package {shell}): its completion is not tested")
        return 77
    if shell == "bash" and not os.path.exists("/usr/share/bash-completion/bash_completion"):
        print("SKIP: /usr/share/bash-completion/bash_completion is missing (Debian: bash-completion)")
        return 77
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)

    real_dir = os.path.join(args.build_dir, "completions")
    stand_in_dir, missing = stand_in_scripts(args.build_dir, args.source_dir, args.work)
    for name in missing:
        print(f"NOTE: awsprof-{name} is not built yet: its setting completion is checked on a stand-in "
              "with list's options")

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PATH"] = os.path.join(args.build_dir, "bin") + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    env["HOME"] = args.work  # no ~/.aws, no shell rc files
    real_cases, setting_cases = cases(args.source_dir)
    helper = os.path.join(args.source_dir, "tests", "completions", "zsh_complete.zsh")
    jobs = []
    for directory, group in ((real_dir, real_cases), (stand_in_dir, setting_cases)):
        script = os.path.join(directory, SCRIPT_NAMES[shell])
        if shell == "zsh":  # zsh finds _awsprof on fpath, by its name
            zsh_dir = os.path.join(args.work, "zsh-" + os.path.basename(directory))
            os.makedirs(zsh_dir, exist_ok=True)
            shutil.copy(script, os.path.join(zsh_dir, "_awsprof"))
            script = os.path.join(zsh_dir, "_awsprof")
        jobs += [(script, line, how, expected, dict(env, **options.get("env", {})), options.get("cwd", args.work))
                 for line, (how, expected), options in group]
    # Each case is a shell of its own, which spends most of its time waiting (zsh's pseudo-terminal
    # is polled): several run at once, and the results are printed in the cases' order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:
        results = list(pool.map(lambda job: check_case(shell, helper, *job), jobs))
    for ok, message in results:
        print(message)
    failures = sum(not ok for ok, _ in results)
    print(f"{shell}: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
