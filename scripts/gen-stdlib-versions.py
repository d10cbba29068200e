#!/usr/bin/env python3
"""Writes server/src/core/python/stdlib-versions.ts: in which Python 3.x each standard-library module appeared or went away.

Measured: runs each given interpreter (default: every python3.X that pyenv or PATH has) and lists its
standard library from the files it ships (Lib/*.py, packages, lib-dynload extensions, built-in modules)
and, for public packages, their public submodules. A module absent from every measured version before
some version and present in every one from it on was added there; one present up to a version and
absent from every later one was removed in the next. Versions older than the oldest measured one are
covered only by the documented entries in DOCUMENTED (each with its docs page), as are versions newer than the newest.
Usage: scripts/gen-stdlib-versions.py [python3.6 python3.7 ...]
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "server", "src", "core", "python", "stdlib-versions.ts")

LIST = r'''
import sys, os, sysconfig, json
std = sysconfig.get_paths()["stdlib"]
def mods(d, prefix=""):
    out = set()
    for f in os.listdir(d):
        p = os.path.join(d, f)
        if f.endswith(".py") and f != "__init__.py":
            out.add(prefix + f[:-3])
        elif os.path.isdir(p) and os.path.exists(os.path.join(p, "__init__.py")) and "." not in f and f != "site-packages":
            out.add(prefix + f)
        elif f.endswith(".so"):
            out.add(prefix + f.split(".")[0])
    return out
tops = mods(std) | mods(os.path.join(std, "lib-dynload")) | set(sys.builtin_module_names)
subs = set()
for t in list(tops):
    d = os.path.join(std, t)
    if os.path.isdir(d) and not t.startswith("_"):
        subs |= {t + "." + s for s in mods(d) if not s.startswith("_")}
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "full": "%d.%d.%d" % sys.version_info[:3], "modules": sorted(tops | subs)}))
'''

# Packages whose submodules are tests, tools or codecs nobody imports by name (their churn is noise).
SKIP = re.compile(r"^(_|xx|test(\.|$)|idlelib\.|lib2to3\.|turtledemo\.|tkinter\.|encodings\.|distutils\.|ctypes\.test|unittest\.test|sqlite3\.test)|\.tests?$")

# Not measurable here (older or newer than any measured interpreter, or Windows only): from the docs.
DOCUMENTED = {
    "secrets": ("3.6", None, "https://docs.python.org/3/whatsnew/3.6.html#secrets"),
    "typing": ("3.5", None, "https://docs.python.org/3/whatsnew/3.5.html#typing"),
    "zipapp": ("3.5", None, "https://docs.python.org/3/whatsnew/3.5.html#zipapp"),
    # Windows only: no Linux build has it to measure.
    "msilib": (None, "3.13", "https://docs.python.org/3/whatsnew/3.13.html#pep-594-remove-dead-batteries-from-the-standard-library"),
    # Newer than any measured interpreter: What's New in 3.14 ("New modules") and the compression package's page.
    "annotationlib": ("3.14", None, "https://docs.python.org/3/whatsnew/3.14.html#new-modules"),
    "compression": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "compression.bz2": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "compression.gzip": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "compression.lzma": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "compression.zlib": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "compression.zstd": ("3.14", None, "https://docs.python.org/3/library/compression.html"),
    "concurrent.interpreters": ("3.14", None, "https://docs.python.org/3/whatsnew/3.14.html#new-modules"),
    "string.templatelib": ("3.14", None, "https://docs.python.org/3/whatsnew/3.14.html#new-modules"),
}


def interpreters(args):
    if args:
        return args
    found = {}
    for p in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))) + [
            shutil.which("python3.%d" % m) for m in range(4, 20)]:
        if not p:
            continue
        v = subprocess.run([p, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True).stdout.strip()
        if re.match(r"^3\.\d+$", v):
            found.setdefault(v, p)
    return [found[v] for v in sorted(found, key=lambda v: tuple(map(int, v.split("."))))]


def main():
    runs = [json.loads(subprocess.run([p, "-c", LIST], check=True, capture_output=True, text=True).stdout) for p in interpreters(sys.argv[1:])]
    runs.sort(key=lambda r: tuple(map(int, r["version"].split("."))))
    versions = [r["version"] for r in runs]
    sets = [set(r["modules"]) for r in runs]
    added, removed = {}, {}
    for m in sorted(set().union(*sets)):
        if SKIP.search(m):
            continue
        present = [m in s for s in sets]
        first = present.index(True)
        last = len(present) - 1 - present[::-1].index(True)
        if not all(present[first:last + 1]):
            continue  # a gap: a build that lacked an optional extension, not a change of the language
        if first > 0:
            added[m] = versions[first]
        if last < len(present) - 1:
            removed[m] = versions[last + 1]
    for m, (a, r, _) in DOCUMENTED.items():
        if a and m not in added:
            added[m] = a
        if r and m not in removed:
            removed[m] = r
    lines = [
        "// generated by scripts/gen-stdlib-versions.py — do not edit",
        "// Measured from the standard libraries of CPython %s; additions older or newer than those and Windows-only removals from the docs:" % ", ".join(r["full"] for r in runs),
    ]
    lines += ["//   %s %s: %s" % (m, "added %s" % a if a else "removed %s" % r, src) for m, (a, r, src) in sorted(DOCUMENTED.items())]
    lines += [
        "",
        "/** The oldest and newest Python whose standard library was measured. */",
        "export const STDLIB_MEASURED = { oldest: %s, newest: %s };" % (json.dumps(versions[0]), json.dumps(versions[-1])),
        "",
        "/** Standard-library modules (dotted) by the Python 3.x that added them. */",
        "export const STDLIB_ADDED: Record<string, string> = {",
    ]
    lines += ["  %s: %s," % (json.dumps(m), json.dumps(v)) for m, v in sorted(added.items())]
    lines += ["};", "", "/** Standard-library modules (dotted) by the Python 3.x that no longer has them. */",
              "export const STDLIB_REMOVED: Record<string, string> = {"]
    lines += ["  %s: %s," % (json.dumps(m), json.dumps(v)) for m, v in sorted(removed.items())]
    lines += ["};", ""]
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    print("wrote %s (%d added, %d removed; measured %s)" % (os.path.normpath(OUT), len(added), len(removed), ", ".join(versions)))


if __name__ == "__main__":
    main()
