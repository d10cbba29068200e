// Standard-library modules already in sys.modules when a container's own code starts: a local package of the same name never loads.

/**
 * Plain modules (not packages) CPython has imported before it runs a script, `-m` or a server: its bootstrap
 * (`codecs`, `io`, `abc`) and, unless `-S`, the `site` module with what it imports (`os`, `stat`, `posixpath` ...).
 * `import NAME.sub` then finds NAME in sys.modules and fails: "No module named 'NAME.sub'; 'NAME' is not a package".
 * Measured with `python3 -E -s -c "import sys; print(sorted(sys.modules))"` (Debian's 3.11, pyenv 3.11.7) and
 * `-S`; site's docs: "This module is automatically imported during initialization" (docs.python.org/3/library/site.html).
 * Packages among them (`encodings`, `importlib`, `collections`) are left out: their submodules are looked up in
 * the standard library's folder, not judged here.
 */
const BOOTSTRAP = ['abc', 'builtins', 'codecs', 'io', 'marshal', 'posix', 'sys', 'time', 'zipimport'];
const SITE = ['_collections_abc', '_sitebuiltins', 'genericpath', 'os', 'posixpath', 'site', 'stat'];

/** Whether the top-level name `name` is a plain module CPython imported at start (`noSite`: run with `-S`). */
export function importedAtStartup(name: string, noSite = false): boolean {
  return BOOTSTRAP.includes(name) || (!noSite && SITE.includes(name));
}
