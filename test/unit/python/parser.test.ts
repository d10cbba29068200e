// Python parsing: imports, guards, scopes, syntax errors, top-level names, calls, strings, UTF-16 ranges.
import { strict as assert } from 'assert';
import * as path from 'path';
import { range } from '../../../server/src/core/types';
import type { Range } from '../../../server/src/core/types';
import {
  findWasmFiles, initPython, isPythonReady, parsePython, decodeEscapes, type PyImport,
} from '../../../server/src/core/python/parser';
import { isStdlib } from '../../../server/src/core/python/stdlib';

const fmt = (r: Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** `kind .module [names] scope guard` — one line per import. */
function brief(i: PyImport): string {
  const names = i.names.length ? ` [${i.names.join(',')}]` : '';
  const extra = (i.anchor !== undefined ? ` anchor=${i.anchor}` : '') + (i.mainGuard ? ' main' : '') + (i.envCondition ? ` env=${i.envCondition}` : '') + (i.fallbackOf ? ` fallbackOf=${i.fallbackOf.join(',')}` : '');
  return `${i.kind} ${'.'.repeat(i.level)}${i.module}${names} ${i.scope} ${i.guard}${extra}`;
}

const imports = (src: string): string[] => parsePython(src).imports.map(brief);

before(async () => {
  await initPython();
});

describe('python/parser loading', () => {
  it('is ready after init and init is idempotent', async () => {
    await initPython();
    await Promise.all([initPython(), initPython()]);
    assert.equal(isPythonReady(), true);
  });

  it('prefers wasm files next to the bundle, then node_modules', () => {
    const beside = new Set(['/dist/tree-sitter.wasm', '/dist/tree-sitter-python.wasm']);
    assert.deepEqual(findWasmFiles('/dist', () => '/nm/x.wasm', (p) => beside.has(p)), {
      runtime: '/dist/tree-sitter.wasm',
      python: '/dist/tree-sitter-python.wasm',
    });
    const resolved: Record<string, string> = {
      'web-tree-sitter/tree-sitter.wasm': '/nm/web-tree-sitter/tree-sitter.wasm',
      'tree-sitter-python/tree-sitter-python.wasm': '/nm/tree-sitter-python/tree-sitter-python.wasm',
    };
    const exists = new Set(Object.values(resolved));
    assert.deepEqual(findWasmFiles('/dist', (id) => resolved[id], (p) => exists.has(p)), {
      runtime: '/nm/web-tree-sitter/tree-sitter.wasm',
      python: '/nm/tree-sitter-python/tree-sitter-python.wasm',
    });
  });

  it('finds the real files from sources and fails clearly when absent', () => {
    const found = findWasmFiles();
    assert.equal(path.basename(found.runtime), 'tree-sitter.wasm');
    assert.equal(path.basename(found.python), 'tree-sitter-python.wasm');
    assert.throws(
      () => findWasmFiles('/nowhere', () => { throw new Error('not installed'); }, () => false),
      /cannot find tree-sitter\.wasm/,
    );
  });
});

describe('python/parser imports', () => {
  const table: [string, string, string[]][] = [
    ['plain', 'import os', ['import os module none']],
    ['dotted', 'import a.b.c', ['import a.b.c module none']],
    ['several', 'import a, b.c as d', ['import a module none', 'import b.c module none']],
    ['from', 'from m import a, b as c', ['from m [a,b] module none']],
    ['from dotted', 'from a.b import (c,\n  d,)', ['from a.b [c,d] module none']],
    ['star', 'from m import *', ['from m [*] module none']],
    ['relative dot', 'from . import x', ['from . [x] module none']],
    ['relative name', 'from ..pkg.sub import y', ['from ..pkg.sub [y] module none']],
    ['relative deep', 'from ... import z', ['from ... [z] module none']],
    ['future', 'from __future__ import annotations', ['from __future__ [annotations] module none']],
    ['function scope', 'def f():\n    import lazy', ['import lazy function none']],
    ['async function', 'async def f():\n    from m import x', ['from m [x] function none']],
    ['lambda', 'f = lambda: __import__("q")', ['dynamic q function none']],
    ['class body is module scope', 'class A:\n    import inner', ['import inner module none']],
    ['method is function scope', 'class A:\n    def m(self):\n        import inner', ['import inner function none']],
    ['try ImportError', 'try:\n    import yaml\nexcept ImportError:\n    yaml = None', ['import yaml module import-error']],
    ['try ModuleNotFoundError as', 'try:\n    import a\nexcept ModuleNotFoundError as e:\n    pass', ['import a module import-error']],
    ['try tuple', 'try:\n    import a\nexcept (ValueError, ImportError):\n    pass', ['import a module import-error']],
    ['try bare except', 'try:\n    import a\nexcept:\n    pass', ['import a module import-error']],
    ['try Exception', 'try:\n    import a\nexcept Exception:\n    pass', ['import a module import-error']],
    ['try other exception', 'try:\n    import a\nexcept ValueError:\n    pass', ['import a module none']],
    ['try finally only', 'try:\n    import a\nfinally:\n    pass', ['import a module none']],
    [
      'only the try body is guarded',
      'try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\nfinally:\n    import d',
      ['import a module import-error', 'import b module none fallbackOf=0', 'import c module none', 'import d module none'],
    ],
    [
      'a handler falls back from every import of its try body',
      'try:\n    import importlib.metadata as m\n    from x import y\nexcept (ModuleNotFoundError, ImportError):\n    import importlib_metadata as m\n    y = None',
      ['import importlib.metadata module import-error', 'from x [y] module import-error', 'import importlib_metadata module none fallbackOf=0,1'],
    ],
    [
      'the innermost try that catches ImportError decides',
      'try:\n    import a\nexcept ImportError:\n    try:\n        import b\n    except ImportError:\n        import c',
      ['import a module import-error', 'import b module import-error fallbackOf=0', 'import c module none fallbackOf=1'],
    ],
    ['a handler of another exception is no fallback', 'try:\n    import a\nexcept ValueError:\n    import b', ['import a module none', 'import b module none']],
    ['a try body without imports gives none', 'try:\n    x = 1\nexcept ImportError:\n    import b', ['import b module none']],
    ['nested in try body', 'try:\n    if x:\n        import a\nexcept ImportError:\n    pass', ['import a module import-error']],
    ['def in try body is not guarded', 'try:\n    def f():\n        import a\nexcept ImportError:\n    pass', ['import a function none']],
    ['TYPE_CHECKING', 'if TYPE_CHECKING:\n    from t import T', ['from t [T] module type-checking']],
    ['typing.TYPE_CHECKING', 'import typing\nif typing.TYPE_CHECKING:\n    import x', ['import typing module none', 'import x module type-checking']],
    ['TYPE_CHECKING else', 'if TYPE_CHECKING:\n    import a\nelse:\n    import b', ['import a module type-checking', 'import b module none']],
    [
      'type-checking wins over import-error',
      'try:\n    if TYPE_CHECKING:\n        import a\nexcept ImportError:\n    pass',
      ['import a module type-checking'],
    ],
    ['main guard', 'if __name__ == "__main__":\n    import cli', ['import cli module none main']],
    ['exists check', 'if (BASE / "local_settings.py").exists():\n    from .local_settings import *\nelse:\n    import b', ['from .local_settings [*] module exists-check', 'import b module none']],
    ['find_spec check', 'import importlib.util\nif importlib.util.find_spec("x") is not None:\n    import x', ['import importlib.util module none', 'import x module exists-check']],
    [
      'env conditions: positive tests of one variable with no or a falsy default',
      'if os.getenv("A"):\n    import a\nif os.environ.get("B", "").lower() in ("1", "true"):\n    import b\nif "C" in os.environ:\n    import c\nif env.bool("D", default=False):\n    import d\nif os.getenv("E") == "1":\n    import e',
      ['import a module none env=A', 'import b module none env=B', 'import c module none env=C', 'import d module none env=D', 'import e module none env=E'],
    ],
    [
      'not env conditions: negations, != and truthy defaults run the body when the variable is unset',
      'if not os.getenv("A"):\n    import a\nif os.getenv("B") != "0":\n    import b\nif os.getenv("C", "true") == "true":\n    import c\nif os.getenv("D") is None:\n    import d\nif os.getenv("E") or DEBUG:\n    import e\nif os.getenv("F"):\n    pass\nelse:\n    import f',
      ['import a module none', 'import b module none', 'import c module none', 'import d module none', 'import e module none', 'import f module none'],
    ],
    ['main guard reversed', "if '__main__' == __name__:\n    import cli", ['import cli module none main']],
    ['importlib', 'import importlib\nm = importlib.import_module("plugins.x")', ['import importlib module none', 'dynamic plugins.x module none']],
    ['importlib alias', 'import importlib as il\nil.import_module("p")', ['import importlib module none', 'dynamic p module none']],
    ['import_module', 'from importlib import import_module\nimport_module("p.q")', ['from importlib [import_module] module none', 'dynamic p.q module none']],
    ['import_module alias', 'from importlib import import_module as im\nim("p")', ['from importlib [import_module] module none', 'dynamic p module none']],
    ['relative import_module', 'import importlib\nimportlib.import_module(".sub", "pkg")', ['import importlib module none', 'dynamic .sub module none anchor=pkg']],
    ['relative package kw', 'import importlib\nimportlib.import_module("..up", package="a.b")', ['import importlib module none', 'dynamic ..up module none anchor=a.b']],
    ['relative without anchor ignored', 'import importlib\nimportlib.import_module(".sub")', ['import importlib module none']],
    ['__import__', 'm = __import__("a.b")', ['dynamic a.b module none']],
    ['non-literal ignored', 'import importlib\nimportlib.import_module(name)\n__import__(f"x{y}")\nimport_module("z")', ['import importlib module none']],
    ['guarded dynamic', 'try:\n    __import__("ujson")\nexcept ImportError:\n    pass', ['dynamic ujson module import-error']],
  ];
  for (const [name, src, expected] of table) {
    it(name, () => assert.deepEqual(imports(src), expected));
  }

  it('gives exact ranges for module text, names and statement', () => {
    const src = 'import os\nfrom ..pkg import a, b as c\nfrom . import x\ndef f():\n    m = __import__("dyn")';
    const got = parsePython(src).imports.map((i) => ({
      range: fmt(i.range), names: i.nameRanges?.map(fmt), stmt: fmt(i.stmtRange),
    }));
    assert.deepEqual(got, [
      { range: '0:7-0:9', names: undefined, stmt: '0:0-0:9' },
      { range: '1:5-1:10', names: ['1:18-1:19', '1:21-1:22'], stmt: '1:0-1:27' },
      { range: '2:5-2:6', names: ['2:14-2:15'], stmt: '2:0-2:15' },
      { range: '4:20-4:23', names: undefined, stmt: '4:4-4:25' },
    ]);
  });

  it('counts UTF-16 code units before an import on a non-ASCII line', () => {
    const src = 's = "é😀"; import os\nt = "ü"\nfrom m import x';
    const [a, b] = parsePython(src).imports;
    assert.deepEqual(a.range, range(0, 18, 0, 20));
    assert.deepEqual(a.stmtRange, range(0, 11, 0, 20));
    assert.deepEqual(b.nameRanges, [range(2, 14, 2, 15)]);
  });

  it('counts \\r\\n and lone \\r as line breaks', () => {
    const info = parsePython('import a\r\nimport b\rimport c\n');
    assert.deepEqual(info.imports.map((i) => fmt(i.range)), ['0:7-0:8', '1:7-1:8', '2:7-2:8']);
    assert.equal(info.lineCount, 4);
  });
});

describe('python/parser syntax errors', () => {
  const first = (src: string): string | undefined => {
    const e = parsePython(src).syntaxErrors[0];
    return e && `${e.range.start.line + 1}:${e.range.start.character + 1} ${e.message}`;
  };
  // Expected line numbers (1-based here) checked against CPython 3.11's compile().
  const table: [string, string, string | undefined][] = [
    ['valid', 'import os\n\ndef f(x):\n    return x\n', undefined],
    ['unindent mismatch (else)', 'if x:\n    a()\n  else:\n    b()\n', '3:3 unindent does not match any outer indentation level'],
    ['unindent mismatch (statement)', 'def f():\n    a = 1\n  b = 2\n', '3:3 unindent does not match any outer indentation level'],
    ['unindent mismatch (method)', 'class A:\n    def f(self):\n        pass\n   def g(self):\n        pass\n', '4:4 unindent does not match any outer indentation level'],
    ['unexpected indent', 'x = 1\n    y = 2\n', '2:5 unexpected indent'],
    ['expected indented block', 'def f():\nreturn 1\n', '2:1 expected an indented block after function definition on line 1'],
    ['expected indented block (if)', 'if x:\n# c\ny = 1\n', "3:1 expected an indented block after 'if' statement on line 1"],
    ['expected indented block at EOF', 'class A:\n', '1:9 expected an indented block after class definition on line 1'],
    ['tab error', 'if x:\n        a = 1\n\tb = 2\n', '3:2 inconsistent use of tabs and spaces in indentation'],
    ['misspelled except', 'try:\n    import a\nexcpt ImportError:\n    pass\n', "3:1 expected 'except' or 'finally' block"],
    ['try without handler', 'try:\n    import a\n\nx = 1\n', "4:1 expected 'except' or 'finally' block"],
    ['except missing colon', 'try:\n    import a\nexcept ImportError\n    a = None\n', "3:1 expected 'except' or 'finally' block"],
    ['def missing colon', 'def f()\n    pass\n', "1:8 expected ':'"],
    ['for missing colon', 'for x in y\n    pass\n', "1:11 expected ':'"],
    ['unterminated string', 's = "abc\nx = 1\n', '1:5 unterminated string literal (detected at line 1)'],
    ['unterminated triple', 'x = 1\ns = """abc\nx = 1\n', '2:5 unterminated triple-quoted string literal (detected at line 3)'],
    ['never closed', 'x = (1,\ny = 2\n', "1:5 '(' was never closed"],
    ['mismatched bracket', 'x = [1,\n 2)\n', "2:3 closing parenthesis ')' does not match opening parenthesis '[' on line 1"],
    ['unmatched bracket', 'x = 1)\n', "1:6 unmatched ')'"],
    ['python 2 print', 'import os\nprint "hi"\n', "2:1 Missing parentheses in call to 'print'. Did you mean print(...)?"],
    ['print chevron is valid python 3', 'print >> f, "x"\n', undefined],
    ['return outside function', 'return 1\n', "1:1 'return' outside function"],
    ['yield outside function', 'x = yield\n', "1:5 'yield' outside function"],
    ['break outside loop', 'for x in y:\n    def f():\n        break\n', "3:9 'break' outside loop"],
    ['continue in a loop else', 'while x:\n    continue\nelse:\n    continue\n', "4:5 'continue' not properly in loop"],
    ['await outside async function', 'async def f():\n    await g()\ndef h():\n    await g()\n', "4:5 'await' outside async function"],
    ['await at module level', 'await g()\n', "1:1 'await' outside function"],
    ['await in a generator expression of a plain function', 'def f(n):\n    return (i for i in n if await w(i))\n', undefined],
    ['dotted name in from-import', 'from a import b.c\n', '1:15 invalid syntax'],
    ['invalid character', 'x = $\n', '1:5 invalid syntax'],
    ['incomplete expression', 'a = 1\nx = 1 +\n', '2:1 invalid syntax'],
    ['bad token', 'x = = 1\n', '1:5 invalid syntax'],
    ['bare except clause', 'except ValueError:\n    pass\n', '1:1 invalid syntax'],
    ['raw f-string with escaped brace', "p = rf'({a})(\\{{)'\n", undefined],
    ['PEP 701 nested quotes', 'x = f"{d["k"]:>{w}} {{lit}}"\n', undefined],
    ['format spec with a quote', 'x = f"{v:\'>10}"\n', undefined],
    ['brackets dedented below the block', 'def f():\n    x = [\n1, 2]\n    return x\n', undefined],
    ['tree-sitter mis-parse inside dedented brackets', 'def f():\n    (bar.\nbaz)\n    return 1\n', undefined],
    ['backslash continuation', 'x = 1 + \\\n  2\nif x:\n    pass\n', undefined],
    ['line ending with a colon inside brackets', 'd = {1:\n  2}\nx = y[1:\n]\n', undefined],
  ];
  for (const [name, src, expected] of table) {
    it(name, () => assert.equal(first(src), expected));
  }

  it('reports at most five, one per line, sorted', () => {
    const src = Array.from({ length: 8 }, (_, i) => `x${i} = = 1`).join('\n');
    const errors = parsePython(src).syntaxErrors;
    assert.deepEqual(errors.map((e) => e.range.start.line), [0, 1, 2, 3, 4]);
  });

  it('never throws on garbage, binary or deeply nested input', () => {
    const inputs = [
      '\u0000\u0001\uffff\ud800 garbage ))) ((( """',
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1'),
      '('.repeat(20000) + ')'.repeat(20000),
      'f"{' .repeat(500),
      'if x:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + `if x${i}:`).join('\n'),
    ];
    for (const src of inputs) {
      const info = parsePython(src);
      assert.equal(typeof info.lineCount, 'number');
    }
    // The 100,000-line version of this is in test/heavy/ (npm run fuzz).
    const long = parsePython('x = 1\n'.repeat(10000));
    assert.deepEqual([long.topLevelNames, long.lineCount, long.syntaxErrors], [['x'], 10001, []]);
    assert.deepEqual(first('(' .repeat(20000) + ')'.repeat(20000)), undefined);
  });
});

describe('python/parser top-level names', () => {
  const table: [string, string, string[]][] = [
    ['def and class', 'def f(): pass\nasync def g(): pass\nclass C: pass\n@dec\ndef h(): pass', ['f', 'g', 'C', 'h']],
    ['assignments', 'a = 1\nb, (c, *d) = x\n[e, f] = y\ng: int = 2\nh: int\ni += 1\nj = k = 3', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'i', 'j', 'k']],
    ['attribute and subscript targets bind nothing', 'a.b = 1\nc[0] = 2', []],
    ['imports bind', 'import a.b.c\nimport d as e\nfrom m import x, y as z\nfrom . import w', ['a', 'e', 'x', 'z', 'w']],
    ['blocks at module level', 'if c:\n    a = 1\nelse:\n    b = 2\ntry:\n    import t\nexcept ImportError:\n    t = None\nfor i in r:\n    pass\nwith o() as (p, q), s as u:\n    pass\nwhile w:\n    v = 1', ['a', 'b', 't', 'i', 'p', 'q', 'u', 'v']],
    ['walrus and type alias', '(w := 3)\ntype T = int', ['w', 'T']],
    ['not inside def or class', 'def f():\n    a = 1\n    global g\nclass C:\n    b = 2\n    def m(self): pass\nx = [y for y in z]', ['f', 'C', 'x']],
  ];
  for (const [name, src, expected] of table) {
    it(name, () => assert.deepEqual(parsePython(src).topLevelNames, expected));
  }

  it('flags star imports and module __getattr__', () => {
    const a = parsePython('from m import *\ndef __getattr__(name): pass');
    assert.deepEqual([a.hasStarImport, a.hasModuleGetattr], [true, true]);
    const b = parsePython('def f():\n    from m import *\nclass C:\n    def __getattr__(self, n): pass');
    assert.deepEqual([b.hasStarImport, b.hasModuleGetattr], [false, false]);
  });
});

describe('python/parser calls', () => {
  it('keeps interesting calls with scope, main guard and literal arguments', () => {
    const src = [
      'import torch',
      'from flask import Flask',
      'app = Flask(__name__)',
      'model = AutoModel.from_pretrained("bert-base", revision=None, trust_remote_code=True)',
      'w = torch.load("w.pt", map_location="cpu")',
      'print("ignored")',
      'def handler():',
      '    port = int(os.environ.get("PORT", 8080))',
      'if __name__ == "__main__":',
      '    app.run(host="0.0.0.0", port=-1, debug=1.5, *a, **kw)',
      'create_app().run()',
    ].join('\n');
    const calls = parsePython(src).calls.map((c) => ({
      callee: c.callee,
      scope: c.scope,
      main: c.mainGuard ?? false,
      args: c.args.map((a) => `${a.name ?? ''}=${a.value ?? '?'}`),
    }));
    assert.deepEqual(calls, [
      { callee: 'Flask', scope: 'module', main: false, args: ['=?'] },
      { callee: 'AutoModel.from_pretrained', scope: 'module', main: false, args: ['=bert-base', 'revision=None', 'trust_remote_code=True'] },
      { callee: 'torch.load', scope: 'module', main: false, args: ['=w.pt', 'map_location=cpu'] },
      { callee: 'os.environ.get', scope: 'function', main: false, args: ['=PORT', '=8080'] },
      { callee: 'app.run', scope: 'module', main: true, args: ['host=0.0.0.0', 'port=-1', 'debug=1.5', '=?', '=?'] },
      { callee: 'create_app().run', scope: 'module', main: false, args: [] },
      { callee: 'create_app', scope: 'module', main: false, args: [] },
    ]);
  });

  it('gives call, argument and value ranges', () => {
    const [c] = parsePython('x = 1\napp.run(port = 80)').calls;
    assert.deepEqual(c.range, range(1, 0, 1, 18));
    assert.deepEqual(c.args, [{ name: 'port', value: '80', range: range(1, 8, 1, 17), valueRange: range(1, 15, 1, 17), text: '80' }]);
  });

  it('records the first yield of each function\'s own body (not of a def nested in it)', () => {
    const info = parsePython('async def lifespan(app):\n    def helper():\n        yield 1\n    load()\n    try:\n        yield\n    finally:\n        yield_back = 2\n        yield\ndef plain():\n    return 1\n');
    assert.deepEqual(info.functions.map((f) => [f.name, f.firstYield]), [['lifespan', { line: 5, character: 8 }], ['lifespan.<locals>.helper', { line: 2, character: 8 }], ['plain', undefined]]);
  });

  it('records functions, the calls each makes, the enclosing function of calls and simple assignments', () => {
    const info = parsePython([
      'import os, uvicorn',
      'HOST = os.getenv("HOST", "127.0.0.1")',
      'class Server:',
      '    def start(self):',
      '        uvicorn.run("app:app", host=HOST, port=int(os.environ.get("PORT", "8000")))',
      'def main():',
      '    def inner():',
      '        pass',
      '    cfg.bind = ["0.0.0.0:80"]',
      '    Server().start()',
      'if __name__ == "__main__":',
      '    main()',
    ].join('\n'));
    assert.deepEqual(info.functions.map((f) => [f.name, f.range.start.line]), [['Server.start', 3], ['main', 5], ['main.<locals>.inner', 6]]);
    assert.deepEqual(info.callGraph.filter((e) => !e.callee.startsWith('os.')), [
      { callee: 'uvicorn.run', fn: 'Server.start', at: { line: 4, character: 8 } }, { callee: 'int', fn: 'Server.start', at: { line: 4, character: 47 } },
      { callee: 'Server().start', fn: 'main', at: { line: 9, character: 4 } }, { callee: 'Server', fn: 'main', at: { line: 9, character: 4 } },
      { callee: 'main', mainGuard: true, at: { line: 11, character: 4 } },
    ]);
    const run = info.calls.find((c) => c.callee === 'uvicorn.run')!;
    assert.equal(run.fn, 'Server.start');
    assert.deepEqual(run.args.map((a) => [a.name, a.text]), [[undefined, '"app:app"'], ['host', 'HOST'], ['port', 'int(os.environ.get("PORT", "8000"))']]);
    assert.deepEqual(info.assignments.map((a) => [a.target, a.fn, a.text]), [['HOST', undefined, 'os.getenv("HOST", "127.0.0.1")'], ['cfg.bind', 'main', '["0.0.0.0:80"]']]);
  });
});

describe('python/parser strings', () => {
  const strings = (src: string): [string, string | undefined, boolean][] =>
    parsePython(src).strings.map((s) => [s.value, s.assignedTo, s.isFString]);

  const table: [string, string, [string, string | undefined, boolean][]][] = [
    ['assignment', 'API_KEY = "sk-123"', [['sk-123', 'API_KEY', false]]],
    ['annotated', 'TOKEN: str = \'t\'', [['t', 'TOKEN', false]]],
    ['attribute target', 'self.key = "k"', [['k', 'self.key', false]]],
    ['subscript target', 'os.environ["SECRET"] = "v"', [['SECRET', undefined, false], ['v', 'SECRET', false]]],
    ['keyword argument', 'connect(password="pw", host=h)', [['pw', 'password', false]]],
    ['dict entry', 'd = {"API_KEY": "v", k: "w"}', [['API_KEY', undefined, false], ['v', 'API_KEY', false], ['w', 'k', false]]],
    ['default argument', 'def f(a="x", *, b: str = "y"): pass', [['x', 'a', false], ['y', 'b', false]]],
    ['concatenation keeps target', 'K = ("a"\n     "b")', [['a', 'K', false], ['b', 'K', false]]],
    ['not directly assigned', 'x = f("v")\ny = ["w"]', [['v', undefined, false], ['w', undefined, false]]],
    ['escapes', 's = "a\\tb\\x41\\u00e9\\101\\N{DASH}\\q\\\\"', [['a\tbAéA\\N{DASH}\\q\\', 's', false]]],
    ['raw and bytes', 'r = r"a\\n"\nb = b"\\x00\\u1234"', [['a\\n', 'r', false], ['\u0000\\u1234', 'b', false]]],
    ['f-string', 'u = f"https://{host}:{port}/x{{y}}"', [['https://\u0000:\u0000/x{y}', 'u', true]]],
    ['string inside an f-string', 'u = f"{d["k"]}!"', [['\u0000!', 'u', true], ['k', undefined, false]]],
    ['triple quoted', 'q = """line1\nline2"""', [['line1\nline2', 'q', false]]],
    // tree-sitter's string_end lands inside `r'\\'`: the content is read from the text.
    ['raw string of backslashes', 'sep = r"\\\\"\nq = rb"\\\\\\\\"', [['\\\\', 'sep', false], ['\\\\\\\\', 'q', false]]],
  ];
  for (const [name, src, expected] of table) {
    it(name, () => assert.deepEqual(strings(src), expected));
  }

  it('skips docstrings of modules, classes and functions but not other bare strings', () => {
    const src = '"""mod"""\nclass C:\n    """cls"""\ndef f():\n    # c\n    """fn"""\n    "kept"\n';
    assert.deepEqual(parsePython(src).strings.map((s) => s.value), ['kept']);
  });

  it('gives UTF-16 ranges for the literal and its content', () => {
    const [s] = parsePython('k = "é😀"; t = rb"x"').strings;
    assert.deepEqual([fmt(s.range), fmt(s.contentRange)], ['0:4-0:9', '0:5-0:8']);
    const t = parsePython('k = "é😀"; t = rb"x"').strings[1];
    assert.deepEqual([fmt(t.range), fmt(t.contentRange), t.value], ['0:15-0:20', '0:18-0:19', 'x']);
  });

  it('skips unterminated strings', () => {
    assert.deepEqual(parsePython('x = "abc\ny = 1\n').strings, []);
  });
});

describe('python/decodeEscapes', () => {
  it('handles line continuations and invalid escapes', () => {
    assert.equal(decodeEscapes('a\\\nb\\\r\nc'), 'abc');
    assert.equal(decodeEscapes('\\xZZ\\U0011ffff'), '\\xZZ\\U0011ffff');
  });
});

describe('python/stdlib', () => {
  const table: [string, boolean][] = [
    ['os', true], ['json', true], ['__future__', true], ['distutils', true], ['imp', true], ['asyncore', true],
    ['cgi', true], ['telnetlib', true], ['lib2to3', true], ['typing_extensions', false], ['yaml', false],
    ['requests', false], ['flask', false],
  ];
  for (const [name, expected] of table) it(`${name} -> ${expected}`, () => assert.equal(isStdlib(name), expected));
});
