// The URL a health check calls (curl, wget, python -c urllib/requests/httpx), so its port can be compared with where the server listens.
import { ShellEnv, expandWord, splitShell } from './shell';

/** Where a health check sends its request. */
export interface HealthTarget {
  url: string;
  scheme: 'http' | 'https';
  host: string;
  port: string;
  path: string;
}

/** curl / wget options that take a value (so the value is not taken for the URL). */
const CURL_VALUES = new Set([
  '-H', '--header', '-X', '--request', '-o', '--output', '-w', '--write-out', '-m', '--max-time', '-u', '--user', '-d', '--data',
  '--connect-timeout', '-A', '--user-agent', '-e', '--referer', '--retry', '--retry-delay', '--retry-max-time', '-K', '--config',
  '--resolve', '--cacert', '--cert', '--key', '-b', '--cookie', '-c', '--cookie-jar', '--unix-socket', '-x', '--proxy',
]);
const WGET_VALUES = new Set(['-O', '--output-document', '-T', '--timeout', '-t', '--tries', '-U', '--user-agent', '--header', '-o', '--output-file', '-e']);
const PYTHON = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$/;
const URL_IN_CODE = /\b(?:urlopen|urlretrieve|get|head|post|request|Request|HTTPConnection)\s*\([^)]*?(['"])((?:https?:\/\/)[^'"\s]+)\1/;

/**
 * The URL a HEALTHCHECK / compose `test:` / probe command calls: `curl [-fsS] http://localhost:8000/health`,
 * `wget -q -O- ...`, `python -c "import urllib.request; urllib.request.urlopen('http://...')"` (also
 * requests/httpx). `cmd` is an argv (`CMD`/`CMD-SHELL` prefixes allowed) or shell text; variables expand
 * from `env`. Undefined when no URL is called or a part of it is not known.
 */
export function healthcheckTarget(cmd: string[] | string, env: ShellEnv = {}): HealthTarget | undefined {
  let commands: string[][];
  if (typeof cmd === 'string') commands = shellCommands(cmd, env);
  else if (cmd[0] === 'CMD-SHELL') commands = shellCommands(cmd.slice(1).join(' '), env);
  else {
    const argv = cmd[0] === 'CMD' ? cmd.slice(1) : cmd;
    const sh = /(?:^|\/)(?:ba|da|a)?sh$/.test(argv[0] ?? '') && argv[1] === '-c';
    commands = sh ? shellCommands(argv[2] ?? '', env) : [argv];
  }
  for (const argv of commands) {
    const url = urlOf(argv);
    if (url === null) return undefined;
    if (url !== undefined) return parseUrl(url);
  }
  return undefined;
}

/** Simple commands of a shell text with their words expanded; a command with an unknown word becomes `[]`. */
function shellCommands(text: string, env: ShellEnv): string[][] {
  return splitShell(text).map((words) => {
    const out: string[] = [];
    for (const w of words) {
      const e = expandWord(w, env);
      if (e.unknown) return ['\0unknown'];
      out.push(...e.fields);
    }
    return out;
  });
}

/** The URL a command requests; undefined when it requests none, null when it may but a part is unknown. */
function urlOf(argv: string[]): string | null | undefined {
  if (argv[0] === '\0unknown') return undefined;
  const prog = (argv[0] ?? '').split('/').pop()!;
  if (prog === 'curl' || prog === 'wget') {
    const values = prog === 'curl' ? CURL_VALUES : WGET_VALUES;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (values.has(a)) {
        i++;
        continue;
      }
      if (a.startsWith('-')) continue;
      if (a.includes('$')) return null;
      return a;
    }
    return undefined;
  }
  if (PYTHON.test(prog)) {
    const c = argv.indexOf('-c');
    const code = c >= 0 ? argv[c + 1] : undefined;
    const m = code !== undefined ? URL_IN_CODE.exec(code) : null;
    return m ? m[2] : undefined;
  }
  return undefined;
}

function parseUrl(raw: string): HealthTarget | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  return { url: raw, scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (scheme === 'https' ? '443' : '80'), path: u.pathname + u.search };
}
