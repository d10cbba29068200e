// Servers started from code (uvicorn.run, Flask app.run, waitress.serve, aiohttp run_app, hypercorn serve, Gradio launch, socketio.run, wsgiref make_server, http.server/socketserver servers) reachable from the entry function, with their host/port resolved against the container's env.
import { parseAddress } from '../entrypoint/address';
import { rangeIn } from '../entrypoint/options';
import type { Bind } from '../entrypoint/parse';
import type { ShellEnv } from '../entrypoint/shell';
import type { Range } from '../types';
import type { PyAssignment, PyCall, PyCallArg, PyFileInfo } from './parser';

export type CodeServer = 'uvicorn' | 'flask' | 'socketio' | 'waitress' | 'aiohttp' | 'hypercorn' | 'gradio' | 'wsgiref' | 'socketserver' | 'grpc';

/** One parsed file of the closure. */
export interface ServerFile {
  info: PyFileInfo;
  /** Dotted module name; absent for a script run as __main__. */
  module?: string;
}

export interface ServersInput {
  /** The import closure's files by image path. */
  files: ReadonlyMap<string, ServerFile>;
  /**
   * Where execution starts: a function of a module (a console script's `module:function`), else the
   * module level of the file (with its `if __name__ == "__main__":` block when `main`).
   */
  entry: { file: string; func?: string; main?: boolean };
  /** The container's environment: a value, `undefined` for set-but-unknown; absent names are unset. */
  env: ShellEnv;
  /** How many calls deep to follow from the entry (default 4). */
  maxDepth?: number;
  /**
   * Values a command-line app gives the entry function's parameters (`port`, argparse's `args.port`): a value
   * from the container's argv, or the option's default expression (in the entry's file); undefined: no value known.
   */
  params?: ReadonlyMap<string, ParamValue | undefined>;
}

/** A CLI parameter's value: given in the argv, or the declared default's text where it is written. */
export type ParamValue = { from: 'argv'; value: string; flag?: string } | { from: 'default'; text: string; range: Range; file: string };

/** Where a host or port value is written, for messages and fixes. */
export interface CodeValue {
  file: string;
  /**
   * `literal`: the argument (or the assignment it names) is the literal at `range`; `env`: the container's
   * environment variable `envName` sets it; `env-default`: the `os.getenv` default literal at `range`
   * applies because `envName` is unset; `server-default`: no argument, `range` is the call (insert there);
   * `argv`: the container's command line gives it to the CLI option the call reads (`range` is the call);
   * `setting`: the default of a settings class's field (`settings.API_PORT`, `API_PORT: int = 9000` in a pydantic
   * `BaseSettings`), written in another place (`range` is the call; `setting` names the field).
   */
  kind: 'literal' | 'env' | 'env-default' | 'server-default' | 'argv' | 'setting';
  range: Range;
  envName?: string;
  /** For `setting`: `Settings.API_PORT`, and whether an environment variable of its name would override it (pydantic-settings). */
  setting?: { name: string; fromEnv: boolean };
  /** The literal at `range` is a quoted string (a port written `"8000"`). */
  quoted?: boolean;
}

export interface ServerStart {
  server: CodeServer;
  /** For messages: `uvicorn.run()`, `Flask's app.run()`. */
  label: string;
  file: string;
  call: PyCall;
  /** Host and port as in `entrypoint/parse` (`unresolved` when a value is not known here). */
  bind: Bind;
  host?: CodeValue;
  port?: CodeValue;
  /** The functions followed to reach the call, entry first. */
  via: { file: string; fn?: string }[];
  /** Keyword names of host and port, when the call takes them separately (absent for waitress `listen`, hypercorn `config.bind`). */
  keywords?: { host: string; port: string };
  /** uvicorn.run("module:attr"): the import string it loads, as a literal in `file`, and the range of the literal (quotes included). */
  target?: { value: string; range: Range; quote: string };
  /** uvicorn.run(app_dir=...): a folder put first on sys.path before the target is imported. */
  appDir?: boolean;
}

/** How a server call names its host and port: keyword, positional index, defaults, environment overrides of the defaults. */
interface Descriptor {
  server: CodeServer;
  label: string;
  host: { kw: string; pos?: number };
  port: { kw: string; pos?: number };
  defaults: [string, string];
  /** Environment variables the library reads when the argument is absent. */
  envDefaults?: [string, string];
  /** Is this call one of this server's starts? */
  matches(c: PyCall, f: ServerFile, ctx: MatchContext): boolean;
}

interface MatchContext {
  importsFrom(f: ServerFile, module: string, name?: string): boolean;
  /** The file a name bound in `f` was imported from. */
  originOf(f: ServerFile, name: string): ServerFile | undefined;
}

const imports = (f: ServerFile, prefix: string): boolean => f.info.imports.some((i) => i.level === 0 && (i.module === prefix || i.module.startsWith(`${prefix}.`)));

/** `X.run(...)` on a name (or `factory().run`). */
const RUN_ON_NAME = /^([A-Za-z_]\w*)(?:\([^()]*\))?\.run$/;

/** The server calls, as data (defaults from each library's documentation; see docs/assumptions.md). */
const DESCRIPTORS: Descriptor[] = [
  {
    server: 'uvicorn', label: 'uvicorn.run()', host: { kw: 'host' }, port: { kw: 'port' }, defaults: ['127.0.0.1', '8000'],
    matches: (c, f, m) => c.callee === 'uvicorn.run' || (c.callee === 'run' && m.importsFrom(f, 'uvicorn', 'run')),
  },
  {
    // uvicorn's programmatic API: `uvicorn.Server(uvicorn.Config(app, host=..., port=...)).run()` (or `await serve()`);
    // Config takes uvicorn.run's keywords and defaults. Only where the file also makes a uvicorn Server (study h5 R6: lnbits).
    server: 'uvicorn', label: 'uvicorn.Config()', host: { kw: 'host' }, port: { kw: 'port' }, defaults: ['127.0.0.1', '8000'],
    matches: (c, f, m) => (c.callee === 'uvicorn.Config' || (c.callee === 'Config' && m.importsFrom(f, 'uvicorn', 'Config')))
      && f.info.calls.some((x) => x.callee === 'uvicorn.Server' || (x.callee === 'Server' && m.importsFrom(f, 'uvicorn', 'Server'))),
  },
  {
    server: 'socketio', label: 'socketio.run()', host: { kw: 'host', pos: 1 }, port: { kw: 'port', pos: 2 }, defaults: ['127.0.0.1', '5000'],
    matches: (c, f) => RUN_ON_NAME.test(c.callee) && imports(f, 'flask_socketio') && /socketio|sio/i.test(c.callee),
  },
  {
    server: 'flask', label: "Flask's app.run()", host: { kw: 'host', pos: 0 }, port: { kw: 'port', pos: 1 }, defaults: ['127.0.0.1', '5000'],
    matches: (c, f, m) => {
      const r = RUN_ON_NAME.exec(c.callee);
      if (!r || ['uvicorn', 'asyncio', 'subprocess', 'trio', 'anyio'].includes(r[1]) || /socketio|sio/i.test(r[1])) return false;
      const flaskLike = (x: ServerFile) => imports(x, 'flask') || imports(x, 'quart');
      if (flaskLike(f) && (f.info.topLevelNames.includes(r[1]) || c.callee.includes('('))) return true;
      const origin = m.originOf(f, r[1]);
      return origin !== undefined && flaskLike(origin);
    },
  },
  {
    server: 'waitress', label: 'waitress.serve()', host: { kw: 'host' }, port: { kw: 'port' }, defaults: ['0.0.0.0', '8080'],
    matches: (c, f, m) => c.callee === 'waitress.serve' || (c.callee === 'serve' && m.importsFrom(f, 'waitress', 'serve')),
  },
  {
    server: 'aiohttp', label: 'aiohttp web.run_app()', host: { kw: 'host' }, port: { kw: 'port' }, defaults: ['0.0.0.0', '8080'],
    matches: (c, f, m) => c.callee === 'aiohttp.web.run_app' || (c.callee === 'web.run_app' && m.importsFrom(f, 'aiohttp', 'web'))
      || (c.callee === 'run_app' && m.importsFrom(f, 'aiohttp.web', 'run_app')),
  },
  {
    server: 'gradio', label: 'Gradio launch()', host: { kw: 'server_name' }, port: { kw: 'server_port' }, defaults: ['127.0.0.1', '7860'],
    envDefaults: ['GRADIO_SERVER_NAME', 'GRADIO_SERVER_PORT'],
    matches: (c, f) => c.callee.endsWith('.launch') && imports(f, 'gradio') && !localMethodCall(c, f, 'launch'),
  },
  {
    // wsgiref.simple_server.make_server(host, port, app): both are required.
    server: 'wsgiref', label: 'wsgiref make_server()', host: { kw: 'host', pos: 0 }, port: { kw: 'port', pos: 1 }, defaults: ['', ''],
    matches: (c, f, m) => c.callee === 'wsgiref.simple_server.make_server' || (c.callee === 'simple_server.make_server' && m.importsFrom(f, 'wsgiref', 'simple_server'))
      || (c.callee === 'make_server' && m.importsFrom(f, 'wsgiref.simple_server', 'make_server')),
  },
];

/**
 * `x.launch()` where x is an instance of a class of the same file that defines `launch` itself (`runner = App()`;
 * `App().launch()`; `self.launch()` in it): Python finds that method, not the library's (study h6: Whisper-WebUI).
 */
function localMethodCall(c: PyCall, f: ServerFile, method: string): boolean {
  const receiver = c.callee.slice(0, -(method.length + 1));
  const defines = (cls: string) => f.info.functions.some((fn) => fn.name === `${cls}.${method}`);
  const ctor = /^([A-Za-z_]\w*)\(.*\)$/s.exec(receiver);
  if (ctor) return defines(ctor[1]);
  if (receiver === 'self' && c.fn?.includes('.')) return defines(c.fn.slice(0, c.fn.lastIndexOf('.')));
  const cls = localInstanceClass(f, receiver, c.fn, c.range.start);
  return cls !== undefined && defines(cls);
}

/** The class of this file a plain name was last bound to an instance of (`runner = App(...)`) before `at`, in function `fn` or at module level. */
function localInstanceClass(f: ServerFile, name: string, fn: string | undefined, at: Range['start']): string | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const before = (p: Range['start']) => p.line < at.line || (p.line === at.line && p.character < at.character);
  const bound = f.info.assignments.filter((a) => a.target === name && (a.fn === fn || a.fn === undefined) && !a.cls && before(a.range.start));
  const cls = bound.length ? /^([A-Za-z_]\w*)\(/.exec(bound[bound.length - 1].text)?.[1] : undefined;
  return cls && f.info.classes?.some((k) => k.name === cls) ? cls : undefined;
}

/** The standard library's socket servers, which take `server_address = (host, port)`: http.server's and socketserver's. */
const SOCKET_SERVERS: Record<string, string[]> = {
  'http.server': ['HTTPServer', 'ThreadingHTTPServer'],
  socketserver: ['TCPServer', 'ThreadingTCPServer', 'ForkingTCPServer'],
};

const HYPERCORN_LABEL = 'hypercorn serve()';

/** Finds the servers started from code reachable from the entry, following calls through functions of the closure. */
export function serverStarts(input: ServersInput): ServerStart[] {
  const byModule = new Map<string, string>();
  for (const [path, f] of input.files) if (f.module) byModule.set(f.module, path);
  // A CLI's parameters: the entry function's, or (a plain argparse main at module level) the module's own.
  const resolver = new CallResolver(input.files, byModule, input.params && (input.entry.func || input.entry.main) ? { file: input.entry.file, fn: input.entry.func, values: input.params } : undefined);
  const out: ServerStart[] = [];
  const maxDepth = input.maxDepth ?? 4;
  const seen = new Set<string>();
  const queue: { file: string; fn?: string; depth: number; via: { file: string; fn?: string }[] }[] = [
    { file: input.entry.file, fn: input.entry.func, depth: 0, via: [] },
  ];
  while (queue.length) {
    const q = queue.shift()!;
    const key = `${q.file}#${q.fn ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = input.files.get(q.file);
    if (!f) continue;
    const via = [...q.via, { file: q.file, ...(q.fn ? { fn: q.fn } : {}) }];
    const inScope = (x: { fn?: string; mainGuard?: true }) => x.fn === q.fn && (q.fn !== undefined || !x.mainGuard || (input.entry.main && q.file === input.entry.file));
    for (const c of f.info.calls) {
      if (!inScope(c)) continue;
      const s = resolver.server(c, q.file, f, input.env);
      if (s) out.push({ ...s, via });
    }
    if (q.depth >= maxDepth) continue;
    for (const e of f.info.callGraph) {
      if (!inScope(e)) continue;
      const t = resolver.target(q.file, f, e.callee, q.fn, e.at);
      if (t) queue.push({ ...t, depth: q.depth + 1, via });
    }
  }
  return out;
}

/** A resolved value: its text (undefined when not known here) and where it is written. */
interface Val {
  value?: string;
  unknown: boolean;
  kind: CodeValue['kind'];
  setting?: CodeValue['setting'];
  /** Offsets of the deciding literal inside `text` of `at`. */
  at?: { text: string; range: Range; start: number; end: number };
  envName?: string;
  quoted?: boolean;
}

class CallResolver implements MatchContext {
  constructor(
    private readonly files: ReadonlyMap<string, ServerFile>,
    private readonly byModule: ReadonlyMap<string, string>,
    private readonly params?: { file: string; fn: string | undefined; values: ReadonlyMap<string, ParamValue | undefined> },
  ) {}

  /** A CLI parameter's value in the entry function (`port`, `args.port`); undefined when `t` is not one. */
  private param(t: string, f: ServerFile, fn: string | undefined, env: ShellEnv, depth: number): Val | undefined {
    const p = this.params;
    if (!p || fn !== p.fn || this.files.get(p.file) !== f || !p.values.has(t)) return undefined;
    const v = p.values.get(t);
    if (!v) return { unknown: true, kind: 'literal' };
    if (v.from === 'argv') return { value: v.value, unknown: false, kind: 'argv' };
    if (v.file !== p.file) return { unknown: true, kind: 'literal' };
    return this.evaluate(v.text, v.range, f, undefined, env, depth + 1);
  }

  importsFrom(f: ServerFile, module: string, name?: string): boolean {
    return f.info.imports.some((i) => i.level === 0 && i.module === module && (name === undefined || i.names.includes(name)));
  }

  originOf(f: ServerFile, name: string): ServerFile | undefined {
    const path = this.importedFile(f, name);
    return path ? this.files.get(path) : undefined;
  }

  /** The absolute module a from-import of `f` names (relative imports resolved against f's package). */
  private absolute(f: ServerFile, module: string, level: number, path: string): string | undefined {
    if (level === 0) return module;
    if (!f.module) return undefined;
    const parts = f.module.split('.');
    const pkg = path.endsWith('/__init__.py') ? parts : parts.slice(0, -1);
    const base = pkg.slice(0, pkg.length - (level - 1));
    if (base.length === 0 && level > pkg.length) return undefined;
    return [...base, ...(module ? [module] : [])].join('.');
  }

  /** The closure file that `name` (bound by `from M import name` or `import name`) comes from. */
  private importedFile(f: ServerFile, name: string, path?: string): string | undefined {
    const filePath = path ?? [...this.files].find(([, x]) => x === f)?.[0] ?? '';
    for (const i of f.info.imports) {
      if (i.kind === 'from' && i.names.includes(name)) {
        const m = this.absolute(f, i.module, i.level, filePath);
        if (!m) continue;
        return this.byModule.get(`${m}.${name}`) ?? this.byModule.get(m);
      }
      if (i.kind === 'import' && i.level === 0 && (i.module === name || i.module.startsWith(`${name}.`))) return this.byModule.get(i.module === name ? name : i.module);
    }
    return undefined;
  }

  /** The function a call goes to, when it is defined in the closure. */
  target(path: string, f: ServerFile, callee: string, fn?: string, at?: Range['start']): { file: string; fn: string } | undefined {
    const has = (x: ServerFile | undefined, name: string) => x?.info.functions.some((d) => d.name === name) ?? false;
    const parts = callee.replace(/\([^()]*\)/g, '').split('.');
    if (parts.length === 1) {
      if (has(f, callee)) return { file: path, fn: callee };
      const from = this.importedFile(f, callee, path);
      if (from && has(this.files.get(from), callee)) return { file: from, fn: callee };
      return undefined;
    }
    if (parts.length !== 2) return undefined;
    const [obj, name] = parts;
    if (obj === 'self' && fn?.includes('.')) {
      const cls = fn.split('.')[0];
      return has(f, `${cls}.${name}`) ? { file: path, fn: `${cls}.${name}` } : undefined;
    }
    if (has(f, `${obj}.${name}`)) return { file: path, fn: `${obj}.${name}` };
    const cls = at && localInstanceClass(f, obj, fn, at);
    if (cls && has(f, `${cls}.${name}`)) return { file: path, fn: `${cls}.${name}` };
    const from = this.importedFile(f, obj, path);
    const g = from ? this.files.get(from) : undefined;
    if (from && g && has(g, name) && (g.module?.split('.').pop() === obj || g.module === obj)) return { file: from, fn: name };
    if (from && g && has(g, `${obj}.${name}`)) return { file: from, fn: `${obj}.${name}` };
    return undefined;
  }

  server(c: PyCall, path: string, f: ServerFile, env: ShellEnv): Omit<ServerStart, 'via'> | undefined {
    if (this.isHypercorn(c, f)) return this.hypercorn(c, path, f, env);
    if (/(?:^|\.)add_(?:insecure|secure)_port$/.test(c.callee) && imports(f, 'grpc')) return this.grpcPort(c, path, f, env);
    const socketServer = this.socketServer(c, f);
    if (socketServer) return this.addressBind(socketServer, c, path, f, env);
    const d = DESCRIPTORS.find((x) => x.matches(c, f, this));
    if (!d) return undefined;
    const host = this.setting(c, f, env, d.host, d.defaults[0], d.envDefaults?.[0]);
    const port = this.setting(c, f, env, d.port, d.defaults[1], d.envDefaults?.[1]);
    if (d.server === 'wsgiref') anyInterface(host);
    if (d.server === 'waitress') {
      const listen = argOf(c, 'listen');
      if (listen) return this.listenBind(d, c, path, f, env, listen);
    }
    const out: Omit<ServerStart, 'via'> = { server: d.server, label: d.label, file: path, call: c, ...this.bindOf(host, port, path, c), keywords: { host: d.host.kw, port: d.port.kw } };
    const spread = splat(c, d.host.pos !== undefined || d.port.pos !== undefined);
    if (spread && (!argOf(c, d.host.kw, d.host.pos) || !argOf(c, d.port.kw, d.port.pos))) out.bind.uncertain = `${d.label} is given ${spread}, which may set its host and port`;
    // uvicorn.run(app, uds=path) binds that Unix socket, fd=N an inherited socket: host and port are not used (uvicorn's Config.bind_socket).
    const uds = d.server === 'uvicorn' ? argOf(c, 'uds') : undefined;
    const fd = d.server === 'uvicorn' ? argOf(c, 'fd') : undefined;
    if (uds && uds.text !== 'None') {
      out.bind = uds.value !== undefined ? { raw: `unix:${uds.value}`, unix: uds.value, isDefault: false, from: 'argv' } : { raw: '?', isDefault: false, unresolved: true, uncertain: 'uvicorn.run(uds=...) binds a Unix socket' };
      delete out.host;
      delete out.port;
    } else if (fd && fd.text !== 'None') {
      out.bind = { raw: '?', isDefault: false, unresolved: true, uncertain: 'uvicorn.run(fd=...) serves an inherited socket' };
      delete out.host;
      delete out.port;
    }
    if (d.server === 'uvicorn') {
      const t = argOf(c, 'app', 0);
      const q = t?.text?.trim()[0];
      if (t?.value !== undefined && (q === '"' || q === "'") && t.text!.trim().endsWith(q)) out.target = { value: t.value, range: t.valueRange, quote: q };
      if (argOf(c, 'app_dir')) out.appDir = true;
    }
    return out;
  }

  private bindOf(host: Val, port: Val, path: string, c: PyCall): Pick<ServerStart, 'bind' | 'host' | 'port'> {
    const bind: Bind = {
      host: host.unknown ? undefined : host.value, port: port.unknown ? undefined : port.value,
      raw: `${host.unknown ? '?' : host.value}:${port.unknown ? '?' : port.value}`,
      isDefault: host.kind === 'server-default' && port.kind === 'server-default',
      from: host.kind === 'server-default' && port.kind === 'server-default' ? 'default' : host.kind === 'env' || port.kind === 'env' ? 'env' : 'argv',
    };
    if (host.unknown || port.unknown) bind.unresolved = true;
    return { bind, host: this.codeValue(host, path, c), port: this.codeValue(port, path, c) };
  }

  private codeValue(v: Val, path: string, c: PyCall): CodeValue {
    const out: CodeValue = { file: path, kind: v.kind, range: v.at ? rangeIn(v.at.text, v.at.range, v.at.start, v.at.end) : c.range };
    if (v.envName) out.envName = v.envName;
    if (v.quoted) out.quoted = true;
    if (v.setting) out.setting = v.setting;
    return out;
  }

  private setting(c: PyCall, f: ServerFile, env: ShellEnv, spec: { kw: string; pos?: number }, def: string, envName?: string): Val {
    const a = argOf(c, spec.kw, spec.pos);
    // `**opts` may hold the keyword, and `*args` the positional one (Python binds their items as arguments): not the default.
    if (!a && splat(c, spec.pos !== undefined)) return { unknown: true, kind: 'literal' };
    if (!a) {
      if (envName && Object.prototype.hasOwnProperty.call(env, envName)) {
        const v = env[envName];
        return { value: v, unknown: v === undefined, kind: 'env', envName };
      }
      return { value: def, unknown: false, kind: 'server-default' };
    }
    if (a.text === undefined) return { unknown: true, kind: 'literal' };
    return this.evaluate(a.text, a.valueRange, f, c.fn, env, 0);
  }

  /**
   * Evaluates an argument expression: literals, `os.getenv("X", "d")`, `os.environ.get(...)`,
   * `os.environ["X"]`, `int(...)`/`str(...)`, `getenv(...) or "d"`, and names assigned once in the
   * function or module.
   */
  private evaluate(text: string, range: Range, f: ServerFile, fn: string | undefined, env: ShellEnv, depth: number): Val {
    const unknown: Val = { unknown: true, kind: 'literal' };
    if (depth > 4) return unknown;
    const lead = text.length - text.trimStart().length;
    const t = text.trim();
    const sub = (start: number, inner: string): Val => {
      const r = this.evaluate(inner, range, f, fn, env, depth + 1);
      if (r.at && r.at.range === range && r.at.text === inner) r.at = { ...r.at, text, start: r.at.start + start, end: r.at.end + start };
      return r;
    };
    const str = /^[uU]?(['"])([^'"\\\n]*)\1$/.exec(t);
    if (str) return { value: str[2], unknown: false, kind: 'literal', quoted: true, at: { text, range, start: lead, end: lead + t.length } };
    if (/^\d+$/.test(t)) return { value: t, unknown: false, kind: 'literal', at: { text, range, start: lead, end: lead + t.length } };
    const paren = /^\((.*)\)$/s.exec(t);
    if (paren) return sub(lead + 1, paren[1]);
    const conv = /^(?:int|str)\((.*)\)$/s.exec(t);
    if (conv) return sub(lead + t.indexOf('(') + 1, conv[1]);
    const get = /^(?:os\.)?(?:getenv|environ\.get)\(\s*(['"])(\w+)\1\s*(?:,\s*(.*?))?\s*\)(?:\s+or\s+(.*))?$/s.exec(t);
    if (get) {
      const name = get[2];
      const orText = get[4];
      if (Object.prototype.hasOwnProperty.call(env, name)) {
        const v = env[name];
        if (v === undefined) return { unknown: true, kind: 'env', envName: name };
        if (v !== '' || orText === undefined) return { value: v, unknown: false, kind: 'env', envName: name };
      }
      const dflt = orText ?? get[3];
      if (dflt === undefined) return unknown;
      const at = lead + t.lastIndexOf(dflt);
      const r = sub(at, dflt);
      return r.unknown ? r : { ...r, kind: 'env-default', envName: name };
    }
    const item = /^os\.environ\[\s*(['"])(\w+)\1\s*\]$/.exec(t);
    if (item) {
      const v = env[item[2]];
      return v === undefined ? { unknown: true, kind: 'env', envName: item[2] } : { value: v, unknown: false, kind: 'env', envName: item[2] };
    }
    const given = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?$/.test(t) ? this.param(t, f, fn, env, depth) : undefined;
    if (given) return given;
    const field = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(t);
    if (field) return this.settingField(field[1], field[2], f, fn, env, depth) ?? unknown;
    if (/^[A-Za-z_]\w*$/.test(t)) {
      const scope = assignedIn(f, t, fn);
      if (scope.length !== 1) return unknown;
      return this.evaluate(scope[0].text, scope[0].valueRange, f, scope[0].fn, env, depth + 1);
    }
    return unknown;
  }

  /**
   * `settings.API_PORT` where `settings = Settings()` (here or imported) and `Settings` declares `API_PORT: int = 9000`:
   * the field's default; for a pydantic-settings `BaseSettings`, an environment variable of the field's name (any
   * case) overrides it. Undefined when the chain cannot be read; unknown when the class configures other sources
   * (`env_prefix`, `env_file`, aliases) or the default is not a literal.
   */
  private settingField(obj: string, name: string, f: ServerFile, fn: string | undefined, env: ShellEnv, depth: number): Val | undefined {
    const unknown: Val = { unknown: true, kind: 'literal' };
    const instance = (x: ServerFile, scope: string | undefined) => {
      const found = assignedIn(x, obj, scope);
      return found.length === 1 ? /^([A-Za-z_]\w*)\(\s*\)$/.exec(found[0].text.trim())?.[1] : undefined;
    };
    let holder: ServerFile | undefined = f;
    let cls = instance(f, fn);
    if (!cls) {
      holder = this.originOf(f, obj);
      cls = holder ? instance(holder, undefined) : undefined;
    }
    if (!cls || !holder) return undefined;
    const defining = holder.info.classes?.some((c) => c.name === cls) ? holder : this.originOf(holder, cls);
    const c = defining?.info.classes?.find((x) => x.name === cls);
    if (!defining || !c) return undefined;
    const settings = c.bases.some((b) => /(?:^|\.)BaseSettings$/.test(b));
    if (settings && c.configured) return unknown;
    const decl = defining.info.assignments.filter((a) => a.cls === cls && a.target === name);
    if (decl.length !== 1) return undefined;
    // A method that assigns the attribute (`self.PORT = int(os.getenv(...))` in `__init__`) decides it at run time.
    if (defining.info.assignments.some((a) => a.target === `self.${name}` && a.fn?.startsWith(`${cls}.`))) return unknown;
    const setting = { name: `${cls}.${name}`, fromEnv: settings };
    if (settings) {
      const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
      if (key !== undefined) return env[key] === undefined ? { unknown: true, kind: 'env', envName: key } : { value: env[key], unknown: false, kind: 'env', envName: key };
    }
    const v = this.evaluate(decl[0].text, decl[0].valueRange, defining, undefined, env, depth + 1);
    return v.unknown || v.value === undefined ? unknown : { value: v.value, unknown: false, kind: 'setting', setting };
  }

  private listenBind(d: Descriptor, c: PyCall, path: string, f: ServerFile, env: ShellEnv, listen: PyCallArg): Omit<ServerStart, 'via'> {
    const v = listen.text === undefined ? { unknown: true, kind: 'literal' as const } : this.evaluate(listen.text, listen.valueRange, f, c.fn, env, 0);
    const first = v.value?.split(/\s+/)[0];
    const a = first !== undefined ? parseAddress(first.replace(/^\*:/, '0.0.0.0:'), d.defaults[1]) : undefined;
    const bind: Bind = { host: a?.host, port: a?.port, raw: first ?? '?', isDefault: false, from: v.kind === 'env' ? 'env' : 'argv' };
    if (v.unknown || !a) bind.unresolved = true;
    const at = this.codeValue(v, path, c);
    return { server: d.server, label: d.label, file: path, call: c, bind, host: at, port: at };
  }

  /** gRPC's `server.add_insecure_port("[::]:50051")` (or `add_secure_port`): the server listens on that address once started. */
  private grpcPort(c: PyCall, path: string, f: ServerFile, env: ShellEnv): Omit<ServerStart, 'via'> {
    const a = argOf(c, 'address', 0);
    const v = a?.text === undefined ? { unknown: true, kind: 'literal' as const } : this.evaluate(a.text, a.valueRange, f, c.fn, env, 0);
    const addr = v.unknown || v.value === undefined ? undefined : parseAddress(v.value, '');
    const bind: Bind = { host: addr?.host, port: addr?.port || undefined, raw: v.value ?? '?', isDefault: false, from: v.kind === 'env' ? 'env' : 'argv' };
    if (!addr?.host || !addr.port) bind.unresolved = true;
    const at = this.codeValue(v, path, c);
    return { server: 'grpc', label: `gRPC ${c.callee.split('.').pop()}()`, file: path, call: c, bind, host: at, port: at };
  }

  /** `HTTPServer(...)`, `http.server.HTTPServer(...)`, `socketserver.TCPServer(...)`: the class's label, else undefined. */
  private socketServer(c: PyCall, f: ServerFile): string | undefined {
    for (const [module, classes] of Object.entries(SOCKET_SERVERS)) {
      for (const cls of classes) {
        if (c.callee === `${module}.${cls}` || (c.callee === `server.${cls}` && module === 'http.server' && this.importsFrom(f, 'http', 'server'))
          || (c.callee === cls && this.importsFrom(f, module, cls))) return `${module} ${cls}()`;
      }
    }
    return undefined;
  }

  /**
   * A socket server's `server_address` (the first argument): a `(host, port)` tuple, written in the call or assigned
   * once to a name. The constructor binds and listens (`bind_and_activate` defaults to True); host `''` is every interface.
   */
  private addressBind(label: string, c: PyCall, path: string, f: ServerFile, env: ShellEnv): Omit<ServerStart, 'via'> {
    const base = { server: 'socketserver' as const, label, file: path, call: c };
    const unresolved = { ...base, bind: { raw: '?', isDefault: false, unresolved: true } };
    const a = argOf(c, 'server_address', 0);
    if (!a?.text) return unresolved;
    let text = a.text;
    let range = a.valueRange;
    let fn = c.fn;
    if (/^[A-Za-z_]\w*$/.test(text.trim())) {
      const scope = assignedIn(f, text.trim(), c.fn);
      if (scope.length !== 1) return unresolved;
      ({ text, valueRange: range, fn } = scope[0]);
    }
    const parts = tupleItems(text);
    if (!parts || parts.length !== 2) return unresolved;
    const [host, port] = parts.map((p) => {
      const v = this.evaluate(p.text, range, f, fn, env, 0);
      if (v.at && v.at.text === p.text && v.at.range === range) v.at = { ...v.at, text, start: v.at.start + p.start, end: v.at.end + p.start };
      return v;
    });
    anyInterface(host);
    // Both items are written values (never a server default), so a fix edits them in place; the names are only labels.
    return { ...base, ...this.bindOf(host, port, path, c), keywords: { host: 'host', port: 'port' } };
  }

  private isHypercorn(c: PyCall, f: ServerFile): boolean {
    return c.callee === 'hypercorn.asyncio.serve' || c.callee === 'hypercorn.trio.serve'
      || (c.callee === 'serve' && (this.importsFrom(f, 'hypercorn.asyncio', 'serve') || this.importsFrom(f, 'hypercorn.trio', 'serve')));
  }

  /** `serve(app, config)` binds `config.bind` (default 127.0.0.1:8000). */
  private hypercorn(c: PyCall, path: string, f: ServerFile, env: ShellEnv): Omit<ServerStart, 'via'> {
    const cfg = c.args.filter((a) => a.name === undefined)[1] ?? argOf(c, 'config');
    const name = cfg?.text?.trim();
    const base = { server: 'hypercorn' as const, label: HYPERCORN_LABEL, file: path, call: c };
    if (!name || !/^[A-Za-z_]\w*$/.test(name)) return { ...base, bind: { raw: '?', isDefault: false, unresolved: true } };
    const pick = (target: string) => assignedIn(f, target, c.fn);
    const made = pick(name);
    const binds = pick(`${name}.bind`);
    if (binds.length > 1 || made.length !== 1 || !/^(?:hypercorn\.config\.)?Config\(\s*\)$/.test(made[0].text.trim())) {
      if (!binds.length) return { ...base, bind: { raw: '?', isDefault: false, unresolved: true, uncertain: 'the hypercorn Config may be loaded from a file' } };
    }
    if (!binds.length) {
      const host: Val = { value: '127.0.0.1', unknown: false, kind: 'server-default' };
      const port: Val = { value: '8000', unknown: false, kind: 'server-default' };
      const at = this.bindOf(host, port, path, c);
      return { ...base, bind: at.bind };
    }
    const b = binds[0];
    const list = /^\[\s*(.*?)\s*,?\s*\]$/s.exec(b.text.trim());
    const firstText = list ? list[1].split(',')[0] : b.text;
    const v = this.evaluate(firstText, b.valueRange, f, b.fn, env, 0);
    if (v.at && v.at.text === firstText) v.at = { ...v.at, text: b.text, start: v.at.start + b.text.indexOf(firstText), end: v.at.end + b.text.indexOf(firstText) };
    const a = v.value !== undefined ? parseAddress(v.value, '8000') : undefined;
    const bind: Bind = { host: a?.host, port: a?.port, raw: v.value ?? '?', isDefault: false, from: v.kind === 'env' ? 'env' : 'argv' };
    if (v.unknown || !a) bind.unresolved = true;
    const at = this.codeValue(v, path, c);
    return { ...base, bind, host: at, port: at };
  }
}

/** The standard library's servers bind host `''` to every interface (INADDR_ANY, the socket module's docs): read as 0.0.0.0. */
function anyInterface(host: Val): void {
  if (!host.unknown && host.value === '') host.value = '0.0.0.0';
}

/**
 * The assignments to `name` that a use in function `fn` sees: the function's own, else the module's (a class body's
 * assignments are the class's attributes, not names of the module).
 */
function assignedIn(f: ServerFile, name: string, fn: string | undefined): PyAssignment[] {
  const at = (scope: string | undefined) => f.info.assignments.filter((a) => a.target === name && a.fn === scope && !a.cls);
  const local = at(fn);
  return local.length || fn === undefined ? local : at(undefined);
}

/** The items of a tuple literal `(a, b)` with their offsets in `text`; undefined when `text` is not one. */
function tupleItems(text: string): { text: string; start: number }[] | undefined {
  const open = text.indexOf('(');
  if (open < 0 || text.slice(0, open).trim() !== '' || !text.trimEnd().endsWith(')')) return undefined;
  const end = text.lastIndexOf(')');
  const out: { text: string; start: number }[] = [];
  let depth = 0;
  let quote = '';
  let from = open + 1;
  for (let i = open + 1; i < end; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      out.push({ text: text.slice(from, i), start: from });
      from = i + 1;
    }
  }
  if (text.slice(from, end).trim() !== '') out.push({ text: text.slice(from, end), start: from });
  return out;
}

/** The call's `**mapping` argument (or, when `positional`, a `*iterable` one too), as written; undefined when it has none. */
function splat(c: PyCall, positional: boolean): string | undefined {
  return c.args.find((a) => a.name === undefined && (a.text?.startsWith('**') || (positional && a.text?.startsWith('*'))))?.text;
}

/** A call's argument by keyword, else by position among the positional ones. */
function argOf(c: PyCall, kw: string, pos?: number): PyCallArg | undefined {
  const k = c.args.find((a) => a.name === kw);
  if (k) return k;
  if (pos === undefined) return undefined;
  const positional = c.args.filter((a) => a.name === undefined && !a.text?.startsWith('*'));
  return positional[pos];
}
