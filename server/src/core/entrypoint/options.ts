// Command-line option tables of the servers we understand, and a generic parser that consumes option values so positionals are found correctly.
import type { Range } from '../types';

/** Where an argument came from, for fixes that rewrite it. */
export interface ArgRef {
  value: string;
  /** Index of the element in the argv given to `parseEntrypoint`. */
  index: number;
  /**
   * Offsets of the value inside that element, when it is only part of it: a word of an `sh -c` string,
   * or the `X` of `--bind=X` / `-bX`.
   */
  start?: number;
  end?: number;
  /** Source range, when the caller supplied element ranges (narrowed to the word when it maps verbatim). */
  range?: Range;
}

/** An argument during analysis. */
export interface Arg {
  value: string;
  ref: ArgRef;
  /** From an exec-form element: never expanded, so a `$` in it reaches the program literally. */
  literal: boolean;
  /** A shell expansion in it had no known value; its reference is kept in `value`. */
  unknown: boolean;
  /** `value` is exactly the source text at `ref` (so sub-offsets map to the source). */
  verbatim: boolean;
  /** The text `ref.start` is relative to, when it is a verbatim source string (an `sh -c` script). */
  source?: { text: string; range: Range };
}

export interface OptionTable {
  /** Options taking a value (`-b X`, `-bX`, `--bind X`, `--bind=X`). */
  values: readonly string[];
  /** Options taking no value. */
  flags: readonly string[];
  /** Unique prefixes of long options are accepted (argparse, getopt). */
  abbrev?: boolean;
  /** Option parsing stops at the first positional (getopt, subcommand CLIs). */
  stopAtPositional?: boolean;
}

export interface ParsedOption {
  /** The option's full name as listed in the table (abbreviations resolved). */
  name: string;
  value?: Arg;
  arg: Arg;
}

export interface ParsedArgs {
  options: ParsedOption[];
  positionals: Arg[];
  /** Options not in the table. */
  unknown: string[];
  /** Positionals that might instead be the value of an unknown option. */
  ambiguous: Set<Arg>;
}

/** A part of an argument (`X` of `--bind=X`), keeping its source reference. */
export function subArg(a: Arg, offset: number): Arg {
  const value = a.value.slice(offset);
  const ref: ArgRef = { value, index: a.ref.index };
  if (a.verbatim) {
    const base = a.ref.start ?? 0;
    ref.start = base + offset;
    ref.end = base + a.value.length;
    const range = a.source ? rangeIn(a.source.text, a.source.range, ref.start, ref.end) : a.ref.range;
    if (range) ref.range = range;
  } else {
    if (a.ref.start !== undefined) {
      ref.start = a.ref.start;
      ref.end = a.ref.end;
    }
    if (a.ref.range) ref.range = a.ref.range;
  }
  return { ...a, value, ref };
}

/** The range of `text.slice(start, end)`, `text` beginning at `range.start`. */
export function rangeIn(text: string, range: Range, start: number, end: number): Range {
  const at = (off: number): { line: number; character: number } => {
    let line = range.start.line;
    let character = range.start.character;
    for (let i = 0; i < off && i < text.length; i++) {
      if (text[i] === '\n') {
        line++;
        character = 0;
      } else {
        character++;
      }
    }
    return { line, character };
  };
  return { start: at(start), end: at(end) };
}

function resolveLong(name: string, t: OptionTable): string | undefined {
  if (t.values.includes(name) || t.flags.includes(name)) return name;
  if (!t.abbrev) return undefined;
  const all = [...t.values, ...t.flags].filter((o) => o.startsWith('--') && o.startsWith(name));
  return all.length === 1 ? all[0] : undefined;
}

/** Parses options the way argparse/click/getopt do; unknown options are treated as flags and reported. */
export function parseArgs(args: Arg[], t: OptionTable): ParsedArgs {
  const res: ParsedArgs = { options: [], positionals: [], unknown: [], ambiguous: new Set() };
  let rest = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a.value;
    if (rest || v === '-' || !v.startsWith('-') || /^-\d/.test(v)) {
      res.positionals.push(a);
      if (t.stopAtPositional) rest = true;
      continue;
    }
    if (v === '--') {
      rest = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const written = eq >= 0 ? v.slice(0, eq) : v;
      const name = resolveLong(written, t);
      if (name !== undefined && t.values.includes(name)) {
        const value = eq >= 0 ? subArg(a, eq + 1) : args[++i];
        res.options.push({ name, value, arg: a });
      } else if (name !== undefined) {
        res.options.push({ name, arg: a });
      } else {
        res.unknown.push(written);
        const next = args[i + 1];
        if (eq < 0 && next && !next.value.startsWith('-')) res.ambiguous.add(next);
      }
      continue;
    }
    // Short options, possibly clustered (`-Dw4`) or with an attached value (`-b0.0.0.0`, `-b=X`).
    for (let j = 1; j < v.length; j++) {
      const name = `-${v[j]}`;
      if (t.values.includes(name)) {
        let value: Arg | undefined;
        if (j + 1 < v.length) value = subArg(a, v[j + 1] === '=' ? j + 2 : j + 1);
        else value = args[++i];
        res.options.push({ name, value, arg: a });
        break;
      }
      if (t.flags.includes(name)) {
        res.options.push({ name, arg: a });
        continue;
      }
      res.unknown.push(name);
      const next = args[i + 1];
      if (j === v.length - 1 && next && !next.value.startsWith('-')) res.ambiguous.add(next);
      break;
    }
  }
  return res;
}

/** The last value given for any of `names`. */
export function lastValue(p: ParsedArgs, ...names: string[]): Arg | undefined {
  let out: Arg | undefined;
  for (const o of p.options) if (names.includes(o.name) && o.value) out = o.value;
  return out;
}

/** All values given for any of `names`, in order. */
export function allValues(p: ParsedArgs, ...names: string[]): Arg[] {
  return p.options.filter((o) => names.includes(o.name) && o.value).map((o) => o.value!);
}

export function hasFlag(p: ParsedArgs, ...names: string[]): boolean {
  return p.options.some((o) => names.includes(o.name));
}

/** gunicorn's command line (its settings documentation; argparse, so unique prefixes work). */
export const GUNICORN: OptionTable = {
  abbrev: true,
  values: [
    '-c', '--config', '-b', '--bind', '--backlog', '-w', '--workers', '-k', '--worker-class', '--threads',
    '--worker-connections', '--max-requests', '--max-requests-jitter', '-t', '--timeout', '--graceful-timeout',
    '--keep-alive', '--limit-request-line', '--limit-request-fields', '--limit-request-field_size',
    '--limit-request-field-size', '--reload-engine', '--reload-extra-file', '--chdir', '-e', '--env', '-p', '--pid',
    '--worker-tmp-dir', '-u', '--user', '-g', '--group', '-m', '--umask', '--forwarded-allow-ips', '--access-logfile',
    '--access-logformat', '--error-logfile', '--log-file', '--log-level', '--logger-class', '--log-config',
    '--log-config-json', '--log-syslog-to', '--log-syslog-prefix', '--log-syslog-facility', '--statsd-host',
    '--dogstatsd-tags', '--statsd-prefix', '-n', '--name', '--pythonpath', '--paste', '--paster',
    '--proxy-allow-from', '--keyfile', '--certfile', '--ssl-version', '--cert-reqs', '--ca-certs', '--ciphers',
    '--paste-global', '--header-map', '--forwarder-headers', '--worker-healthcheck-timeout',
  ],
  flags: [
    '-h', '--help', '-v', '--version', '--reload', '--spew', '--check-config', '--print-config', '--preload',
    '--no-sendfile', '--reuse-port', '-D', '--daemon', '--initgroups', '--disable-redirect-access-to-syslog',
    '--capture-output', '--log-syslog', '-R', '--enable-stdio-inheritance', '--proxy-protocol',
    '--suppress-ragged-eofs', '--do-handshake-on-connect', '--strip-header-spaces',
    '--permit-unconventional-http-method', '--permit-unconventional-http-version', '--casefold-http-method',
    '--permit-obsolete-folding',
  ],
};

/** uvicorn's command line (click: no abbreviations). */
export const UVICORN: OptionTable = {
  values: [
    '--host', '--port', '--uds', '--fd', '--reload-dir', '--reload-include', '--reload-exclude', '--reload-delay',
    '--workers', '--loop', '--http', '--ws', '--ws-max-size', '--ws-max-queue', '--ws-ping-interval',
    '--ws-ping-timeout', '--ws-per-message-deflate', '--lifespan', '--interface', '--env-file', '--log-config',
    '--log-level', '--forwarded-allow-ips', '--root-path', '--limit-concurrency', '--backlog', '--limit-max-requests',
    '--limit-max-requests-jitter', '--timeout-keep-alive', '--timeout-graceful-shutdown',
    '--timeout-worker-healthcheck', '--ssl-keyfile', '--ssl-certfile', '--ssl-keyfile-password', '--ssl-version',
    '--ssl-cert-reqs', '--ssl-ca-certs', '--ssl-ciphers', '--header', '--app-dir', '--h11-max-incomplete-event-size',
  ],
  flags: [
    '--reload', '--http2', '--access-log', '--no-access-log', '--use-colors', '--no-use-colors', '--proxy-headers',
    '--no-proxy-headers', '--server-header', '--no-server-header', '--date-header', '--no-date-header', '--version',
    '--help', '--factory', '--reset-contextvars',
  ],
};

/** hypercorn's command line (argparse). */
export const HYPERCORN: OptionTable = {
  abbrev: true,
  values: [
    '--access-log', '--access-logfile', '--access-logformat', '--backlog', '-b', '--bind', '--ca-certs', '--certfile',
    '--cert-reqs', '--ciphers', '-c', '--config', '--error-log', '--error-logfile', '--log-file', '--graceful-timeout',
    '--read-timeout', '--max-requests', '--max-requests-jitter', '-g', '--group', '-k', '--worker-class',
    '--keep-alive', '--keyfile', '--keyfile-password', '--insecure-bind', '--log-config', '--log-level', '-p', '--pid',
    '--quic-bind', '--root-path', '--server-name', '--statsd-host', '--statsd-prefix', '-m', '--umask', '-u', '--user',
    '--verify-mode', '--websocket-ping-interval', '-w', '--workers',
  ],
  flags: ['-h', '--help', '--debug', '--reload'],
};

/** daphne's command line (argparse). */
export const DAPHNE: OptionTable = {
  abbrev: true,
  values: [
    '-p', '--port', '-b', '--bind', '--websocket_timeout', '--websocket_connect_timeout', '-u', '--unix-socket',
    '--fd', '-e', '--endpoint', '-v', '--verbosity', '-t', '--http-timeout', '--access-log', '--log-fmt',
    '--ping-interval', '--ping-timeout', '--application-close-timeout', '--root-path', '--proxy-headers-host',
    '--proxy-headers-port', '-s', '--server-name', '--threads', '--websocket_handshake_timeout',
  ],
  flags: ['-h', '--help', '--proxy-headers', '--no-server-name'],
};

const WAITRESS_BOOLS = [
  'ipv4', 'ipv6', 'log-untrusted-proxy-headers', 'clear-untrusted-proxy-headers', 'log-socket-errors',
  'expose-tracebacks', 'asyncore-use-poll',
];

/** waitress-serve's command line (getopt: stops at the application, unique prefixes work). */
export const WAITRESS: OptionTable = {
  abbrev: true,
  stopAtPositional: true,
  values: [
    'host', 'port', 'listen', 'threads', 'trusted-proxy', 'trusted-proxy-count', 'trusted-proxy-headers', 'url-scheme',
    'url-prefix', 'backlog', 'recv-bytes', 'send-bytes', 'outbuf-overflow', 'outbuf-high-watermark', 'inbuf-overflow',
    'connection-limit', 'cleanup-interval', 'channel-timeout', 'max-request-header-size', 'max-request-body-size',
    'ident', 'asyncore-loop-timeout', 'unix-socket', 'unix-socket-perms', 'sockets', 'channel-request-lookahead',
    'server-name',
  ].map((o) => `--${o}`),
  flags: ['-h', '--help', '--call', ...WAITRESS_BOOLS.flatMap((o) => [`--${o}`, `--no-${o}`])],
};

/** celery's global options and the worker/beat options that take values (click). */
export const CELERY: OptionTable = {
  values: [
    '-A', '--app', '-b', '--broker', '--result-backend', '--loader', '--config', '--workdir', '-l', '--loglevel',
    '-c', '--concurrency', '-P', '--pool', '-Q', '--queues', '-X', '--exclude-queues', '-n', '--hostname', '-f',
    '--logfile', '--pidfile', '--uid', '--gid', '--umask', '--executable', '-s', '--schedule', '-S', '--scheduler',
    '--autoscale', '--max-tasks-per-child', '--max-memory-per-child', '--prefetch-multiplier', '--time-limit',
    '--soft-time-limit', '-I', '--include', '--statedb', '--max-interval',
    // flower's (after `flower`)
    '--address', '--port', '--url_prefix', '--url-prefix', '--basic_auth', '--broker_api', '--conf', '--unix_socket',
  ],
  flags: [
    '-C', '--no-color', '-q', '--quiet', '--version', '--skip-checks', '--help', '-B', '--beat', '-E', '--task-events',
    '-O', '-D', '--detach', '--without-gossip', '--without-mingle', '--without-heartbeat', '--purge', '--discard',
  ],
};

/** The `flask` group's options. */
export const FLASK: OptionTable = {
  stopAtPositional: true,
  values: ['-A', '--app', '-e', '--env-file'],
  flags: ['--debug', '--no-debug', '--version', '--help'],
};

/** `flask run` options. */
export const FLASK_RUN: OptionTable = {
  values: ['-h', '--host', '-p', '--port', '--cert', '--key', '--extra-files', '--exclude-patterns'],
  flags: [
    '--reload', '--no-reload', '--debugger', '--no-debugger', '--with-threads', '--without-threads', '--help',
    '--eager-loading', '--lazy-loading',
  ],
};

/** dramatiq's CLI options (argparse): the ones that take a value; `--path` adds import folders. */
export const DRAMATIQ: OptionTable = {
  values: ['-p', '--processes', '-t', '--threads', '-P', '--path', '-Q', '--queues', '--pid-file', '--log-file', '--watch', '--watch-include',
    '--worker-shutdown-timeout', '-f', '--fork-function'],
  flags: ['-v', '--verbose', '--use-spawn', '--watch-use-polling', '--skip-logging', '--help', '-h', '--version', '-V'],
  abbrev: true,
};

/** locust's options (its configargparse parser): the ones that take a value; `-f` names the locustfile. */
export const LOCUST: OptionTable = {
  values: ['-f', '--locustfile', '-H', '--host', '-u', '--users', '-r', '--spawn-rate', '-t', '--run-time', '--web-host', '--web-port', '-P',
    '--master-host', '--master-port', '--master-bind-host', '--master-bind-port', '--expect-workers', '--csv', '--html', '--loglevel', '-L', '--logfile',
    '-T', '--tags', '-E', '--exclude-tags', '--config', '--processes', '--stop-timeout', '--web-login', '--tls-cert', '--tls-key', '--class-picker'],
  flags: ['--headless', '--autostart', '--autoquit', '--master', '--worker', '--print-stats', '--only-summary', '--reset-stats', '--skip-log-setup', '--web-base-path', '--help', '-h', '-V', '--version', '--list', '-l'],
};

/** `fastapi run|dev` options. */
export const FASTAPI: OptionTable = {
  values: ['--host', '--port', '--workers', '--root-path', '--app', '-e', '--entrypoint', '--forwarded-allow-ips'],
  flags: ['--reload', '--no-reload', '--proxy-headers', '--no-proxy-headers', '--help'],
};

/** Python interpreter options. */
export const PYTHON: OptionTable = {
  stopAtPositional: true,
  values: ['-W', '-X', '-m', '-c', '--check-hash-based-pycs'],
  flags: [
    '-b', '-B', '-d', '-E', '-h', '-i', '-I', '-O', '-P', '-q', '-s', '-S', '-u', '-v', '-V', '-x', '-R', '--help',
    '--version',
  ],
};

/** `python manage.py runserver` options. */
export const DJANGO_RUNSERVER: OptionTable = {
  values: ['--settings', '--pythonpath', '-v', '--verbosity'],
  flags: [
    '--noreload', '--nothreading', '--ipv6', '-6', '--insecure', '--nostatic', '--traceback', '--no-color',
    '--force-color', '--skip-checks', '--help', '-h', '--version',
  ],
};

const GRANIAN_BOOLS = [
  'ws', 'http1-keep-alive', 'http1-pipeline-flush', 'http2-adaptive-window', 'log', 'access-log', 'ssl-client-verify',
  'respawn-failed-workers', 'factory', 'metrics', 'reload', 'reload-ignore-worker-failure',
];

/** granian's command line (click, `--x/--no-x` booleans; its README's `granian --help`). */
export const GRANIAN: OptionTable = {
  values: [
    'host', 'port', 'uds', 'uds-permissions', 'interface', 'http', 'workers', 'blocking-threads', 'blocking-threads-idle-timeout',
    'runtime-threads', 'runtime-blocking-threads', 'runtime-mode', 'loop', 'task-impl', 'backlog', 'backpressure',
    'http1-buffer-size', 'http1-header-read-timeout', 'http2-initial-connection-window-size', 'http2-initial-stream-window-size',
    'http2-keep-alive-interval', 'http2-keep-alive-timeout', 'http2-max-concurrent-streams', 'http2-max-frame-size',
    'http2-max-headers-size', 'http2-max-send-buffer-size', 'log-level', 'log-config', 'access-log-fmt', 'ssl-certificate',
    'ssl-keyfile', 'ssl-keyfile-password', 'ssl-protocol-min', 'ssl-ca', 'ssl-crl', 'url-path-prefix', 'respawn-interval',
    'rss-sample-interval', 'rss-samples', 'workers-lifetime', 'workers-max-rss', 'workers-kill-timeout', 'working-dir',
    'env-files', 'static-path-route', 'static-path-mount', 'static-path-dir-to-file', 'static-path-expires',
    'metrics-scrape-interval', 'metrics-address', 'metrics-port', 'reload-paths', 'reload-ignore-dirs',
    'reload-ignore-patterns', 'reload-ignore-paths', 'reload-tick', 'process-name', 'pid-file',
  ].map((o) => `--${o}`),
  flags: ['--version', '--help', ...GRANIAN_BOOLS.flatMap((o) => [`--${o}`, `--no-${o}`])],
};

/**
 * uwsgi: of its hundreds of options, those the model reads plus common ones. uwsgi takes no positional app, so the
 * value of an option not listed here landing among positionals does no harm.
 */
export const UWSGI: OptionTable = {
  values: [
    '-w', '--module', '--wsgi', '--wsgi-file', '--file', '--callable', '--chdir', '--pythonpath', '--pp', '--http', '--http-socket',
    '--socket', '-s', '--uwsgi-socket', '-p', '--processes', '--workers', '--harakiri', '--ini', '--threads', '--env', '--uid',
    '--gid', '-H', '--home', '--virtualenv', '--venv', '--plugin', '--plugins', '--static-map', '--buffer-size', '--max-requests',
    '--logto', '--pidfile', '--chmod-socket',
  ],
  flags: ['-M', '--master', '--enable-threads', '--vacuum', '--die-on-term', '--lazy-apps', '--need-app', '--strict', '--single-interpreter', '--thunder-lock'],
};
