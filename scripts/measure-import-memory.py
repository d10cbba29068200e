"""Measures the resident memory that importing modules adds, for the figures in server/src/core/memory.ts.

Usage: python3 scripts/measure-import-memory.py [--runs N] SPEC...
Each SPEC is a space-separated list of modules imported in order in a fresh interpreter
(e.g. "numpy" "numpy torch" "scipy.stats sklearn"); an empty SPEC ("") measures the bare
interpreter. Prints the smallest peak RSS (VmHWM, KiB; Linux only) of N runs per SPEC, so the
increment of a module over its dependencies is the difference of two lines.
"""
import os
import subprocess
import sys
import tempfile

# VmHWM (the peak RSS of this process image) rather than ru_maxrss, which Linux carries over from
# the forked parent across exec and so would include this script's own interpreter.
CHILD = (
    "import importlib, sys\n"
    "for m in sys.argv[1:]:\n"
    "    importlib.import_module(m)\n"
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
)


def peak_kib(child, modules, runs):
    out = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, child, *modules], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        out.append(int(r.stdout.strip()))
    return min(out)


def main(argv):
    runs = 3
    if len(argv) >= 2 and argv[0] == "--runs":
        runs, argv = int(argv[1]), argv[2:]
    print(f"# {sys.executable} {sys.version.split()[0]}, min of {runs} runs, peak RSS (VmHWM) KiB")
    with tempfile.TemporaryDirectory() as tmp:
        child = os.path.join(tmp, "child.py")
        with open(child, "w") as f:
            f.write(CHILD)
        for spec in argv or [""]:
            kib = peak_kib(child, spec.split(), runs)
            print(f"{spec or '(interpreter)'}\t{'not importable' if kib is None else kib}")


if __name__ == "__main__":
    main(sys.argv[1:])
