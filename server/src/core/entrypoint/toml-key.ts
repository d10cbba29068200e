// One string key of a TOML file as a server's CLI reads it (fastapi-cli's `[tool.fastapi] entrypoint`), with where its value is written.

/** A string value and the 0-based line and column where its text (inside the quotes) starts. */
export interface TomlString {
  value: string;
  line: number;
  column: number;
}

/**
 * The string `key` of table `table` (`tool.fastapi`): written under a `[tool.fastapi]` header, as a dotted key
 * under a parent table (`[tool]` `fastapi.entrypoint = ...`) or at the top level. `'unreadable'` when the
 * table or key is written in a form this reader does not follow (an inline table, a multi-line or escaped
 * string, a non-string value); undefined when the file does not set it.
 */
export function tomlStringKey(text: string, table: string, key: string): TomlString | 'unreadable' | undefined {
  const want = `${table}.${key}`;
  const lines = text.split('\n');
  let current = '';
  let found: TomlString | 'unreadable' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const h = /^\[\s*([^[\]]+?)\s*\](?:\s*#.*)?$/.exec(line);
    if (h) {
      current = dotted(h[1]);
      continue;
    }
    if (line.startsWith('[')) {
      current = '';
      continue;
    }
    const kv = /^((?:"[^"]*"|'[^']*'|[\w-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[\w-]+))*)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const full = current ? `${current}.${dotted(kv[1])}` : dotted(kv[1]);
    if (full !== want) {
      // `[tool]` `fastapi = { entrypoint = ... }`: the table is written inline.
      if (full === table || full.startsWith(`${want}.`)) found = 'unreadable';
      continue;
    }
    const v = /^(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$/.exec(kv[2]);
    if (!v || kv[2].startsWith('"""') || kv[2].startsWith("'''")) {
      found = 'unreadable';
      continue;
    }
    const value = v[1] ?? v[2];
    found = { value, line: i, column: raw.indexOf(line) + line.length - kv[2].length + 1 };
  }
  return found;
}

function dotted(k: string): string {
  return [...k.matchAll(/"([^"]*)"|'([^']*)'|([\w-]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]).join('.');
}
