// The CLI's parse cache across runs: one file per parsed text under $XDG_CACHE_HOME/deploylint (else ~/.cache/deploylint), keyed by content hash and build.
import * as crypto from 'crypto';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { PARSE_FORMAT, type ParseStore, type PyFileInfo } from '../core/python/parser';

/** The cache folder: `$XDG_CACHE_HOME/deploylint` when that is an absolute path, else `~/.cache/deploylint`; undefined without a home. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && nodePath.isAbsolute(xdg)) return nodePath.join(xdg, 'deploylint');
  return home ? nodePath.join(home, '.cache', 'deploylint') : undefined;
}

/**
 * What a stored parse depends on besides the text: the deploylint version, the parse format and
 * the running build (its size and time), so a rebuilt or upgraded deploylint never reads an
 * older build's parses.
 */
export function buildNamespace(version: string, bundle: string = __filename): string {
  let build = '';
  try {
    const st = nodeFs.statSync(bundle);
    build = `${st.size}-${Math.floor(st.mtimeMs)}`;
  } catch {
    /* no bundle file: the version alone */
  }
  return `${version}/${PARSE_FORMAT}/${build}`;
}

/** Parses stored as `<folder>/<version>/parse/<2 hex>/<62 hex>.json`: `{ key, info }`, written to a temporary name and renamed. */
export class DiskParseStore implements ParseStore {
  private readonly dir: string;
  /** Writing failed once (read-only or full disk): stop trying, keep linting. */
  private broken = false;
  /** Shard folders made (or found) in this run. */
  private readonly made = new Set<string>();
  private writes = 0;

  constructor(folder: string, private readonly namespace: string) {
    this.dir = nodePath.join(folder, namespace.split('/')[0].replace(/[^A-Za-z0-9._-]/g, '_'), 'parse');
  }

  /** The key of a text: sha256 of the namespace and the text. */
  key(text: string): string {
    return crypto.createHash('sha256').update(this.namespace).update('\0').update(text).digest('hex');
  }

  /** The entry file for a key. */
  file(key: string): string {
    return nodePath.join(this.dir, key.slice(0, 2), key.slice(2) + '.json');
  }

  get(text: string): PyFileInfo | undefined {
    const key = this.key(text);
    let entry: unknown;
    try {
      entry = JSON.parse(nodeFs.readFileSync(this.file(key), 'utf8'));
    } catch {
      return undefined;
    }
    // A truncated, edited or foreign entry is a miss; the parse that follows overwrites it.
    if (!entry || typeof entry !== 'object' || (entry as { key?: unknown }).key !== key) return undefined;
    const info = (entry as { info?: unknown }).info;
    return isFileInfo(info) ? info : undefined;
  }

  /** Writes still under way (see `flush`). */
  private pending = 0;
  private drained: (() => void)[] = [];

  /**
   * Stores a parse. The folder is made at once; the entry is written and renamed by Node's I/O
   * threads while the lint goes on (the process does not exit before they finish; `flush` waits).
   */
  put(text: string, info: PyFileInfo): void {
    if (this.broken) return;
    const key = this.key(text);
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.${this.writes++}.tmp`;
    try {
      // String literals are in a parse: the cache is readable by its owner only.
      const dir = nodePath.dirname(file);
      if (!this.made.has(dir)) {
        nodeFs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        this.made.add(dir);
      }
    } catch {
      this.broken = true;
      return;
    }
    const data = JSON.stringify({ key, info });
    this.pending++;
    const done = (failed: boolean): void => {
      if (failed) {
        this.broken = true;
        nodeFs.rm(tmp, { force: true }, () => undefined);
      }
      if (--this.pending === 0) for (const f of this.drained.splice(0)) f();
    };
    nodeFs.writeFile(tmp, data, { mode: 0o600 }, (e) => {
      if (e) return done(true);
      nodeFs.rename(tmp, file, (e2) => done(!!e2));
    });
  }

  /** Resolves once every entry put so far is written (or has failed). */
  flush(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }
}

const ARRAY_FIELDS = ['imports', 'syntaxErrors', 'topLevelNames', 'calls', 'strings', 'functions', 'callGraph', 'assignments'] as const;

/** The shape of a `PyFileInfo` (the key already ties it to this build's format). */
function isFileInfo(x: unknown): x is PyFileInfo {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (!ARRAY_FIELDS.every((f) => Array.isArray(o[f]))) return false;
  if (typeof o.lineCount !== 'number' || typeof o.hasStarImport !== 'boolean' || typeof o.hasModuleGetattr !== 'boolean') return false;
  const f = o.features as Record<string, unknown> | undefined;
  return !!f && Array.isArray(f.uses) && Array.isArray(f.versionGuards);
}

/** The store for this run, or undefined when there is no cache folder. */
export function openParseStore(version: string, env: NodeJS.ProcessEnv = process.env): DiskParseStore | undefined {
  const folder = cacheFolder(env);
  return folder ? new DiskParseStore(folder, buildNamespace(version)) : undefined;
}
