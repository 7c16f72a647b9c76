#!/usr/bin/env python3
"""Launch to first frame of any built lakeops, on the sandbox and on AWS, in a pseudo-terminal.

What `cargo bench --bench first_frame` measures, for a binary already built (a release binary,
say), without building the benches' dev-dependencies. The AWS profile's endpoint is a closed port
on 127.0.0.1: the first frame must not wait for credentials or the network.

Usage: benches/first_frame.py path/to/lakeops [runs]   (default 20 runs per backend)
"""

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time

AWS_PROFILE = """name = "aws"
backend = "aws"

[aws]
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:9"
max_attempts = 1

[platform]
stack_name = "clickstream"
"""


def first_frame_ms(binary, home, profile):
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=os.path.join(home, "config"),
        XDG_STATE_HOME=os.path.join(home, "state"),
        TERM="xterm-256color",
        LAKEOPS_PROFILE=profile,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.path.join(home, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "no-aws-credentials"),
    )
    needle = ("profile " + profile).encode()
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        # The child sets its own size before lakeops asks for it.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execve(binary, [binary], env)
    seen = b""
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            raise SystemExit(f"no first frame within 10 s for {profile}: {seen[-300:]!r}")
        seen += os.read(fd, 65536)
    elapsed = (time.perf_counter() - started) * 1000
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as home:
        profiles = os.path.join(home, "config", "lakeops", "profiles")
        os.makedirs(profiles)
        with open(os.path.join(profiles, "aws.toml"), "w") as f:
            f.write(AWS_PROFILE)
        # The first launch creates the sandbox's state; the measured ones load it, as a user's do.
        first_frame_ms(binary, home, "sandbox")
        for profile in ("sandbox", "aws"):
            times = sorted(first_frame_ms(binary, home, profile) for _ in range(runs))
            print(
                f"launch to first frame ({profile}): min {times[0]:.1f} ms, "
                f"median {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms ({runs} runs)"
            )


if __name__ == "__main__":
    main()
