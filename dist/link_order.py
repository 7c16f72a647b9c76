#!/usr/bin/env python3
"""Writes the link order of a release binary: the functions the console runs, first.

    dist/link_order.py BINARY OUT [--aws] [--seconds N]

BINARY is a Linux dist build with its symbol table (the dist profile keeps it; dist/package.sh
strips the published copy). This runs it under valgrind's callgrind in a pseudo-terminal: the
sandbox from its start, a visit to every view, then idle; with --aws the same on AWS, against
a local moto server (installed, pinned as the tests pin it, into a virtualenv under the target
directory) holding the resources of benches/snapshot_setup.py. OUT gets the mangled name of
every function that ran, one per line, in the order they first ran.

Built again with LAKEOPS_LINK_ORDER=OUT, the linker (lld, build.rs) lays those functions out
together at the start of the code. Resident memory is mostly the binary's code, paged in 64 KiB
around each fault: with the code that runs packed together instead of scattered among the SQL
engine's and the SDK clients', far less of it is resident (docs/performance.md, Memory). A name
this build does not have (another toolchain, another Cargo.lock) is skipped by the linker, so
an order only ever helps the binary it was measured on; the release workflow makes it anew.
"""

import argparse
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What every launch gets: a fixed sandbox clock (repeatable), test credentials, no IMDS.
ENV = {
    "TERM": "xterm-256color",
    "LAKEOPS_SANDBOX_START": "2026-03-20T14:30:00Z",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Under callgrind the console runs some fifty times slower than on its own.
FIRST_FRAME_TIMEOUT_S = 300


def fail(message):
    sys.exit(f"link_order.py: {message}")


def views(binary):
    """The command that opens each view (`:streams` …), as the binary's own key table says."""
    listing = subprocess.run([binary, "keys", "--json"], capture_output=True, text=True, check=True)
    return [c["opens_with"][0] for c in json.loads(listing.stdout) if c.get("opens_with")]


class Console:
    """The binary under callgrind in a pseudo-terminal of 50 rows by 200 columns."""

    def __init__(self, binary, home, profile, out_file):
        env = dict(
            os.environ,
            **ENV,
            XDG_CONFIG_HOME=os.path.join(home, "config"),
            XDG_STATE_HOME=os.path.join(home, "state"),
            LAKEOPS_PROFILE=profile,
        )
        command = [
            "valgrind",
            "--tool=callgrind",
            "--demangle=no",
            "--compress-strings=no",
            "--compress-pos=no",
            f"--callgrind-out-file={out_file}",
            binary,
        ]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
            os.execvpe(command[0], command, env)
        self.seen = b""

    def pump(self, seconds):
        """Reads the screen for `seconds`, so the console never blocks on a full terminal."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.seen = (self.seen + chunk)[-200_000:]

    def wait_for(self, needle, timeout):
        end = time.monotonic() + timeout
        while needle not in self.seen:
            if time.monotonic() > end:
                self.kill()
                fail(f"no {needle!r} on the screen within {timeout} s: {self.seen[-400:]!r}")
            self.pump(1)

    def keys(self, text):
        os.write(self.fd, text.encode())

    def quit(self, timeout=120):
        self.keys("q")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(1)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.fd)
                if status != 0:
                    fail(f"the console under callgrind exited with status {status}: {self.seen[-400:]!r}")
                return
        self.kill()
        fail(f"the console did not quit on q: {self.seen[-400:]!r}")

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def run(binary, home, profile, out_file, tour, seconds):
    console = Console(binary, home, profile, out_file)
    console.wait_for(f"profile {profile}".encode(), FIRST_FRAME_TIMEOUT_S)
    console.pump(seconds)
    for command in tour + [":overview"]:
        # Esc alone first (leaving an editor a view may have focused), then the command line;
        # Esc and ':' written together would read as Alt+':'.
        console.keys("\x1b")
        console.pump(1)
        console.keys(f"{command}\r")
        console.pump(3)
    console.pump(seconds)
    console.quit()


def functions_run(out_file):
    """Every function callgrind saw run (`fn=` and `cfn=` lines), in the order first seen; a
    recursive call's `'2` suffix dropped, unnamed code (`0x…`) skipped."""
    names = {}
    with open(out_file, errors="replace") as f:
        for line in f:
            match = re.match(r"c?fn=(?:\(\d+\) )?([^\s']+)", line)
            if match and not match.group(1).startswith("0x"):
                names.setdefault(match.group(1), None)
    return list(names)


def moto_python():
    """The python of the moto virtualenv tests/support/venv.py makes (the tests' own)."""
    made = subprocess.run(
        [sys.executable, os.path.join(REPO, "tests/support/venv.py"), "moto"],
        stdout=subprocess.PIPE,
        text=True,
    )
    if made.returncode != 0:
        fail("cannot make the moto virtualenv (tests/support/venv.py's error is above)")
    return os.path.join(made.stdout.strip(), "bin", "python")


def start_moto(home):
    """A moto server on a free loopback port, holding benches/snapshot_setup.py's resources;
    answers (process, name of the profile that watches them)."""
    python = moto_python()
    server = subprocess.Popen(
        [python, os.path.join(REPO, "tests/support/moto_front.py"), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = server.stdout.readline()
    if not line.startswith("ready "):
        server.kill()
        fail(f"moto did not start: {line!r}")
    endpoint = f"http://127.0.0.1:{line.split()[1]}"
    profiles = os.path.join(home, "config", "lakeops", "profiles")
    written = subprocess.run(
        [python, os.path.join(REPO, "benches/snapshot_setup.py"), endpoint, "5", "idle", profiles],
        capture_output=True,
        text=True,
        check=True,
    )
    return server, os.path.splitext(os.path.basename(written.stdout.strip()))[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("out")
    parser.add_argument("--aws", action="store_true", help="also run on AWS, against a local moto server")
    parser.add_argument("--seconds", type=float, default=20, help="idle time before and after the tour")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if shutil.which("valgrind") is None:
        fail("valgrind is not installed (apt-get install valgrind)")
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True)
    if symbols.returncode != 0 or not symbols.stdout.strip():
        fail(f"{binary} has no symbol table: build it with the dist profile, unstripped")
    tour = views(binary)
    order = []
    with tempfile.TemporaryDirectory() as home:
        os.makedirs(os.path.join(home, "config", "lakeops", "profiles"))
        runs = [("sandbox", None)]
        server = None
        try:
            if args.aws:
                server, profile = start_moto(home)
                runs.append((profile, server))
            for profile, _ in runs:
                out_file = os.path.join(home, f"callgrind.{profile}")
                run(binary, home, profile, out_file, tour, args.seconds)
                names = functions_run(out_file)
                print(f"{profile}: {len(names)} functions ran", file=sys.stderr)
                order.extend(names)
        finally:
            if server is not None:
                server.kill()
    order = list(dict.fromkeys(order))
    with open(args.out, "w") as f:
        f.write("".join(f"{name}\n" for name in order))
    print(f"{args.out}: {len(order)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
