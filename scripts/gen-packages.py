#!/usr/bin/env python3
"""Writes server/src/core/packages/names-data.ts: import names and unconditional dependencies of the most-used Python distributions.

Measured from Debian's python3 packages: which Debian package ships a distribution comes from the
archive's Contents index (the `<dist>-<ver>.dist-info`/`.egg-info` folders under
/usr/lib/python3/dist-packages); the package itself (trixie's, else bookworm's) is downloaded with
`apt-get download` and read: the top-level modules it installs (narrowed by `top_level.txt` when the
package ships several distributions) and `Requires-Dist` (or egg-info `requires.txt`) entries that
hold with no extra on Linux for every Python from 3.9 to 3.13. Distributions Debian does not ship
get the hand-curated entries below (each with its source) or, at lookup time, the PEP 503 guess.

A second source, `--wheels DIR` (a folder of wheels, e.g. a local PyPI mirror's files), writes
server/src/core/packages/names-wheels-data.ts instead: each wheel's RECORD says exactly which top-level
modules pip installs, its METADATA which distributions it requires with no extra and which each extra
adds. names.ts consults that table before the Debian one (a wheel is what pip installs; Debian repackages).

Needs: a Debian machine, `apt-get install apt-file && apt-file update` (bookworm's Contents index),
network access to Debian's archive. Usage:
    scripts/gen-packages.py [--top 3000] [--ranking /work/.library/env/packages/pypi.tsv] [--cache /tmp/gen-packages]
    scripts/gen-packages.py --wheels /opt/pypi/files [--ranking ...]
The ranking file's columns: name, version, month, rank_among_15000_most_downloaded, summary.
"""
import argparse
import collections
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
from pip._vendor.packaging.version import InvalidVersion, Version

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "server", "src", "core", "packages", "names-data.ts")
WHEELS_OUT = os.path.join(ROOT, "server", "src", "core", "packages", "names-wheels-data.ts")
DP = "usr/lib/python3/dist-packages/"
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
# Top-level names a Debian package may carry that no code imports as a dependency.
NOT_IMPORTS = {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "__pycache__"}
# Generic names that a package without top_level.txt ships by packaging accident, never as its API.
NOT_IMPORTS_UNLISTED = {"conftest", "setup", "tools", "build", "scripts", "debian", "src", "utils"}

# Distributions Debian does not ship whose import name is not the PEP 503 guess.
# Each entry: import names, and where that is documented (the project's own install/usage docs).
CURATED = {
    "opencv-python": (["cv2"], "https://pypi.org/project/opencv-python/ (import cv2)"),
    "opencv-python-headless": (["cv2"], "https://pypi.org/project/opencv-python-headless/ (import cv2)"),
    "opencv-contrib-python": (["cv2"], "https://pypi.org/project/opencv-contrib-python/ (import cv2)"),
    "opencv-contrib-python-headless": (["cv2"], "https://pypi.org/project/opencv-contrib-python-headless/ (import cv2)"),
    "psycopg2-binary": (["psycopg2"], "https://www.psycopg.org/docs/install.html#psycopg-vs-psycopg-binary"),
    "psycopg-binary": (["psycopg_binary"], "https://www.psycopg.org/psycopg3/docs/basic/install.html#binary-installation"),
    "faiss-cpu": (["faiss"], "https://github.com/facebookresearch/faiss/blob/main/INSTALL.md (import faiss)"),
    "faiss-gpu": (["faiss"], "https://github.com/facebookresearch/faiss/blob/main/INSTALL.md (import faiss)"),
    "tensorflow-cpu": (["tensorflow"], "https://www.tensorflow.org/install/pip (import tensorflow)"),
    "tensorflow-intel": (["tensorflow"], "https://www.tensorflow.org/install/pip (import tensorflow)"),
    "onnxruntime-gpu": (["onnxruntime"], "https://onnxruntime.ai/docs/install/ (import onnxruntime)"),
    "mysqlclient": (["MySQLdb"], "https://github.com/PyMySQL/mysqlclient#readme (import MySQLdb)"),
    "mysql-connector-python": (["mysql"], "https://dev.mysql.com/doc/connector-python/en/connector-python-example-connecting.html (import mysql.connector)"),
    "google-cloud-aiplatform": (["google", "vertexai"], "https://cloud.google.com/python/docs/reference/aiplatform/latest (from google.cloud import aiplatform; import vertexai)"),
    "pytorch-lightning": (["pytorch_lightning"], "https://lightning.ai/docs/pytorch/stable/ (import pytorch_lightning)"),
    "sentence-transformers": (["sentence_transformers"], "https://sbert.net/docs/installation.html (from sentence_transformers import ...)"),
    "python-jose": (["jose"], "https://python-jose.readthedocs.io/ (from jose import jwt)"),
    "python-json-logger": (["pythonjsonlogger"], "https://nhairs.github.io/python-json-logger/ (from pythonjsonlogger import jsonlogger)"),
    "beautifulsoup4": (["bs4"], "https://www.crummy.com/software/BeautifulSoup/bs4/doc/ (from bs4 import BeautifulSoup)"),
    "pymupdf": (["fitz", "pymupdf"], "https://pymupdf.readthedocs.io/en/latest/installation.html (import pymupdf; legacy import fitz)"),
    "scikit-learn": (["sklearn"], "https://scikit-learn.org/stable/install.html (import sklearn)"),
    "pyyaml": (["yaml", "_yaml"], "https://pyyaml.org/wiki/PyYAMLDocumentation (import yaml)"),
}


def norm(name):
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def ranking(path, top):
    rows = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 3 and cols[3].isdigit():
                rows.append((int(cols[3]), norm(cols[0])))
    rows.sort()
    out = []
    for _, n in rows:
        if n not in out:
            out.append(n)
    return out[:top]


def lists_file(pattern):
    hits = sorted(glob.glob(pattern))
    return hits[0] if hits else None


def cat_list(path):
    """Text of an apt list file (apt keeps them compressed)."""
    return subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True, text=True).stdout


def contents_map():
    """dist -> Debian packages shipping its dist-info/egg-info, and the top-level names split out of
    other distributions, from bookworm's Contents (all + amd64)."""
    dists = collections.defaultdict(set)
    tops = collections.defaultdict(set)
    found = False
    for arch in ("all", "amd64"):
        path = lists_file("/var/lib/apt/lists/*_debian_dists_bookworm_main_Contents-%s.*" % arch)
        if not path:
            continue
        found = True
        for line in cat_list(path).splitlines():
            if not line.startswith(DP):
                continue
            path_part, _, pkgs = line.rpartition(" ")
            first = path_part.strip()[len(DP):].split("/")[0]
            m = re.match(r"^(.+?)-[^-]*\.(dist-info|egg-info)$", first)
            for p in pkgs.split(","):
                if m:
                    dists[norm(m.group(1))].add(p.split("/")[-1])
                else:
                    tops[p.split("/")[-1]].add(re.sub(r"\..*$", "", first))
    if not found:
        sys.exit("bookworm Contents index not found: run `apt-get install apt-file && apt-file update`")
    # Top-level names shipped by packages with no metadata of their own: split out of another
    # distribution (python3-pkg-resources holds setuptools' pkg_resources).
    with_meta = set().union(*dists.values())
    split_out = set()
    for p, names in tops.items():
        if p not in with_meta:
            split_out |= names
    return dists, split_out


def apt_opts(cache):
    return [
        "-o", "Dir::Etc::SourceList=%s/trixie.sources" % cache, "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", "Dir::State::Lists=%s/lists" % cache, "-o", "Dir::Cache=%s/apt" % cache,
        "-o", "Dir::State::status=/dev/null", "-o", "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false",
    ]


def trixie_packages(cache):
    """Names of trixie's packages (the newer release: closer to today's metadata), from a private apt state."""
    for d in ("lists/partial", "apt/archives/partial"):
        os.makedirs(os.path.join(cache, d), exist_ok=True)
    with open(os.path.join(cache, "trixie.sources"), "w") as f:
        f.write("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n"
                "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
    subprocess.run(["apt-get"] + apt_opts(cache) + ["update"], check=True, capture_output=True)
    path = lists_file(os.path.join(cache, "lists", "*_debian_dists_trixie_main_binary-amd64_Packages*"))
    return {l[9:].strip() for l in cat_list(path).splitlines() if l.startswith("Package: ")}


def download(pkgs, cache, trixie):
    """Downloads each package's .deb (trixie's when it has it, else bookworm's) into cache/debs; returns pkg -> file."""
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    have = {}
    for f in os.listdir(debs):
        if f.endswith(".deb"):
            have[f.split("_")[0]] = os.path.join(debs, f)
    for group, opts in ((sorted(p for p in pkgs if p in trixie), apt_opts(cache)), (sorted(p for p in pkgs if p not in trixie), [])):
        todo = [p for p in group if p not in have]
        for i in range(0, len(todo), 50):
            batch = todo[i:i + 50]
            r = subprocess.run(["apt-get"] + opts + ["download"] + batch, cwd=debs, capture_output=True, text=True)
            if r.returncode != 0:
                # One unknown name fails the batch: retry one by one.
                for p in batch:
                    subprocess.run(["apt-get"] + opts + ["download", p], cwd=debs, capture_output=True)
    for f in os.listdir(debs):
        if f.endswith(".deb"):
            have[f.split("_")[0]] = os.path.join(debs, f)
    return {p: have[p] for p in pkgs if p in have}


def read_deb(path):
    """Top-level importable names and the metadata files under dist-packages of one .deb."""
    tops = set()
    meta = collections.defaultdict(dict)
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", path], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for m in tar:
            name = m.name[2:] if m.name.startswith("./") else m.name
            if not name.startswith(DP):
                continue
            rest = name[len(DP):].split("/")
            first = rest[0]
            if re.search(r"\.(dist-info|egg-info)$", first):
                if len(rest) == 2 and rest[1] in ("METADATA", "PKG-INFO", "requires.txt", "top_level.txt") and m.isfile():
                    meta[first][rest[1]] = tar.extractfile(m).read().decode("utf-8", "replace")
                continue
            if not m.isfile() or first in NOT_IMPORTS or first.endswith((".pth", ".libs")):
                continue
            if len(rest) == 1:
                mod = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[^.]+)*\.(py|so|pyd)$", first)
                if mod:
                    tops.add(mod.group(1))
            elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", first) and rest[-1].endswith((".py", ".so", ".pyi")):
                tops.add(first)
    proc.wait()
    return tops, meta


def applies(marker, version, extra=""):
    """True when a requirement's marker holds with `extra` (none by default) on CPython `version` on Linux."""
    if marker is None:
        return True
    try:
        return marker.evaluate({"python_version": version, "python_full_version": version + ".0", "extra": extra,
                                "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                                "platform_python_implementation": "CPython", "implementation_name": "cpython"})
    except Exception:
        return False


def requirements(files):
    """Normalised names of the unconditional requirements in METADATA/PKG-INFO or egg-info requires.txt."""
    out = []
    text = files.get("METADATA") or files.get("PKG-INFO") or ""
    lines = [l[len("Requires-Dist:"):].strip() for l in text.splitlines() if l.startswith("Requires-Dist:")]
    if not lines and "requires.txt" in files:
        section = None
        for raw in files["requires.txt"].splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            if section is None:
                lines.append(line)
            elif section.startswith(":"):
                lines.append("%s; %s" % (line, section[1:]))
    # A name is required when, for every Python in PYTHONS, one of its lines applies
    # (`numpy>=1.22; python_version<"3.11"` and `numpy>=1.26; python_version>="3.11"` together are unconditional).
    by_name = collections.OrderedDict()
    for line in lines:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        by_name.setdefault(norm(req.name), []).append(req.marker)
    for name, markers in by_name.items():
        if all(any(applies(m, v) for m in markers) for v in PYTHONS):
            out.append(name)
    return out


def requirement_lines(text):
    """Requirement objects of METADATA's Requires-Dist lines (unparsable ones skipped)."""
    out = []
    for l in text.splitlines():
        if not l.startswith("Requires-Dist:"):
            continue
        try:
            out.append(Requirement(l[len("Requires-Dist:"):].strip()))
        except InvalidRequirement:
            continue
    return out


def extras_of(text, unconditional):
    """extra -> what it adds beyond the unconditional requirements (`name` or `name[e1,e2]`, normalised), for every
    Python in PYTHONS on Linux; an extra that adds nothing there maps to [] (an extra a wheel does not declare is not
    recorded: an older release may have had it)."""
    reqs = requirement_lines(text)
    extras = [norm(l[len("Provides-Extra:"):]) for l in text.splitlines() if l.startswith("Provides-Extra:")]
    out = {}
    for e in extras:
        by_name = collections.OrderedDict()
        for r in reqs:
            if r.marker is None:
                continue
            key = norm(r.name) + ("[%s]" % ",".join(sorted(norm(x) for x in r.extras)) if r.extras else "")
            by_name.setdefault(key, []).append(r.marker)
        added = []
        for key, markers in by_name.items():
            if key in unconditional or key == norm(dist_name_of(text)):
                continue
            if all(any(applies(m, v, e) for m in markers) for v in PYTHONS) and not all(any(applies(m, v) for m in markers) for v in PYTHONS):
                added.append(key)
        out[e] = added
    return out


def dist_name_of(text):
    m = re.search(r"^Name:\s*(\S+)", text, re.M)
    return m.group(1) if m else ""


# Names a wheel may install at top level that no code imports: build and data folders, stub-only trees, mypyc's
# runtime helper modules (named by a hash).
NOT_IMPORTS_WHEEL = {"include", "lib", "lib64", "typings", "share", "bin"}


def read_wheel(path):
    """(distribution, version, top-level import names, METADATA text) of one wheel, from its RECORD (what pip installs)."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        info = next((n.split("/")[0] for n in names if re.match(r"^[^/]+\.dist-info/METADATA$", n)), None)
        if info is None:
            return None
        meta = z.read(info + "/METADATA").decode("utf-8", "replace")
        listed = set()
        if info + "/top_level.txt" in names:
            listed = {t.strip().replace("/", ".").split(".")[0] for t in z.read(info + "/top_level.txt").decode("utf-8", "replace").split()}
        record = names
        if info + "/RECORD" in names:
            record = [l.rsplit(",", 2)[0] for l in z.read(info + "/RECORD").decode("utf-8", "replace").splitlines() if l.strip()]
    tops = set()
    for n in record:
        parts = n.split("/")
        if parts[0].endswith(".dist-info"):
            continue
        if parts[0].endswith(".data"):
            if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                continue
            parts = parts[2:]
        first = parts[0]
        if len(parts) == 1:
            mod = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[^.]+)*\.(py|so|pyd)$", first)
            if mod:
                tops.add(mod.group(1))
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", first) and parts[-1].endswith((".py", ".so", ".pyi", ".pyd")):
            tops.add(first)
    drop = NOT_IMPORTS | NOT_IMPORTS_UNLISTED | NOT_IMPORTS_WHEEL
    tops = {t for t in tops if not t.endswith("__mypyc") and (t not in drop or t in listed)}
    m = re.search(r"^Version:\s*(\S+)", meta, re.M)
    return norm(dist_name_of(meta)), (m.group(1) if m else "0"), sorted(tops), meta


def version_key(v):
    try:
        return (1, Version(v))
    except InvalidVersion:
        return (0, Version("0"))


def wheels_main(args):
    newest = {}
    for path in sorted(glob.glob(os.path.join(args.wheels, "*.whl"))):
        got = read_wheel(path)
        if got is None:
            continue
        d, v, tops, meta = got
        if d not in newest or version_key(v) > version_key(newest[d][0]):
            newest[d] = (v, tops, meta, os.path.basename(path))
    table = {}
    extras = {}
    asked = {}
    for d in sorted(newest):
        v, tops, meta, _ = newest[d]
        reqs = [r for r in requirements({"METADATA": meta}) if r != d]
        table[d] = {"imports": tops, "requires": reqs, "version": v}
        # Unconditional requirements that ask for extras (fastmcp requires fastmcp-slim[client,server]).
        asked[d] = [(norm(r.name), sorted(norm(x) for x in r.extras)) for r in requirement_lines(meta)
                    if r.extras and norm(r.name) in reqs and all(applies(r.marker, v) for v in PYTHONS)]
        for e, added in extras_of(meta, set(reqs)).items():
            extras["%s[%s]" % (d, e)] = added
    # What those extras add is required too (names only, closed over the extras' own extras).
    for d, pairs in asked.items():
        todo = ["%s[%s]" % (n, e) for n, es in pairs for e in es]
        seen = set()
        while todo:
            key = todo.pop()
            if key in seen or key not in extras:
                continue
            seen.add(key)
            for r in extras[key]:
                name = r.split("[")[0]
                if name != d and name not in table[d]["requires"]:
                    table[d]["requires"].append(name)
                if "[" in r:
                    todo += ["%s[%s]" % (name, e) for e in r[len(name) + 1:-1].split(",")]
    ranked = ranking(args.ranking, 2000)
    covered = sum(1 for d in ranked if d in table)
    today = datetime.date.today().isoformat()
    lines = [
        "// generated by scripts/gen-packages.py --wheels on %s — do not edit" % today,
        "// Source: %d wheels (the newest of each distribution) in %s, a local mirror of PyPI's files: each" % (len(table), args.wheels),
        "// wheel's RECORD (the top-level modules pip installs) and METADATA (Requires-Dist with no extra, and per extra),",
        "// on CPython 3.9-3.13, Linux. Consulted before names-data.ts (Debian's packaging). %d of the 2000 most downloaded." % covered,
        "",
        "/** Where the table comes from. */",
        "export const WHEELS_HEADER = %s;" % json.dumps({"generated": today, "source": "wheels in %s" % args.wheels, "entries": len(table), "top2000": covered, "extras": len(extras)}),
        "",
        "/** Normalised distribution name -> [top-level import names, unconditional requirements (normalised), version read]. */",
        "export const WHEELS_TABLE: Record<string, [string[], string[], string]> = {",
    ]
    for d in sorted(table):
        e = table[d]
        lines.append("  %s: [%s, %s, %s]," % (json.dumps(d), json.dumps(e["imports"]), json.dumps(e["requires"]), json.dumps(e["version"])))
    lines += ["};", "", "/** `dist[extra]` (normalised, PEP 685) -> what the extra adds (`name` or `name[extra,...]`). */",
              "export const WHEELS_EXTRAS: Record<string, string[]> = {"]
    for k in sorted(extras):
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(extras[k])))
    lines += ["};", ""]
    with open(WHEELS_OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    print("wrote %s: %d distributions (%d of the top 2000), %d extras" % (os.path.normpath(WHEELS_OUT), len(table), covered, len(extras)))


def dist_name(info_dir, files):
    text = files.get("METADATA") or files.get("PKG-INFO") or ""
    m = re.search(r"^Name:\s*(\S+)", text, re.M)
    return norm(m.group(1) if m else re.match(r"^(.+?)-[^-]*\.(dist-info|egg-info)$", info_dir).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=3000)
    ap.add_argument("--ranking", default="/work/.library/env/packages/pypi.tsv")
    ap.add_argument("--cache", default="/tmp/gen-packages")
    ap.add_argument("--wheels", help="a folder of wheels: write names-wheels-data.ts from them instead")
    args = ap.parse_args()
    if args.wheels:
        return wheels_main(args)
    ranked = ranking(args.ranking, args.top)
    want = set(ranked)
    by_dist, split_out = contents_map()
    trixie = trixie_packages(args.cache)
    # Debian packages to read: those that ship a wanted distribution per Contents, and the
    # conventional python3-<name> in trixie (accepted only if its metadata names that distribution).
    pkgs = set()
    for d in ranked:
        pkgs |= by_dist.get(d, set())
        for guess in ("python3-" + d, "python3-" + re.sub(r"^python-", "", d)):
            if guess in trixie:
                pkgs.add(guess)
    files = download(pkgs, args.cache, trixie)
    table = {}
    sources = {}
    for pkg in sorted(files):
        tops, meta = read_deb(files[pkg])
        infos = {dist_name(k, v): v for k, v in meta.items()}
        for d, info in infos.items():
            if d not in want or d in table:
                continue
            listed = [t.strip().replace("/", ".").split(".")[0] for t in info.get("top_level.txt", "").split()]
            listed = [t for t in listed if t and t not in NOT_IMPORTS]
            if len(infos) == 1:
                # Upstream's top_level.txt names that are installed here or that Debian split into a package of
                # its own (pkg_resources); other listed names are build leftovers ('debian', 'build'), and
                # modules the package has beyond them are Debian's additions (a stray conftest.py).
                names = sorted(set(listed) & (tops | split_out)) or sorted(tops - NOT_IMPORTS_UNLISTED)
            else:
                names = sorted(set(listed) & tops) or sorted(set(listed))
            if not names:
                continue
            table[d] = {"imports": names, "requires": [r for r in requirements(info) if r != d]}
            sources[d] = os.path.basename(files[pkg])
    curated = 0
    for d, (names, _) in CURATED.items():
        if d not in table:
            table[d] = {"imports": names, "requires": None}
            curated += 1
    top2000 = ranked[:2000]
    measured2000 = sum(1 for d in top2000 if d in sources)
    curated2000 = sum(1 for d in top2000 if d in table and d not in sources)
    today = datetime.date.today().isoformat()
    lines = [
        "// generated by scripts/gen-packages.py on %s — do not edit" % today,
        "// Source: Debian's python3 packages (bookworm Contents index; trixie's .deb, else bookworm's), read for",
        "// their installed top-level modules, top_level.txt and Requires-Dist; ranking: pypi.tsv (15,000 most downloaded).",
        "// Debian's versions and patches show through (python3-dateutil drops its six requirement, for one).",
        "// Of the %d most downloaded distributions: %d measured from Debian, %d hand-curated (sources in the script)," % (len(top2000), measured2000, curated2000),
        "// %d fall back to the PEP 503 guess. %d entries in all (%d measured, %d curated) from the top %d." % (
            len(top2000) - measured2000 - curated2000, len(table), len(sources), curated, len(ranked)),
        "",
        "/** Where the table comes from and how much of the ranking it measured. */",
        "export const NAMES_HEADER = %s;" % json.dumps({
            "generated": today, "source": "debian python3 packages (trixie, bookworm)", "ranked": len(ranked),
            "top2000": {"measured": measured2000, "curated": curated2000, "guessed": len(top2000) - measured2000 - curated2000},
            "entries": len(table)}),
        "",
        "/** Normalised distribution name -> [top-level import names, unconditional requirements (normalised; null: not measured)]. */",
        "export const NAMES_TABLE: Record<string, [string[], string[] | null]> = {",
    ]
    for d in sorted(table):
        e = table[d]
        lines.append("  %s: [%s, %s]," % (json.dumps(d), json.dumps(e["imports"]), json.dumps(e["requires"])))
    lines += ["};", ""]
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    print("wrote %s: %d entries (top 2000: %d measured, %d curated, %d guessed)" % (
        os.path.normpath(OUT), len(table), measured2000, curated2000, len(top2000) - measured2000 - curated2000))


if __name__ == "__main__":
    main()
