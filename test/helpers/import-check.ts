// Proves an image model imports cleanly: writes each running container's stage to a temp folder and imports its entry with python3 (third-party packages stubbed), in one python3 that forks a child per check.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Analysis } from '../../server/src/core/analysis';
import type { FileSystem } from '../../server/src/core/fs';
import { running } from '../../server/src/core/runtime';

const RUNNER = String.raw`
import importlib, importlib.abc, importlib.machinery, json, runpy, sys, types
cfg = json.loads(sys.argv[1])
stubs = set(cfg["stubs"])
class Wrapped:
    # What a stubbed decorator returns: the function still runs, and the stub's attributes stay reachable
    # (a click group made by a stubbed @click.group() has .command and .group for the decorators below it).
    def __init__(self, f): self.__dict__["_f"] = f
    def __call__(self, *a, **k): return self._f(*a, **k)
    def __getattr__(self, n): return getattr(self._f, n) if hasattr(self._f, n) else Dummy()
    def __mro_entries__(self, bases): return (self._f,) if isinstance(self._f, type) else (object,)
class Dummy:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k):
        if len(a) == 1 and callable(a[0]) and not k: return a[0] if isinstance(a[0], type) else Wrapped(a[0])
        return Dummy()
    def __getattr__(self, n): return Dummy()
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def __iter__(self): return iter(())
    def __mro_entries__(self, bases): return (object,)
class StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        m = types.ModuleType(spec.name); m.__path__ = []; m.__getattr__ = lambda n: Dummy(); return m
    def exec_module(self, m): pass
class StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in stubs: return importlib.machinery.ModuleSpec(name, StubLoader(), is_package=True)
        return None
sys.meta_path.insert(0, StubFinder())
sys.path[:0] = cfg["sysPath"]
if cfg.get("module"):
    m = importlib.import_module(cfg["module"])
    if cfg.get("callable") and not hasattr(m, cfg["callable"]):
        raise SystemExit("no attribute %s in %s" % (cfg["callable"], cfg["module"]))
elif cfg.get("code") is not None:
    import ast
    tree = ast.parse(cfg["code"])
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    exec(compile(tree, "<string>", "exec"), {"__name__": "imported_by_deploylint_test"})
else:
    runpy.run_path(cfg["script"], run_name="imported_by_deploylint_test")
print("IMPORTED")
`;

/**
 * One python3 for every check: reads `{"cfg": ..., "cwd": ..., "out": ..., "err": ...}` lines,
 * forks a child per line (a fresh copy of this small process: nothing a check imports survives
 * it) that runs RUNNER from `cwd` with its stdout and stderr in the two files, and answers each
 * line with the child's exit status (or -signal) on a line of its own.
 */
const SERVER = String.raw`
import json, os, sys
RUNNER = sys.argv[1]
for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            import signal
            signal.alarm(30)
            out = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            err = os.open(req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(err, 2)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            os.chdir(req["cwd"])
            sys.argv = ["-c", json.dumps(req["cfg"])]
            exec(compile(RUNNER, "<string>", "exec"), {"__name__": "__main__"})
        except SystemExit as e:
            if isinstance(e.code, int) or e.code is None:
                code = e.code or 0
            else:
                print(e.code, file=sys.stderr)
                code = 1
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
`;

let server: { proc: ChildProcessWithoutNullStreams; pending: ((line: string) => void)[]; buffer: string } | undefined;

/** Runs one check in the shared python3: its stdout, stderr and exit status. */
function runCheck(cfg: object, cwd: string, scratch: string): Promise<{ stdout: string; stderr: string; status: number }> {
  if (!server) {
    const proc = spawn('python3', ['-I', '-u', '-c', SERVER, RUNNER]);
    const s = { proc, pending: [] as ((line: string) => void)[], buffer: '' };
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      s.buffer += chunk;
      for (let nl = s.buffer.indexOf('\n'); nl >= 0; nl = s.buffer.indexOf('\n')) {
        const line = s.buffer.slice(0, nl);
        s.buffer = s.buffer.slice(nl + 1);
        s.pending.shift()?.(line);
      }
    });
    proc.on('exit', () => {
      for (const p of s.pending.splice(0)) p('exit');
      if (server === s) server = undefined;
    });
    server = s;
  }
  const out = path.join(scratch, 'stdout.txt');
  const err = path.join(scratch, 'stderr.txt');
  const s = server;
  return new Promise((resolve) => {
    s.pending.push((line) => {
      const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
      resolve({ stdout: read(out), stderr: read(err), status: Number(line) });
    });
    s.proc.stdin.write(JSON.stringify({ cfg, cwd, out, err }) + '\n');
  });
}

/** Ends the shared python3 (after the last check). */
export function stopImportChecks(): void {
  server?.proc.stdin.end();
  server = undefined;
}

/** What the base images preinstall and this machine's python3 has too: stubbing setuptools would break its distutils shim. */
const HOST_TOOLS = new Set(['pip', 'setuptools', 'pkg_resources', '_distutils_hack', 'wheel']);

const ALWAYS_STUB = ['flask', 'fastapi', 'django', 'celery', 'gunicorn', 'uvicorn', 'requests', 'numpy', 'starlette', 'pydantic'];

/** Materialises each container's stage and imports its entry (once per distinct entry); returns one line per container: `id: IMPORTED` or the error. */
export async function importCheck(a: Analysis, fsys: FileSystem): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const ia of running(a)) {
    const key = [ia.target.dockerfile, ia.stage.index, ia.entry.cwd, ia.entry.sysPath.join(':'), ia.ep.module, ia.ep.callable, ia.ep.script, ia.ep.code].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    if (!ia.entryFile) {
      out.push(`${ia.id}: not analysed (${ia.entry.ep.kind} ${ia.entry.ep.argv.join(' ')})`);
      continue;
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-image-'));
    try {
      for (const file of ia.stage.tree.walk('/')) {
        const hit = ia.stage.tree.lookup(file)!;
        const r = hit.source ? fsys.read(hit.source) : undefined;
        const text = hit.content ?? (r && 'text' in r ? r.text : '');
        const dest = path.join(tmp, file);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, text);
      }
      const ep = ia.entry.ep;
      const cfg = {
        stubs: [...ALWAYS_STUB, ...[...ia.thirdParty].filter((n) => !HOST_TOOLS.has(n))],
        sysPath: ia.entry.sysPath.map((p) => path.join(tmp, p)),
        module: ep.module && ep.kind !== 'python-script' ? ep.module : undefined,
        callable: ep.kind === 'python-module' || ep.kind === 'celery' ? undefined : ep.callable?.replace(/\(.*$/, ''),
        // A file the server found itself (fastapi's or locust's default) runs as a script too.
        script: ep.script ? path.join(tmp, ep.script.startsWith('/') ? ep.script : path.join(ia.entry.cwd, ep.script)) : !ep.module && ia.entryFile ? path.join(tmp, ia.entryFile) : undefined,
        // python -c: only its import statements run (the code itself may serve forever).
        code: ep.kind === 'python-code' ? ep.code : undefined,
      };
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-import-out-'));
      let r;
      try {
        r = await runCheck(cfg, path.join(tmp, ia.entry.cwd), scratch);
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
      const last = (r.stdout.trim().split('\n').pop() ?? '') || r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
      out.push(`${ia.id}: ${last}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return out;
}
