#!/usr/bin/env python3
"""The Python tools the tests, benches and release scripts run, each in a virtualenv of its own
holding exactly its pins: made on first use, reused while its pins stay what they are here.

Usage: tests/support/venv.py SET [DIR]
  SET  moto | lint | awscli (below)
  DIR  where the virtualenvs live: default $CARGO_TARGET_DIR/tmp, else target/tmp in the repository

Prints the virtualenv's directory (its python is bin/python). Test binaries run in parallel, so
the virtualenv is made behind a file lock (SET-venv.lock beside it); its installed.txt lists the
pins it holds, and other pins make it again. This file is the one place the pins are written:
tests/support/moto.rs, benches/snapshot.sh and dist/link_order.py all come here.
"""

import fcntl
import os
import shutil
import subprocess
import sys

SETS = {
    # The AWS tests' moto server, and cbor2 for its CloudWatch front (moto_front.py). boto3 and
    # botocore too, which moto leaves open: benches/snapshot_setup.py writes its resources with
    # them, and botocore 1.44.18 calls Athena in a way moto 5.2.5 answers 404 (1.44.8 works).
    "moto": ["moto[server]==5.2.5", "cbor2==6.2.1", "boto3==1.44.8", "botocore==1.44.8"],
    # The template checkers (tests/template_lint.rs), apart from moto: checkov pins an old boto3
    # whose service models break moto's CloudWatch and Kinesis answers.
    "lint": ["cfn-lint==1.58.0", "checkov==3.3.30"],
    # benches/snapshot.sh's aws-cli script: awscli 1.x pins its own botocore.
    "awscli": ["awscli==1.46.3"],
}


def fail(message):
    print(f"venv.py: {message}", file=sys.stderr)
    sys.exit(1)


def default_dir():
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        target = os.path.join(repo, "target")
    return os.path.join(target, "tmp")


def ensure(name, pins, parent):
    """The virtualenv `name` under `parent` holding exactly `pins`; made if it does not."""
    os.makedirs(parent, exist_ok=True)
    venv = os.path.join(parent, f"{name}-venv")
    wanted = "\n".join(pins)
    stamp = os.path.join(venv, "installed.txt")
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                held = f.read().strip()
        except OSError:
            held = None
        if held != wanted:
            shutil.rmtree(venv, ignore_errors=True)
            step = [sys.executable, "-m", "venv", venv]
            if subprocess.run(step, stdout=sys.stderr).returncode != 0:
                fail(f"cannot make a virtualenv at {venv} (is python3's venv module installed?)")
            python = os.path.join(venv, "bin", "python")
            step = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pins]
            if subprocess.run(step, stdout=sys.stderr).returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                fail(f"cannot install {' '.join(pins)} (this needs access to PyPI)")
            with open(stamp, "w") as f:
                f.write(wanted)
    return venv


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in SETS:
        fail(f"usage: venv.py {{{'|'.join(SETS)}}} [DIR]")
    name = sys.argv[1]
    parent = sys.argv[2] if len(sys.argv) == 3 else default_dir()
    print(ensure(name, SETS[name], parent))


if __name__ == "__main__":
    main()
