#!/usr/bin/env python3
"""Which crates' code a running lakeops keeps resident (docs/performance.md, Memory).

Reads the present bits of the binary's code pages from /proc/PID/pagemap (as root) and shares
each resident page among the functions on it, by the symbol table of an unstripped build (for
example `cargo build --profile dist --config profile.dist.strip=false`). A page is resident when
something on it ran, or when the kernel mapped it around a page fault that did ("fault-around",
64 KiB by default): scattered code keeps far more resident than it runs.

    benches/resident_code.py PID BINARY [TOP]
"""
import bisect
import collections
import re
import struct
import subprocess
import sys

PAGE = 4096


def resident_pages(pid, binary):
    """Offsets from the binary's load address of its resident code pages."""
    maps = [line.split() for line in open(f"/proc/{pid}/maps")]
    mine = [m for m in maps if len(m) >= 6 and m[5] == binary]
    if not mine:
        sys.exit(f"{binary} is not mapped by process {pid}")
    base = min(int(m[0].split("-")[0], 16) - int(m[2], 16) for m in mine)
    pages = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for m in (m for m in mine if "x" in m[1]):
            start, end = (int(x, 16) for x in m[0].split("-"))
            for address in range(start, end, PAGE):
                pagemap.seek(address // PAGE * 8)
                if struct.unpack("Q", pagemap.read(8))[0] >> 63:
                    pages.append(address - base)
    return pages


def functions(binary):
    """(start, size, demangled name) of every function, by start."""
    listing = subprocess.run(["nm", "-S", "--defined-only", "-C", binary], capture_output=True, text=True, check=True)
    found = []
    for line in listing.stdout.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[2] in "tTwW" and int(parts[1], 16) > 0:
            found.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    if not found:
        sys.exit(f"{binary} has no symbols: build it unstripped")
    return sorted(found)


def crate(name):
    """The crate a demangled name belongs to: its first path segment (`<T as Trait>` by T)."""
    stripped = re.sub(r"^[<&*\s]*(?:(?:dyn|mut|const)\s+)*", "", name)
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", stripped)
    return match.group(1) if match else "(other)"


def main():
    pid, binary = int(sys.argv[1]), sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    pages = resident_pages(pid, binary)
    symbols = functions(binary)
    starts = [s[0] for s in symbols]
    per_crate = collections.Counter()
    for page in pages:
        share = collections.Counter()
        i = bisect.bisect_left(starts, page + PAGE) - 1
        while i >= 0 and page - symbols[i][0] < (1 << 22):
            start, size, name = symbols[i]
            overlap = min(page + PAGE, start + size) - max(page, start)
            if overlap > 0:
                share[crate(name)] += overlap
            i -= 1
        total = sum(share.values())
        for name, bytes_ in share.items():
            per_crate[name] += PAGE * bytes_ / total
        if not total:
            per_crate["(no symbol)"] += PAGE
    print(f"resident code: {len(pages) * PAGE / 2**20:.1f} MB in {len(pages)} pages")
    for name, bytes_ in per_crate.most_common(top):
        print(f"{bytes_ / 2**20:7.2f} MB  {name}")
    print(f"crates with resident code: {len(per_crate)}")


if __name__ == "__main__":
    main()
