// Proves an image model imports cleanly: writes each running container's stage to a temp folder and imports its entry with python3 (third-party packages stubbed).
import { spawnSync } from 'child_process';
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
class Dummy:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k):
        if len(a) == 1 and callable(a[0]) and not k: return a[0]
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

/** What the base images preinstall and this machine's python3 has too: stubbing setuptools would break its distutils shim. */
const HOST_TOOLS = new Set(['pip', 'setuptools', 'pkg_resources', '_distutils_hack', 'wheel']);

const ALWAYS_STUB = ['flask', 'fastapi', 'django', 'celery', 'gunicorn', 'uvicorn', 'requests', 'numpy', 'starlette', 'pydantic'];

/** Materialises each container's stage and imports its entry (once per distinct entry); returns one line per container: `id: IMPORTED` or the error. */
export function importCheck(a: Analysis, fsys: FileSystem): string[] {
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
        script: ep.script ? path.join(tmp, ep.script.startsWith('/') ? ep.script : path.join(ia.entry.cwd, ep.script)) : undefined,
        // python -c: only its import statements run (the code itself may serve forever).
        code: ep.kind === 'python-code' ? ep.code : undefined,
      };
      const r = spawnSync('python3', ['-I', '-c', RUNNER, JSON.stringify(cfg)], { cwd: path.join(tmp, ia.entry.cwd), encoding: 'utf8', timeout: 30000 });
      const last = (r.stdout.trim().split('\n').pop() ?? '') || r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
      out.push(`${ia.id}: ${last}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return out;
}
