// The syntax feature table: each row finds its feature (positive) and not the nearest older form (near miss); version guards.
import { strict as assert } from 'assert';
import { compareVersions, SYNTAX_FEATURES } from '../../../server/src/core/python/features';
import { initPython, parsePython } from '../../../server/src/core/python/parser';

before(() => initPython());

const ids = (src: string) => parsePython(src).features.uses.map((u) => u.id);

/** [feature id, a use, the nearest form that is not one]. */
const CASES: [string, string, string][] = [
  ['async-def', 'async def f():\n    await g()\n', 'def f():\n    return g()\n'],
  ['matmul-operator', 'c = a @ b\n', 'c = a * b\n'],
  ['unpacking-in-displays', 'x = [*a, *b]\n', 'f(*a)\n'],
  ['dict-unpacking-in-displays', 'x = {**a, "k": 1}\n', 'f(**a)\n'],
  ['f-string', 'x = f"{a}"\n', 'x = "{a}".format(a=a)\n'],
  ['numeric-underscores', 'x = 1_000_000\n', 'x = 1000000\n'],
  ['numeric-underscores-float', 'x = 1_000.5\n', 'x = 1000.5\n'],
  ['variable-annotation', 'x: int = 1\n', 'def f(x: int) -> int:\n    return x\n'],
  ['future-annotations', 'from __future__ import annotations\n', 'from __future__ import division\n'],
  ['walrus', 'if (n := len(a)) > 10:\n    pass\n', 'if (n == len(a)) > 10:\n    pass\n'],
  ['positional-only-parameters', 'def f(a, /, b):\n    pass\n', 'def f(a, *, b):\n    pass\n'],
  ['f-string-self-documenting', 'print(f"{x=}")\n', 'print(f"{x == y}")\n'],
  ['relaxed-decorators', '@buttons[0].clicked.connect\ndef f():\n    pass\n', '@app.route("/")\ndef f():\n    pass\n'],
  ['parenthesized-context-managers', 'with (open(a) as f, open(b) as g):\n    pass\n', 'with open(a) as f, open(b) as g:\n    pass\n'],
  ['builtin-generic-annotation', 'def f(xs: list[int]) -> None:\n    pass\n', 'def f(xs: List[int]) -> None:\n    pass\n'],
  ['union-annotation', 'def f(x: str | None = None):\n    pass\n', 'def f(x: Optional[str] = None):\n    pass\n'],
  ['union-expression', 'MaybeStr = str | None\n', 'flags = READ | WRITE\n'],
  ['library-union-annotation', 'from __future__ import annotations\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    name: str | None = None\n', 'from __future__ import annotations\nfrom dataclasses import dataclass\n@dataclass\nclass M:\n    name: str | None = None\n'],
  ['library-builtin-generic-annotation', 'from __future__ import annotations\nfrom fastapi import FastAPI\n@app.post("/")\ndef add(xs: list[int]): pass\n', 'from __future__ import annotations\nfrom flask import Flask\n@app.post("/")\ndef add(xs: list[int]): pass\n'],
  ['match-statement', 'match x:\n    case 1:\n        pass\n', 'match = re.match(p, s)\nmatch.group(1)\n'],
  ['except-star', 'try:\n    pass\nexcept* ValueError:\n    pass\n', 'try:\n    pass\nexcept ValueError:\n    pass\n'],
  ['type-alias-statement', 'type Vector[T] = list[T]\n', 'type(self).cache = {}\n'],
  ['type-parameters', 'def first[T](xs: list[T]) -> T:\n    return xs[0]\n', 'def first(xs: list) -> object:\n    return xs[0]\n'],
  ['f-string-pep701', 'x = f"{d["key"]}"\n', 'x = f"{d[\'key\']}"\n'],
];

describe('python/features: the feature table', () => {
  it('has one test case per row', () => {
    assert.deepEqual(CASES.map((c) => c[0]).sort(), SYNTAX_FEATURES.map((f) => f.id).sort());
  });
  for (const [id, positive, nearMiss] of CASES) {
    it(`${id}: found`, () => assert.ok(ids(positive).includes(id), `${JSON.stringify(positive)}: ${ids(positive)}`));
    it(`${id}: not in its near miss`, () => assert.ok(!ids(nearMiss).includes(id), `${JSON.stringify(nearMiss)}: ${ids(nearMiss)}`));
  }

  const pep701: [string, boolean][] = [
    ['f"{x!r:>{width}}"', false],
    ['f"{\'\\n\'.join(xs)}"', true],
    ['f"{x # note\n}"', true],
    ['f"""{d["key"]}"""', false],
    ['f\'{a["b"]}\'', false],
    ['f"{f"{x}"}"', true],
    ['f"{x:{"<" if left else ">"}10}"', true],
    ['f"{x:{\'<\' if left else \'>\'}10}"', false],
  ];
  for (const [src, expected] of pep701) {
    it(`PEP 701: ${JSON.stringify(src)} ${expected ? 'needs' : 'does not need'} 3.12`, () => {
      assert.equal(ids(`x = ${src}\n`).includes('f-string-pep701'), expected);
    });
  }

  /** Annotations Python evaluates at import (PEP 526, 563, 3107) and those it does not: [source, the ids found]. */
  const annotations: [string, string[]][] = [
    ['x: int | None = None\n', ['variable-annotation', 'union-annotation']],
    ['class A:\n    a: list[int] | None = None\n', ['variable-annotation', 'builtin-generic-annotation', 'union-annotation']],
    ['class M(BaseModel):\n    name: str | None\n', ['variable-annotation', 'union-annotation']],
    ['@app.get("/")\nasync def read(q: str | None = None) -> dict[str, int]:\n    return {}\n', ['async-def', 'union-annotation', 'builtin-generic-annotation']],
    ['class A:\n    def m(self, x: int | str): pass\n', ['union-annotation']],
    // A local variable annotation is never evaluated; a nested def's annotations only when the outer one runs.
    ['def f():\n    y: int | None = None\n    def g(x: list[int] | None): pass\n', ['variable-annotation']],
    ['g = lambda: 0\ndef f():\n    class B:\n        b: int | None = None\n', ['variable-annotation']],
    // PEP 563: every annotation of the module stays a string; an alias outside annotations is still evaluated.
    ['from __future__ import annotations\ndef f(x: str | None) -> list[int]: pass\nx: int | None = None\n', ['future-annotations', 'variable-annotation']],
    ['from __future__ import annotations\nMaybeStr = str | None\n', ['future-annotations', 'union-expression']],
    // pydantic evaluates the strings of model fields (through a model base of the same file too) and of FastAPI route signatures.
    ['from __future__ import annotations\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    a: int\nclass B(A):\n    b: list[str] | None = None\n    def m(self) -> int | None: pass\n', ['future-annotations', 'variable-annotation', 'variable-annotation', 'library-union-annotation', 'library-builtin-generic-annotation']],
    ['from __future__ import annotations\nfrom fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/")\nasync def r(q: str | None = None) -> dict[str, int]: pass\ndef plain(q: str | None = None): pass\n', ['future-annotations', 'async-def', 'library-union-annotation', 'library-builtin-generic-annotation']],
    ['from __future__ import annotations\nclass M(BaseModel):\n    name: str | None\n', ['future-annotations', 'variable-annotation']],
    ['x: "int | None" = None\ndef f(x: "list[int]"): pass\n', ['variable-annotation']],
    ['x: Literal[1 | 2] = 1\n', ['variable-annotation']],
    ['from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    def f(x: int | None): pass\n', []],
    ['import sys\nif sys.version_info >= (3, 10):\n    Alias = int | None\n    def f(x: int | None): pass\n', []],
    ['def f():\n    return isinstance(x, int | None)\n', []],
    ['mask = a | b\nmode = flags | None\n', []],
  ];
  for (const [src, expected] of annotations) {
    it(`annotations: ${JSON.stringify(src)} -> ${expected.join(', ') || 'nothing'}`, () => assert.deepEqual(ids(src), expected));
  }

  it('reports each use in source order with its range', () => {
    const f = parsePython('a = 1\nif (b := 2):\n    match b:\n        case 2:\n            pass\n').features;
    assert.deepEqual(f.uses.map((u) => [u.id, u.min, u.range.start.line, u.range.start.character]), [
      ['walrus', '3.8', 1, 4],
      ['match-statement', '3.10', 2, 4],
    ]);
  });

  it('records sys.version_info checks (every branch) and not other ifs', () => {
    const f = parsePython('import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\nif DEBUG:\n    pass\n').features;
    assert.deepEqual(f.versionGuards.map((r) => [r.start.line, r.end.line]), [[1, 4]]);
  });

  it('compares versions numerically', () => {
    assert.ok(compareVersions('3.9', '3.10') < 0);
    assert.ok(compareVersions('3.12', '3.8') > 0);
    assert.equal(compareVersions('3.11', '3.11'), 0);
  });
});

describe('python/stdlib-versions (measured)', () => {
  it('has the additions and removals the rule relies on', () => {
    const { STDLIB_ADDED, STDLIB_REMOVED, STDLIB_MEASURED } = require('../../../server/src/core/python/stdlib-versions') as typeof import('../../../server/src/core/python/stdlib-versions');
    assert.deepEqual([STDLIB_ADDED.tomllib, STDLIB_ADDED.zoneinfo, STDLIB_ADDED.graphlib, STDLIB_ADDED.dataclasses, STDLIB_ADDED['importlib.metadata']], ['3.11', '3.9', '3.9', '3.7', '3.8']);
    assert.deepEqual(['distutils', 'imp', 'asyncore', 'asynchat', 'smtpd'].map((m) => STDLIB_REMOVED[m]), ['3.12', '3.12', '3.12', '3.12', '3.12']);
    assert.deepEqual(['cgi', 'cgitb', 'crypt', 'telnetlib', 'nntplib', 'pipes', 'audioop', 'imghdr', 'msilib', 'uu'].map((m) => STDLIB_REMOVED[m]), Array(10).fill('3.13'));
    assert.equal(STDLIB_ADDED.json, undefined);
    assert.deepEqual(STDLIB_MEASURED, { oldest: '3.6', newest: '3.13' });
  });
});

describe('python/features: type parameter defaults (PEP 696), which the grammar does not parse', () => {
  const parsed = (src: string) => {
    const info = parsePython(src);
    return { ids: info.features.uses.map((u) => u.id), errors: info.syntaxErrors.length, names: info.topLevelNames };
  };
  const USES: [string, string][] = [
    ['a function', 'def first[T = int](xs: list[T]) -> T:\n    return xs[0]\n'],
    ['an async function, a bound and a nested default', 'async def load[K: str = str, V = dict[str, list[int]]](k: K) -> V:\n    ...\n'],
    ['a class', 'class Box[T = str]:\n    item: T\n'],
    ['a type alias over two lines', 'type Pair[K = str,\n          V = int] = tuple[K, V]\n'],
    ['a TypeVarTuple default', 'class Array[*Ts = *tuple[int]]:\n    pass\n'],
  ];
  for (const [what, src] of USES) {
    it(`${what}: parses, and needs 3.13`, () => {
      const r = parsed(src);
      assert.equal(r.errors, 0);
      assert.ok(r.ids.includes('type-parameter-defaults'), r.ids.join(','));
    });
  }
  const NOT: [string, string][] = [
    ['a default on a parameter, not a type parameter', 'def first[T](xs: list[T], n=1) -> T:\n    return xs[n]\n'],
    ['a comparison in a subscript', 'ok = rows[count == 1]\n'],
    ['a header-like line in a string (the file parses)', 'DOC = """\ndef first[T = int]()\n"""\n'],
  ];
  for (const [what, src] of NOT) {
    it(`near miss: ${what}`, () => assert.ok(!parsed(src).ids.includes('type-parameter-defaults')));
  }
  it('a default that really is a syntax error elsewhere is still one', () => {
    assert.equal(parsed('def first[T = int](xs:\n    return xs[0]\n').errors > 0, true);
  });
});
