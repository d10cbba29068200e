// Parsers for the small strings servers take: app targets, listen addresses, path lists.

/** Splits `module:callable`, `module:factory(args)` or `module`. */
export function parseAppTarget(
  value: string, defaultCallable?: string,
): { module: string; callable?: string; factory?: boolean; factoryArgs?: string } {
  const colon = value.indexOf(':');
  const module = colon >= 0 ? value.slice(0, colon) : value;
  const expr = colon >= 0 ? value.slice(colon + 1).trim() : undefined;
  if (expr === undefined || expr === '') return defaultCallable ? { module, callable: defaultCallable } : { module };
  const call = /^([\w.]+)\s*\(([\s\S]*)\)$/.exec(expr);
  if (call) return { module, callable: call[1], factory: true, factoryArgs: call[2] };
  return { module, callable: expr };
}

/** Splits `host:port`, `[v6]:port`, `unix:path`, `fd://n` the way gunicorn does (port defaults to `defaultPort`). */
export function parseAddress(raw: string, defaultPort: string): { host?: string; port?: string; unix?: string; fd?: string } {
  if (/^unix:/.test(raw)) return { unix: raw.replace(/^unix:(\/\/)?/, '') };
  if (raw.startsWith('fd://')) return { fd: raw.slice(5) };
  const netloc = raw.replace(/^tcp:\/\//, '');
  if (netloc.startsWith('[') && netloc.includes(']')) {
    const close = netloc.indexOf(']');
    const after = netloc.slice(close + 1);
    return { host: netloc.slice(1, close), port: after.startsWith(':') ? after.slice(1) : defaultPort };
  }
  if (netloc === '') return { host: '0.0.0.0', port: defaultPort };
  const colon = netloc.indexOf(':');
  if (colon < 0) return { host: netloc, port: defaultPort };
  return { host: netloc.slice(0, colon), port: netloc.slice(colon + 1).split(':')[0] };
}

/** gunicorn `--pythonpath`: a comma-separated list. */
export function splitPythonPath(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
