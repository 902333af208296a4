"""The symbols of a binary that ran in callgrind profiles, mangled, one per line: a symbol ordering file for lld.

usage: order_file.py BINARY CALLGRIND_OUT... > voltop.order

Callgrind names C++ functions demangled; they are mapped back through the binary's own symbol table (c++filt).
Symbols are written in the order the profiles first name them, without repeats."""
import re
import subprocess
import sys


def ran(path, binary_name):
    names, objects, current = {}, {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line)
        if m:
            if m.group(3):
                objects[m.group(2)] = m.group(3)
            if m.group(1) == "ob":
                current = objects.get(m.group(2))
            continue
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3)
            if m.group(1) == "fn" and current and current.endswith("/" + binary_name):
                yield re.sub(r"'\d+$", "", names[m.group(2)])


def main():
    binary, profiles = sys.argv[1], sys.argv[2:]
    mangled = subprocess.run(["nm", "--defined-only", "-j", binary], capture_output=True, text=True, check=True).stdout.split("\n")
    demangled = subprocess.run(["c++filt"], input="\n".join(mangled), capture_output=True, text=True, check=True).stdout.split("\n")
    by_demangled = {}
    for a, b in zip(mangled, demangled):
        if a != b:
            by_demangled.setdefault(b, a)
    symbols = set(mangled)
    seen, out, total = set(), [], 0
    for profile in profiles:
        for name in ran(profile, binary.rsplit("/", 1)[-1]):
            total += 1
            symbol = name if name in symbols else by_demangled.get(name)
            if symbol and symbol not in seen:
                seen.add(symbol)
                out.append(symbol)
    sys.stderr.write(f"order_file: {len(out)} symbols that ran, from {len(profiles)} profiles\n")
    print("\n".join(out))


main()
