// Import closure walk: chains, cycles, deep chains, package inits, missing attributes, guards, stdlib.
import { strict as assert } from 'assert';
import { initPython, parsePython, type PyFileInfo } from '../../../server/src/core/python/parser';
import { walkClosure, type ClosureInput, type ClosureResult } from '../../../server/src/core/python/closure';
import { MemoryImageView } from './imageView';

before(async () => {
  await initPython();
});

function walk(
  tree: Record<string, string>,
  entries: ClosureInput['entries'],
  opts: { sysPath?: string[]; uncertain?: string[]; thirdParty?: string[]; unreadable?: string[] } = {},
): ClosureResult {
  const view = new MemoryImageView([...Object.keys(tree), ...(opts.unreadable ?? [])], opts.uncertain);
  return walkClosure({
    view,
    sysPath: opts.sysPath ?? ['/app'],
    entries,
    load: (p) => (tree[p] === undefined ? undefined : parsePython(tree[p])),
    ...(opts.thirdParty ? { isThirdParty: (n: string) => opts.thirdParty!.includes(n) } : {}),
  });
}

/** `importer: dotted (failedAt) reason [guard scope] via chain` */
function unresolved(r: ClosureResult): string[] {
  return r.unresolved.map((u) => {
    const chain = u.chain.map((e) => `${e.from}>${'.'.repeat(e.import.level)}${e.import.module}`).join(' ');
    const name = u.nameIndex !== undefined ? ` name=${u.import.names[u.nameIndex]}` : '';
    return `${u.importer}: ${u.dotted} (${u.failedAt}) ${u.reason}${name} [${u.import.guard} ${u.import.scope}] ${chain}`;
  });
}

const files = (r: ClosureResult): string[] => [...r.files.keys()];
const modules = (r: ClosureResult): (string | undefined)[] => [...r.files.values()].map((f) => f.module);

describe('python/walkClosure', () => {
  it('the incident worker: three local modules never copied', () => {
    const r = walk(
      {
        '/app/worker.py': [
          'import os, json',
          'import requests',
          'from system_circuit_breaker import CircuitBreaker',
          'from execution_logger import ExecutionLogger',
          'from shared.utils.player_registry import PlayerRegistry',
        ].join('\n'),
      },
      [{ file: '/app/worker.py', module: 'worker' }],
      { thirdParty: ['requests'] },
    );
    assert.deepEqual(unresolved(r), [
      '/app/worker.py: system_circuit_breaker (system_circuit_breaker) not-found [none module] /app/worker.py>system_circuit_breaker',
      '/app/worker.py: execution_logger (execution_logger) not-found [none module] /app/worker.py>execution_logger',
      '/app/worker.py: shared.utils.player_registry (shared) not-found [none module] /app/worker.py>shared.utils.player_registry',
    ]);
    assert.deepEqual(files(r), ['/app/worker.py']);
  });

  it('the incident coordinator: a flat module where a package is needed', () => {
    const r = walk(
      { '/app/coordinator.py': 'from coordinator.player_loader import PlayerLoader\napp = object()' },
      [{ file: '/app/coordinator.py', module: 'coordinator' }],
    );
    assert.deepEqual(unresolved(r), [
      '/app/coordinator.py: coordinator.player_loader (coordinator.player_loader) not-a-package [none module] /app/coordinator.py>coordinator.player_loader',
    ]);
  });

  it('a plain module that makes its submodules at run time (six): not reported, with the reason, and the module is followed', () => {
    const entry = [{ file: '/app/main.py', module: 'main' }];
    const cases: [string, string][] = [
      ['import sys\nimport types\nmoves = types.ModuleType(__name__ + ".moves")\nsys.modules[__name__ + ".moves"] = moves\nimport extra', 'assigns into sys.modules (line 4)'],
      ['__path__ = []  # PEP 302\nimport extra', 'sets __path__ at module level'],
      ['import sys\nclass _Importer:\n    pass\nimport extra\nsys.meta_path.append(_Importer())', 'adds an importer to sys.meta_path (line 5)'],
      ['import sys\nimport extra\ndef install():\n    sys.modules.setdefault(__name__ + ".moves", object())', 'adds to sys.modules (line 4)'],
    ];
    for (const [six, why] of cases) {
      const r = walk({ '/app/main.py': 'from six.moves.urllib.parse import urlparse\nimport six.moves', '/app/six.py': six, '/app/extra.py': '' }, entry);
      assert.deepEqual(unresolved(r), [], six);
      assert.deepEqual(r.runtimeSubmodules.map((x) => `${x.importer}:${x.import.range.start.line + 1} ${x.dotted}: ${x.why}`), [
        `/app/main.py:1 six.moves.urllib.parse: 'six' is the plain module /app/six.py, but it ${why}, so 'six.moves' may exist at run time`,
        `/app/main.py:2 six.moves: 'six' is the plain module /app/six.py, but it ${why}, so 'six.moves' may exist at run time`,
      ]);
      assert.deepEqual(files(r), ['/app/main.py', '/app/six.py', '/app/extra.py'], six);
    }
  });

  it('near misses: a plain module that only keeps a dict named modules, or sets __path__ inside a function, is still not a package', () => {
    for (const six of ['modules = {}\nmodules["moves"] = 1', 'def f():\n    __path__ = []', 'import sys\nprint(sys.modules["os"])']) {
      const r = walk({ '/app/main.py': 'from six.moves import urllib', '/app/six.py': six }, [{ file: '/app/main.py', module: 'main' }]);
      assert.deepEqual(unresolved(r), ['/app/main.py: six.moves (six.moves) not-a-package [none module] /app/main.py>six.moves'], six);
      assert.deepEqual(r.runtimeSubmodules, [], six);
    }
  });

  it('follows chains and reports the chain entry first', () => {
    const r = walk(
      {
        '/app/main.py': 'import a',
        '/app/a.py': 'def f():\n    from pkg import b',
        '/app/pkg/__init__.py': '',
        '/app/pkg/b.py': 'import gone.deep',
      },
      [{ file: '/app/main.py' }],
    );
    assert.deepEqual(files(r), ['/app/main.py', '/app/a.py', '/app/pkg/__init__.py', '/app/pkg/b.py']);
    assert.deepEqual(modules(r), [undefined, 'a', 'pkg', 'pkg.b']);
    assert.deepEqual(unresolved(r), [
      '/app/pkg/b.py: gone.deep (gone) not-found [none module] /app/main.py>a /app/a.py>pkg /app/pkg/b.py>gone.deep',
    ]);
    assert.equal(r.files.get('/app/pkg/b.py')!.via!.from, '/app/a.py');
  });

  it('chains are shortest (breadth first)', () => {
    const r = walk(
      {
        '/app/main.py': 'import x\nimport y',
        '/app/x.py': 'import x2',
        '/app/x2.py': 'import z',
        '/app/y.py': 'import z',
        '/app/z.py': 'import missing',
      },
      [{ file: '/app/main.py' }],
    );
    assert.deepEqual(unresolved(r), [
      '/app/z.py: missing (missing) not-found [none module] /app/main.py>y /app/y.py>z /app/z.py>missing',
    ]);
  });

  it('handles cycles', () => {
    const r = walk(
      { '/app/a.py': 'import b\nimport a', '/app/b.py': 'from a import f\nimport c', '/app/c.py': 'import a, b\ndef f(): pass' },
      [{ file: '/app/a.py', module: 'a' }],
    );
    assert.deepEqual(files(r), ['/app/a.py', '/app/b.py', '/app/c.py']);
    assert.deepEqual(r.unresolved, []);
    assert.deepEqual(r.missingAttributes.map((m) => `${m.importer} ${m.module}.${m.name}`), ['/app/b.py a.f']);
  });

  it('walks a 10,000-module chain without recursion', () => {
    const n = 10000;
    const infos = new Map<string, PyFileInfo>();
    const paths: string[] = [];
    for (let i = 0; i < n; i++) {
      paths.push(`/app/m${i}.py`);
      infos.set(`/app/m${i}.py`, parsePython(i + 1 < n ? `import m${i + 1}\nimport m0` : 'import nowhere'));
    }
    const r = walkClosure({
      view: new MemoryImageView(paths),
      sysPath: ['/app'],
      entries: [{ file: '/app/m0.py', module: 'm0' }],
      load: (p) => infos.get(p),
    });
    assert.equal(r.files.size, n);
    assert.equal(r.unresolved.length, 1);
    const u = r.unresolved[0];
    assert.equal(u.dotted, 'nowhere');
    assert.equal(u.chain.length, n);
    assert.equal(u.chain[0].from, '/app/m0.py');
    assert.equal(u.chain[n - 1].from, `/app/m${n - 1}.py`);
  });

  it('importing a.b.c runs the parent __init__ files', () => {
    const r = walk(
      {
        '/app/main.py': 'import a.b.c',
        '/app/a/__init__.py': 'from .b import thing',
        '/app/a/b/__init__.py': 'thing = 1',
        '/app/a/b/c.py': '',
      },
      [{ file: '/app/main.py' }],
    );
    assert.deepEqual(files(r), ['/app/main.py', '/app/a/__init__.py', '/app/a/b/__init__.py', '/app/a/b/c.py']);
    assert.deepEqual(modules(r), [undefined, 'a', 'a.b', 'a.b.c']);
    assert.deepEqual(r.unresolved, []);
    assert.deepEqual(r.missingAttributes, []);
  });

  it('resolves relative imports against the importer, and reports them from a script', () => {
    const r = walk(
      {
        '/app/main.py': 'from . import sibling',
        '/app/pkg/__init__.py': 'from . import present\nfrom .absent import x\nfrom .. import beyond',
        '/app/pkg/present.py': 'from .other import nothing_here\nimport importlib\nimportlib.import_module(".dyn", "pkg")',
        '/app/pkg/other.py': 'something = 1',
      },
      [{ file: '/app/main.py' }, { file: '/app/pkg/__init__.py', module: 'pkg' }],
    );
    assert.deepEqual(unresolved(r), [
      '/app/main.py: . (.) no-parent-package [none module] /app/main.py>.',
      '/app/pkg/__init__.py: pkg.absent (pkg.absent) not-found [none module] /app/pkg/__init__.py>.absent',
      '/app/pkg/__init__.py: .. (..) no-parent-package [none module] /app/pkg/__init__.py>..',
      '/app/pkg/present.py: pkg.dyn (pkg.dyn) not-found [none module] /app/pkg/__init__.py>. /app/pkg/present.py>.dyn',
    ]);
    assert.deepEqual(r.missingAttributes.map((m) => `${m.module}.${m.name} #${m.nameIndex}`), ['pkg.other.nothing_here #0']);
  });

  it('from-imports: submodule, attribute, missing name of a package or namespace', () => {
    const r = walk(
      {
        '/app/main.py': [
          'from pkg import sub, defined, neither',
          'from util import helper, absent',
          'from ns import there, not_there',
          'from star import anything',
          'from lazy import whatever',
        ].join('\n'),
        '/app/pkg/__init__.py': 'defined = 1',
        '/app/pkg/sub.py': '',
        '/app/util.py': 'def helper(): pass',
        '/app/ns/there.py': '',
        '/app/star.py': 'from os.path import *',
        '/app/lazy.py': 'def __getattr__(name): return 1',
      },
      [{ file: '/app/main.py' }],
    );
    assert.deepEqual(unresolved(r), [
      '/app/main.py: pkg.neither (pkg.neither) not-found name=neither [none module] /app/main.py>pkg',
      '/app/main.py: ns.not_there (ns.not_there) not-found name=not_there [none module] /app/main.py>ns',
    ]);
    assert.deepEqual(r.missingAttributes.map((m) => `${m.importer} ${m.module}.${m.name} #${m.nameIndex}`), ['/app/main.py util.absent #1']);
    assert.deepEqual(files(r), [
      '/app/main.py', '/app/pkg/__init__.py', '/app/pkg/sub.py', '/app/util.py', '/app/ns/there.py', '/app/star.py', '/app/lazy.py',
    ]);
  });

  it('keeps guarded and function-level imports, carrying guard and scope', () => {
    const r = walk(
      {
        '/app/main.py': [
          'try:',
          '    import fast_json',
          'except ImportError:',
          '    fast_json = None',
          'if TYPE_CHECKING:',
          '    from types_only import T',
          'def handler():',
          '    import lazy_dep',
        ].join('\n'),
      },
      [{ file: '/app/main.py' }],
    );
    assert.deepEqual(unresolved(r), [
      '/app/main.py: fast_json (fast_json) not-found [import-error module] /app/main.py>fast_json',
      '/app/main.py: types_only (types_only) not-found [type-checking module] /app/main.py>types_only',
      '/app/main.py: lazy_dep (lazy_dep) not-found [none function] /app/main.py>lazy_dep',
    ]);
  });

  it('follows imports under a __main__ guard only in files run as __main__', () => {
    const tree = {
      '/app/main.py': 'import lib\nif __name__ == "__main__":\n    import cli_only',
      '/app/lib.py': 'if __name__ == "__main__":\n    import self_test',
    };
    const asScript = walk(tree, [{ file: '/app/main.py' }]);
    assert.deepEqual(asScript.unresolved.map((u) => u.dotted), ['cli_only']);
    const asModule = walk(tree, [{ file: '/app/main.py', module: 'main' }]);
    assert.deepEqual(asModule.unresolved.map((u) => u.dotted), []);
    const dashM = walk(tree, [{ file: '/app/main.py', module: 'main', main: true }]);
    assert.deepEqual(dashM.unresolved.map((u) => u.dotted), ['cli_only']);
  });

  it('skips stdlib, uncertain resolutions and missing third-party names', () => {
    const r = walk(
      {
        '/app/main.py': 'import json, os.path, distutils.core\nfrom collections import OrderedDict\nimport numpy\nimport maybe\nimport flask',
      },
      [{ file: '/app/main.py' }],
      { sysPath: ['/app', '/site'], uncertain: ['/site'], thirdParty: ['flask'] },
    );
    assert.deepEqual(r.unresolved, []);
  });

  it('follows third-party names that are in the image, without reporting inside them', () => {
    const r = walk(
      { '/app/main.py': 'import mylib', '/site/mylib/__init__.py': 'from mylib import nothing\nimport other_missing' },
      [{ file: '/app/main.py' }],
      { sysPath: ['/app', '/site'], thirdParty: ['mylib'] },
    );
    assert.deepEqual(files(r), ['/app/main.py', '/site/mylib/__init__.py']);
    assert.deepEqual(unresolved(r), [
      '/site/mylib/__init__.py: other_missing (other_missing) not-found [none module] /app/main.py>mylib /site/mylib/__init__.py>other_missing',
    ]);
    assert.deepEqual(r.missingAttributes, []);
  });

  it('lists files that cannot be loaded and does not follow extension modules', () => {
    const r = walk(
      { '/app/main.py': 'import blob\nimport fast' },
      [{ file: '/app/main.py' }],
      { unreadable: ['/app/blob.py', '/app/fast.cpython-311-x86_64-linux-gnu.so'] },
    );
    assert.deepEqual(r.unreadable, ['/app/blob.py']);
    assert.deepEqual(files(r), ['/app/main.py']);
    assert.deepEqual(r.unresolved, []);
  });
});
