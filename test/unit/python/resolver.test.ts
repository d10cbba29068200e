// Module resolution over in-memory image trees: precedence, sys.path order, packages, relative imports, uncertainty.
import { strict as assert } from 'assert';
import { resolveFromImport, resolveModule, resolveRelative, snapshotView, type Resolution } from '../../../server/src/core/python/resolver';
import { MemoryImageView } from './imageView';

const SITE = '/usr/local/lib/python3.11/site-packages';

describe('python/resolveModule', () => {
  const cases: { name: string; files: string[]; uncertain?: string[]; sysPath?: string[]; dotted: string; expected: Resolution }[] = [
    {
      name: 'a plain module',
      files: ['/app/a.py'],
      dotted: 'a',
      expected: { status: 'found', kind: 'module', file: '/app/a.py', root: '/app', inits: [] },
    },
    {
      name: 'a regular package wins over a module of the same name',
      files: ['/app/a.py', '/app/a/__init__.py'],
      dotted: 'a',
      expected: { status: 'found', kind: 'package', file: '/app/a/__init__.py', root: '/app', inits: [], searchPath: ['/app/a'] },
    },
    {
      name: 'a module wins over a namespace folder in the same entry',
      files: ['/app/a.py', '/app/a/x.py'],
      dotted: 'a',
      expected: { status: 'found', kind: 'module', file: '/app/a.py', root: '/app', inits: [] },
    },
    {
      name: 'a module in a later entry wins over a namespace folder in an earlier one',
      files: ['/app/a/x.py', `${SITE}/a.py`],
      sysPath: ['/app', SITE],
      dotted: 'a',
      expected: { status: 'found', kind: 'module', file: `${SITE}/a.py`, root: SITE, inits: [] },
    },
    {
      name: 'a namespace package gathers portions from every entry',
      files: ['/app/ns/x.py', '/lib/ns/y.py'],
      sysPath: ['/app', '/lib'],
      dotted: 'ns',
      expected: { status: 'found', kind: 'namespace', root: '/app', inits: [], searchPath: ['/app/ns', '/lib/ns'] },
    },
    {
      name: 'submodule in the second portion of a namespace package',
      files: ['/app/ns/x.py', '/lib/ns/y.py'],
      sysPath: ['/app', '/lib'],
      dotted: 'ns.y',
      expected: { status: 'found', kind: 'module', file: '/lib/ns/y.py', root: '/app', inits: [] },
    },
    {
      name: 'sys.path order: the first entry wins',
      files: ['/first/m.py', '/second/m.py'],
      sysPath: ['/first', '/second'],
      dotted: 'm',
      expected: { status: 'found', kind: 'module', file: '/first/m.py', root: '/first', inits: [] },
    },
    {
      name: 'parent packages run their __init__ first, outermost first',
      files: ['/app/a/__init__.py', '/app/a/b/__init__.py', '/app/a/b/c.py'],
      dotted: 'a.b.c',
      expected: { status: 'found', kind: 'module', file: '/app/a/b/c.py', root: '/app', inits: ['/app/a/__init__.py', '/app/a/b/__init__.py'] },
    },
    {
      name: 'a namespace parent has no __init__',
      files: ['/app/a/b/__init__.py', '/app/a/b/c.py'],
      dotted: 'a.b.c',
      expected: { status: 'found', kind: 'module', file: '/app/a/b/c.py', root: '/app', inits: ['/app/a/b/__init__.py'] },
    },
    {
      name: 'a package found in one entry hides another entry for its submodules',
      files: ['/app/a/__init__.py', '/lib/a/__init__.py', '/lib/a/x.py'],
      sysPath: ['/app', '/lib'],
      dotted: 'a.x',
      expected: { status: 'missing', resolvedPrefix: 'a', failedAt: 'a.x' },
    },
    {
      name: 'missing top level',
      files: ['/app/main.py'],
      dotted: 'shared.utils.player_registry',
      expected: { status: 'missing', failedAt: 'shared' },
    },
    {
      name: 'missing deep: the longest resolved prefix',
      files: ['/app/shared/__init__.py', '/app/shared/utils/__init__.py'],
      dotted: 'shared.utils.player_registry',
      expected: { status: 'missing', resolvedPrefix: 'shared.utils', failedAt: 'shared.utils.player_registry' },
    },
    {
      name: 'submodule of a plain module: not a package',
      files: ['/app/coordinator.py'],
      dotted: 'coordinator.player_loader',
      expected: { status: 'missing', resolvedPrefix: 'coordinator', failedAt: 'coordinator.player_loader', notAPackage: 'coordinator' },
    },
    {
      name: 'extension module with an ABI tag',
      files: [`${SITE}/_speedups.cpython-311-x86_64-linux-gnu.so`],
      sysPath: [SITE],
      dotted: '_speedups',
      expected: { status: 'found', kind: 'module', file: `${SITE}/_speedups.cpython-311-x86_64-linux-gnu.so`, root: SITE, inits: [] },
    },
    {
      name: 'bare .so and .pyd extension modules',
      files: ['/app/pkg/__init__.py', '/app/pkg/fast.so', '/app/win.pyd'],
      dotted: 'pkg.fast',
      expected: { status: 'found', kind: 'module', file: '/app/pkg/fast.so', root: '/app', inits: ['/app/pkg/__init__.py'] },
    },
    {
      name: 'an extension module wins over a .py of the same name',
      files: ['/app/m.py', '/app/m.abi3.so'],
      dotted: 'm',
      expected: { status: 'found', kind: 'module', file: '/app/m.abi3.so', root: '/app', inits: [] },
    },
    {
      name: 'only .py and extension suffixes count',
      files: ['/app/m.pyc', '/app/m.txt', '/app/m.so.bak', '/app/m.a.b.so'],
      dotted: 'm',
      expected: { status: 'missing', failedAt: 'm' },
    },
    {
      name: 'uncertain sys.path entry: not found is uncertain',
      files: ['/app/main.py'],
      uncertain: [SITE],
      sysPath: ['/app', SITE],
      dotted: 'requests',
      expected: { status: 'uncertain' },
    },
    {
      name: 'uncertain entry does not hide a module found elsewhere',
      files: ['/app/m.py'],
      uncertain: [SITE],
      sysPath: [SITE, '/app'],
      dotted: 'm',
      expected: { status: 'found', kind: 'module', file: '/app/m.py', root: '/app', inits: [] },
    },
    {
      name: 'uncertain package folder: a missing submodule is uncertain',
      files: ['/app/a/__init__.py'],
      uncertain: ['/app/a'],
      dotted: 'a.b',
      expected: { status: 'uncertain' },
    },
    {
      name: 'a namespace with an uncertain entry behind it is incomplete',
      files: ['/app/google/mine.py'],
      uncertain: [SITE],
      sysPath: ['/app', SITE],
      dotted: 'google.cloud.storage',
      expected: { status: 'uncertain' },
    },
    {
      name: 'an uncertain sibling does not make a certain miss uncertain',
      files: ['/app/a/__init__.py'],
      uncertain: ['/app/static'],
      dotted: 'a.b',
      expected: { status: 'missing', resolvedPrefix: 'a', failedAt: 'a.b' },
    },
    {
      name: 'invalid identifiers never resolve',
      files: ['/app/my-mod.py'],
      dotted: 'my-mod',
      expected: { status: 'missing', failedAt: 'my-mod' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const view = new MemoryImageView(c.files, c.uncertain);
      assert.deepEqual(resolveModule(view, c.sysPath ?? ['/app'], c.dotted), c.expected);
      assert.deepEqual(resolveModule(snapshotView(view), c.sysPath ?? ['/app'], c.dotted), c.expected);
    });
  }
});

describe('python/resolveRelative', () => {
  const cases: [string, boolean, number, string, string | undefined][] = [
    ['pkg.mod', false, 1, 'x', 'pkg.x'],
    ['pkg.mod', false, 1, '', 'pkg'],
    ['pkg', true, 1, 'x', 'pkg.x'],
    ['pkg', true, 1, '', 'pkg'],
    ['a.b.c.mod', false, 2, 'x.y', 'a.b.x.y'],
    ['a.b.c.mod', false, 3, '', 'a'],
    ['a.b.c.mod', false, 4, 'x', undefined],
    ['a.b', true, 2, 'z', 'a.z'],
    ['a.b', true, 3, 'z', undefined],
    ['mod', false, 1, 'x', undefined],
    ['', false, 1, 'x', undefined],
    ['pkg.mod', false, 0, 'abs', 'abs'],
  ];
  for (const [importer, isPkg, level, module, expected] of cases) {
    it(`${'.'.repeat(level)}${module} from ${importer || '__main__'}${isPkg ? ' (package)' : ''} -> ${expected}`, () => {
      assert.equal(resolveRelative(importer, isPkg, level, module), expected);
    });
  }
});

describe('python/resolveFromImport', () => {
  const view = new MemoryImageView([
    '/app/pkg/__init__.py', '/app/pkg/sub.py', '/app/pkg/inner/__init__.py', '/app/mod.py', '/app/ns/x.py',
    '/app/unsure/__init__.py',
  ], ['/app/unsure']);
  const sysPath = ['/app'];

  it('a submodule of a package', () => {
    assert.deepEqual(resolveFromImport(view, sysPath, 'pkg', 'sub').submodule, {
      status: 'found', kind: 'module', file: '/app/pkg/sub.py', root: '/app', inits: ['/app/pkg/__init__.py'],
    });
  });

  it('a subpackage', () => {
    assert.deepEqual(resolveFromImport(view, sysPath, 'pkg', 'inner').submodule, {
      status: 'found', kind: 'package', file: '/app/pkg/inner/__init__.py', root: '/app', inits: ['/app/pkg/__init__.py'], searchPath: ['/app/pkg/inner'],
    });
  });

  it('a submodule of a namespace package', () => {
    assert.deepEqual(resolveFromImport(view, sysPath, 'ns', 'x').submodule, {
      status: 'found', kind: 'module', file: '/app/ns/x.py', root: '/app', inits: [],
    });
  });

  it('an attribute: not a submodule', () => {
    const r = resolveFromImport(view, sysPath, 'pkg', 'helper');
    assert.equal(r.submodule, undefined);
    assert.deepEqual(r.parent, { status: 'found', kind: 'package', file: '/app/pkg/__init__.py', root: '/app', inits: [], searchPath: ['/app/pkg'] });
  });

  it('a plain module has no submodules', () => {
    const r = resolveFromImport(view, sysPath, 'mod', 'sub');
    assert.equal(r.submodule, undefined);
    assert.equal(r.parent.status === 'found' && r.parent.kind, 'module');
  });

  it('an uncertain package folder', () => {
    assert.deepEqual(resolveFromImport(view, sysPath, 'unsure', 'x').submodule, { status: 'uncertain' });
  });

  it('a missing parent', () => {
    assert.deepEqual(resolveFromImport(view, sysPath, 'nope', 'x'), { parent: { status: 'missing', failedAt: 'nope' }, submodule: undefined });
  });
});
