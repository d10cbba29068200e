// Console scripts a Python project declares (pyproject [project.scripts] / [tool.poetry.scripts], setup.cfg and setup.py console_scripts): command name -> module:function.
import { join } from '../fs';

/** One declared console script: running `name` imports `module` and calls `func`. */
export interface ConsoleScript {
  name: string;
  module: string;
  /** Attribute path called (`main`, `cli.run`). */
  func: string;
  /** The metadata file that declares it, and the 0-based line. */
  file: string;
  line: number;
}

/** What the reader needs from the image. */
export interface TextReader {
  text(path: string): string | undefined;
}

/** `module:attr [extras]` -> module and attribute; undefined for anything else. */
export function parseEntryPointValue(v: string): { module: string; func: string } | undefined {
  const m = /^\s*([A-Za-z_][\w.]*)\s*:\s*([A-Za-z_][\w.]*)\s*(?:\[[^\]]*\])?\s*$/.exec(v);
  return m ? { module: m[1], func: m[2] } : undefined;
}

/** Unquotes a TOML basic or literal string (escapes are rare in entry points; `\\` and `\"` are handled). */
function tomlString(s: string): string | undefined {
  const t = s.trim();
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1);
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return undefined;
}

/**
 * Console scripts of a `pyproject.toml`: `[project.scripts]`, `[project.gui-scripts]` and
 * `[tool.poetry.scripts]` (a string, or an inline table with `callable` / `reference`).
 */
export function pyprojectScripts(text: string, file = 'pyproject.toml'): ConsoleScript[] {
  const out: ConsoleScript[] = [];
  let table = '';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, line) => {
    const l = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[\s*([^\[\]]+?)\s*\]$/.exec(l);
    if (header) {
      table = header[1].replace(/\s*\.\s*/g, '.').replace(/"([^"]*)"/g, '$1');
      return;
    }
    if (l.startsWith('[')) {
      table = '';
      return;
    }
    if (table !== 'project.scripts' && table !== 'project.gui-scripts' && table !== 'tool.poetry.scripts') return;
    const kv = /^("[^"]+"|'[^']+'|[\w.-]+)\s*=\s*(.+)$/.exec(l);
    if (!kv) return;
    const name = tomlString(kv[1]) ?? kv[1];
    let value = tomlString(kv[2]);
    if (value === undefined && table === 'tool.poetry.scripts') {
      const inner = /\b(?:callable|reference)\s*=\s*("[^"]*"|'[^']*')/.exec(kv[2]);
      const type = /\btype\s*=\s*("[^"]*"|'[^']*')/.exec(kv[2]);
      if (inner && (!type || tomlString(type[1]) === 'console')) value = tomlString(inner[1]);
    }
    const ep = value === undefined ? undefined : parseEntryPointValue(value);
    if (ep) out.push({ name, ...ep, file, line });
  });
  return out;
}

/** Console scripts of a `setup.cfg`: `console_scripts =` (and `gui_scripts`) under `[options.entry_points]`. */
export function setupCfgScripts(text: string, file = 'setup.cfg'): ConsoleScript[] {
  const out: ConsoleScript[] = [];
  let section = '';
  let inKey = false;
  text.split(/\r?\n/).forEach((raw, line) => {
    if (/^\s*[#;]/.test(raw)) return;
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(raw);
    if (header) {
      section = header[1];
      inKey = false;
      return;
    }
    if (section !== 'options.entry_points') return;
    const key = /^(\w[\w.-]*)\s*[=:]\s*(.*)$/.exec(raw);
    if (key && !/^\s/.test(raw)) {
      inKey = key[1] === 'console_scripts' || key[1] === 'gui_scripts';
      if (inKey && key[2].trim()) addIniEntry(key[2], line);
      return;
    }
    if (inKey && /^\s+\S/.test(raw)) addIniEntry(raw, line);
  });
  return out;

  function addIniEntry(s: string, line: number): void {
    const m = /^\s*([\w.-]+)\s*=\s*(.+?)\s*$/.exec(s);
    const ep = m ? parseEntryPointValue(m[2]) : undefined;
    if (m && ep) out.push({ name: m[1], ...ep, file, line });
  }
}

/** Console scripts of a `setup.py` whose `entry_points` holds a literal `console_scripts` list of `'name = module:func'` strings. */
export function setupPyScripts(text: string, file = 'setup.py'): ConsoleScript[] {
  const out: ConsoleScript[] = [];
  const key = /["'](?:console_scripts|gui_scripts)["']\s*:\s*[[(]/g;
  for (let m = key.exec(text); m; m = key.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.slice(start).search(/[\])]/);
    if (end < 0) continue;
    const body = text.slice(start, start + end);
    const str = /(["'])([^"'\n]*?)\1/g;
    for (let s = str.exec(body); s; s = str.exec(body)) {
      const e = /^\s*([\w.-]+)\s*=\s*(.+?)\s*$/.exec(s[2]);
      const ep = e ? parseEntryPointValue(e[2]) : undefined;
      if (!e || !ep) continue;
      const offset = start + s.index;
      out.push({ name: e[1], ...ep, file, line: text.slice(0, offset).split('\n').length - 1 });
    }
  }
  return out;
}

/**
 * The console scripts the projects in `projectDirs` (image folders that were pip-installed) declare,
 * by command name; the first project declaring a name wins.
 */
export function consoleScripts(image: TextReader, projectDirs: readonly string[]): Map<string, ConsoleScript> {
  const out = new Map<string, ConsoleScript>();
  for (const dir of projectDirs) {
    const read = (name: string, parse: (t: string, f: string) => ConsoleScript[]): void => {
      const path = join(dir, name);
      const text = image.text(path);
      if (text === undefined) return;
      for (const s of parse(text, path)) if (!out.has(s.name)) out.set(s.name, s);
    };
    read('pyproject.toml', pyprojectScripts);
    read('setup.cfg', setupCfgScripts);
    read('setup.py', setupPyScripts);
  }
  return out;
}
