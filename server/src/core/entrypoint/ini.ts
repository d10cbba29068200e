// INI files as uwsgi and supervisord read them: `[section]` headers, `key = value` lines, `;`/`#` comments, repeated keys kept in order.

export interface IniEntry {
  key: string;
  /** Undefined for a bare `key` line (a flag). */
  value?: string;
  /** 0-based line of the entry. */
  line: number;
  /** 0-based column where the value starts on its line. */
  valueColumn?: number;
}

/** The entries of one section (case-sensitive name), in file order; undefined when the section is absent. */
export function iniSection(text: string, section: string): IniEntry[] | undefined {
  let current: string | undefined;
  let out: IniEntry[] | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const h = /^\[([^\]]*)\]/.exec(line);
    if (h) {
      current = h[1].trim();
      if (current === section) out ??= [];
      continue;
    }
    if (current !== section || !out) continue;
    const eq = line.search(/[=:]/);
    if (eq < 0) out.push({ key: line, line: i });
    else {
      const value = line.slice(eq + 1).trim();
      const after = raw.indexOf(line) + eq + 1;
      out.push({ key: line.slice(0, eq).trim(), value, line: i, valueColumn: value ? raw.indexOf(value, after) : after });
    }
  }
  return out;
}

/** The section names of an INI file, in file order. */
export function iniSectionNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const h = /^\s*\[([^\]]*)\]/.exec(raw);
    if (h && !out.includes(h[1].trim())) out.push(h[1].trim());
  }
  return out;
}
