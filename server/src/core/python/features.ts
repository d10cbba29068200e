// Syntax that needs a minimum Python version, found by walking the tree-sitter tree with a cursor; one table row per feature.
import type { Node as TSNode, Tree } from 'web-tree-sitter';
import type { Range } from '../types';
import type { LineIndex } from './lexical';

/** One row of the feature table. */
export interface SyntaxFeature {
  /** Stable id (`match-statement`). */
  id: string;
  /** The first Python 3.x whose parser accepts it. */
  min: string;
  /** The tree-sitter node type the detector looks at. */
  node: string;
  /** What the message calls it. */
  description: string;
  /** True when this node is a use (absent: every node of that type is). */
  test?(n: TSNode): boolean;
  /**
   * A necessary condition on the node's source text, checked before `test` (which asks
   * tree-sitter for children): false means the node is no use.
   */
  mayBe?(src: string): boolean;
}

/** A use of a feature in a file. */
export interface FeatureUse {
  id: string;
  min: string;
  description: string;
  range: Range;
}

/** What a file needs of the interpreter's syntax, and where its code asks which Python runs it. */
export interface PyFeatures {
  /** In source order. */
  uses: FeatureUse[];
  /** `if` statements whose condition reads `sys.version_info` (or `sys.version`, `sys.hexversion`): all their branches. */
  versionGuards: Range[];
}

const kids = (n: TSNode): TSNode[] => n.children.filter((c): c is TSNode => c !== null);
const hasToken = (n: TSNode, type: string): boolean => kids(n).some((c) => c.type === type);

/** The prefix letters of a string literal (`f`, `rb`, ...), lower-cased. */
function prefixOf(s: TSNode): string {
  const start = s.firstChild;
  return start?.type === 'string_start' ? start.text.replace(/['"]+$/, '').toLowerCase() : '';
}

/** The quote of a string literal: `"`, `'`, `"""` or `'''`. */
function quoteOf(s: TSNode): string {
  return s.firstChild?.text.replace(/^[a-zA-Z]*/, '') ?? '';
}

/** The f-string around an interpolation. */
function fstringOf(interp: TSNode): TSNode | undefined {
  const p = interp.parent;
  return p?.type === 'string' ? p : undefined;
}

/** The expression part of an interpolation (what is before `=`, `!r` and `:spec`). */
function expressionText(interp: TSNode): string {
  const spec = interp.childForFieldName('format_specifier') ?? interp.childForFieldName('type_conversion');
  const end = spec ? spec.startIndex : interp.endIndex - 1;
  return interp.text.slice(1, end - interp.startIndex);
}

/** PEP 701 (3.12): what the f-string tokenizer of earlier versions rejects inside a replacement field. */
function pep701(interp: TSNode): boolean {
  const outer = fstringOf(interp);
  if (!outer) return false;
  if (hasToken(interp, 'comment')) return true;
  const expr = expressionText(interp);
  if (expr.includes('\\')) return true;
  const q = quoteOf(outer);
  if (q.length === 1) {
    if (/[\r\n]/.test(expr)) return true;
    // A string inside the field that uses the outer quote.
    const stack: TSNode[] = [interp];
    while (stack.length) {
      const n = stack.pop()!;
      for (const c of kids(n)) {
        if (c.type === 'string' && quoteOf(c).includes(q)) return true;
        stack.push(c);
      }
    }
  }
  return false;
}

/** A dotted name, optionally called: all a decorator could be before PEP 614. */
function dottedOrCall(n: TSNode): boolean {
  const dotted = (x: TSNode | null): boolean =>
    !!x && (x.type === 'identifier' || (x.type === 'attribute' && dotted(x.childForFieldName('object'))));
  if (n.type === 'call') return dotted(n.childForFieldName('function'));
  return dotted(n);
}

/** A type alias statement whose left side is a name, optionally with type parameters. */
function aliasNamed(n: TSNode): boolean {
  const left = n.childForFieldName('left')?.namedChildren[0];
  if (!left) return false;
  return left.type === 'identifier' || (left.type === 'generic_type' && left.namedChildren[0]?.type === 'identifier');
}

/** Builtin types whose subscripting (`list[int]`) needs Python 3.9 (PEP 585). */
const BUILTIN_GENERICS = new Set(['list', 'dict', 'tuple', 'set', 'frozenset', 'type']);
/** Builtin names that are types: operands of a `|` that can only be a union of types (PEP 604). */
const BUILTIN_TYPES = new Set([...BUILTIN_GENERICS, 'str', 'int', 'float', 'bool', 'bytes', 'bytearray', 'complex', 'object']);

/** Whether the module has `from __future__ import annotations` (PEP 563: annotations stay strings); kept per tree. */
const futureAnnotations = new WeakMap<Tree, boolean>();
function hasFutureAnnotations(n: TSNode): boolean {
  const tree = n.tree;
  let hit = futureAnnotations.get(tree);
  if (hit === undefined) {
    hit = kids(tree.rootNode).some((c) => c.type === 'future_import_statement' && /\bannotations\b/.test(c.text));
    futureAnnotations.set(tree, hit);
  }
  return hit;
}

/**
 * Whether a statement runs when its module is imported: no enclosing def or lambda (a class body
 * runs at import), and no enclosing `if TYPE_CHECKING:` or `sys.version_info` check (the first never
 * runs, the second is the code choosing its own Python).
 */
function runsAtImport(stmt: TSNode): boolean {
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition')?.text ?? '';
      if (/\bTYPE_CHECKING\b/.test(cond) || VERSION_CHECK.test(cond)) return false;
    }
  }
  return true;
}

/**
 * An annotation Python evaluates when the module is imported: a module-level or class-level
 * variable annotation, or a parameter or return annotation of a def that runs at import
 * (PEP 526: local variable annotations are never evaluated; PEP 3107: a def evaluates its
 * annotations when it runs), in a module without `from __future__ import annotations` (PEP 563).
 */
function evaluatedAnnotation(t: TSNode): boolean {
  const stmt = annotatedBy(t);
  if (!stmt || stmt.type === 'lambda') return false;
  return !hasFutureAnnotations(t) && runsAtImport(stmt);
}

/** What an annotation annotates: the `x: T = ...` assignment, or the def (or lambda) whose parameter or return it types. */
function annotatedBy(t: TSNode): TSNode | null {
  const p = t.parent;
  if (!p) return null;
  if (p.type === 'assignment') return p;
  if (p.type === 'function_definition' && p.childForFieldName('return_type')?.id === t.id) return p;
  if ((p.type === 'typed_parameter' || p.type === 'typed_default_parameter') && p.parent?.type === 'parameters') return p.parent.parent;
  return null;
}

/** The nodes of an annotation (strings are not looked into: `"int | None"` is never evaluated by Python). */
function annotationNodes(t: TSNode): TSNode[] {
  const out: TSNode[] = [];
  const stack = [t];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    if (n.type !== 'string') stack.push(...kids(n));
  }
  return out;
}

const isUnion = (n: TSNode): boolean => n.type === 'union_type' || (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '|');
const isBuiltinGeneric = (n: TSNode): boolean =>
  (n.type === 'generic_type' || n.type === 'subscript') && BUILTIN_GENERICS.has((n.childForFieldName('value') ?? n.namedChildren[0])?.text ?? '');
/** Two operands that are only numbers or strings: `1 | 2` in `Literal[...]` is an int. */
const literalOperands = (n: TSNode): boolean => n.namedChildren.every((c) => !!c && ['integer', 'string', 'concatenated_string'].includes(c.type));

/** An outermost annotation evaluated at import that uses `X | Y` between types. */
function unionAnnotation(t: TSNode): boolean {
  if (t.parent?.type === 'type' || !evaluatedAnnotation(t)) return false;
  return annotationNodes(t).some((n) => isUnion(n) && !literalOperands(n));
}

/** An outermost annotation evaluated at import that subscripts a builtin type (`list[int]`). */
function builtinGenericAnnotation(t: TSNode): boolean {
  if (t.parent?.type === 'type' || !evaluatedAnnotation(t)) return false;
  return annotationNodes(t).some(isBuiltinGeneric);
}

/** Base classes whose fields pydantic evaluates when the class is created (`typing.get_type_hints`). */
const MODEL_BASES = /^(?:[\w.]+\.)?(?:BaseModel|BaseSettings|SQLModel|RootModel)(?:\[.*\])?$/s;
/** FastAPI route decorators: `@app.get(...)`, `@router.post(...)`, `@api.api_route(...)`, `@app.websocket(...)`. */
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace', 'api_route', 'websocket']);
/** Per tree: the module imports pydantic, FastAPI or SQLModel, and the names of its classes that are pydantic models (directly or through a model of the same file). */
const modelInfo = new WeakMap<Tree, { imports: boolean; models: Set<string> }>();
function modelsOf(n: TSNode): { imports: boolean; models: Set<string> } {
  const tree = n.tree;
  let info = modelInfo.get(tree);
  if (info) return info;
  const top = kids(tree.rootNode);
  const imports = top.some((c) => (c.type === 'import_statement' || c.type === 'import_from_statement') && /^\s*(?:from|import)\s+(?:pydantic|pydantic_settings|fastapi|sqlmodel)\b/.test(c.text));
  const classes = top.map((c) => (c.type === 'decorated_definition' ? c.childForFieldName('definition') : c)).filter((c): c is TSNode => c?.type === 'class_definition');
  const models = new Set<string>();
  for (let grew = imports; grew; ) {
    grew = false;
    for (const c of classes) {
      const name = c.childForFieldName('name')?.text;
      if (!name || models.has(name)) continue;
      const bases = (c.childForFieldName('superclasses')?.namedChildren ?? []).filter((b): b is TSNode => !!b && b.type !== 'keyword_argument');
      if (bases.some((b) => MODEL_BASES.test(b.text) || models.has(b.text))) {
        models.add(name);
        grew = true;
      }
    }
  }
  modelInfo.set(tree, (info = { imports, models }));
  return info;
}

/**
 * An annotation that stays a string under `from __future__ import annotations` but that pydantic or
 * FastAPI evaluates when the module is imported: a field of a pydantic model class (the class is built
 * at import), or a parameter or return annotation of a FastAPI route function (the decorator reads its
 * signature). On Python 3.9 `str | None` there raises TypeError unless eval_type_backport is installed
 * (pydantic/pydantic#7873, #8209).
 */
function libraryEvaluatedAnnotation(t: TSNode): boolean {
  if (t.parent?.type === 'type' || !hasFutureAnnotations(t)) return false;
  const at = annotatedBy(t);
  if (!at) return false;
  const info = modelsOf(t);
  if (!info.imports) return false;
  if (at.type === 'assignment') {
    const cls = at.parent?.parent?.parent;
    if (at.parent?.type !== 'expression_statement' || cls?.type !== 'class_definition') return false;
    const name = cls.childForFieldName('name')?.text;
    return !!name && info.models.has(name) && runsAtImport(cls);
  }
  const def = at;
  if (def.type !== 'function_definition' || def.parent?.type !== 'decorated_definition' || !runsAtImport(def)) return false;
  return kids(def.parent).some((d) => {
    if (d.type !== 'decorator') return false;
    const call = d.namedChildren.find((c) => c?.type === 'call');
    const fn = call?.childForFieldName('function');
    return fn?.type === 'attribute' && ROUTE_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  });
}

/** `X | Y` in an annotation pydantic or FastAPI evaluates (future import or not). */
function libraryUnionAnnotation(t: TSNode): boolean {
  return libraryEvaluatedAnnotation(t) && annotationNodes(t).some((n) => isUnion(n) && !literalOperands(n));
}

/** `list[int]` in an annotation pydantic or FastAPI evaluates (future import or not). */
function libraryBuiltinGenericAnnotation(t: TSNode): boolean {
  return libraryEvaluatedAnnotation(t) && annotationNodes(t).some(isBuiltinGeneric);
}

/** An operand that can only be a type: `None`, a builtin type, a subscripted builtin or typing generic, or a union of those. */
function typeOperand(n: TSNode | null): boolean {
  if (!n) return false;
  if (n.type === 'none') return true;
  if (n.type === 'identifier') return BUILTIN_TYPES.has(n.text);
  if (n.type === 'subscript') return isBuiltinGeneric(n);
  if (n.type === 'parenthesized_expression') return typeOperand(n.namedChildren[0]);
  if (n.type === 'binary_operator') return n.childForFieldName('operator')?.type === '|' && typeOperand(n.childForFieldName('left')) && typeOperand(n.childForFieldName('right'));
  return false;
}

/** `X | Y` between types outside annotations, run at import (`Optional = str | None`): evaluated whatever the future imports. */
function unionExpression(n: TSNode): boolean {
  if (n.childForFieldName('operator')?.type !== '|' || n.parent?.type === 'binary_operator') return false;
  if (!typeOperand(n)) return false;
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'type' || p.type === 'string') return false;
    if (p.parent?.type === 'module' || p.parent?.type === 'block') return runsAtImport(p);
  }
  return false;
}

/** The feature table: which syntax needs which Python (after vermin's rules and the "What's New" pages). */
export const SYNTAX_FEATURES: readonly SyntaxFeature[] = [
  { id: 'async-def', min: '3.5', node: 'function_definition', description: '`async def` (PEP 492)', test: (n) => hasToken(n, 'async'), mayBe: (s) => s.startsWith('async') },
  { id: 'matmul-operator', min: '3.5', node: 'binary_operator', description: 'the `@` operator (PEP 465)', test: (n) => n.childForFieldName('operator')?.type === '@', mayBe: (s) => s.includes('@') },
  { id: 'unpacking-in-displays', min: '3.5', node: 'list_splat', description: '`*` unpacking in a list, tuple or set display (PEP 448)', test: (n) => ['list', 'tuple', 'set'].includes(n.parent?.type ?? '') },
  { id: 'dict-unpacking-in-displays', min: '3.5', node: 'dictionary_splat', description: '`**` unpacking in a dict display (PEP 448)', test: (n) => n.parent?.type === 'dictionary' },
  { id: 'f-string', min: '3.6', node: 'string', description: 'f-strings (PEP 498)', test: (n) => prefixOf(n).includes('f'), mayBe: (s) => /^[A-Za-z]*[fF][A-Za-z]*['"]/.test(s) },
  { id: 'numeric-underscores', min: '3.6', node: 'integer', description: 'underscores in numeric literals (PEP 515)', test: (n) => n.text.includes('_') },
  { id: 'numeric-underscores-float', min: '3.6', node: 'float', description: 'underscores in numeric literals (PEP 515)', test: (n) => n.text.includes('_') },
  { id: 'variable-annotation', min: '3.6', node: 'assignment', description: 'variable annotations (PEP 526)', test: (n) => n.childForFieldName('type') !== null, mayBe: (s) => s.includes(':') },
  { id: 'future-annotations', min: '3.7', node: 'future_import_statement', description: '`from __future__ import annotations` (PEP 563)', test: (n) => /\bannotations\b/.test(n.text) },
  { id: 'walrus', min: '3.8', node: 'named_expression', description: 'assignment expressions `:=` (PEP 572)' },
  { id: 'positional-only-parameters', min: '3.8', node: 'positional_separator', description: 'positional-only parameters `/` (PEP 570)' },
  { id: 'f-string-self-documenting', min: '3.8', node: 'interpolation', description: 'the f-string `=` specifier', test: (n) => hasToken(n, '='), mayBe: (s) => s.includes('=') },
  { id: 'relaxed-decorators', min: '3.9', node: 'decorator', description: 'a decorator that is not a dotted name or call (PEP 614)', test: (n) => { const e = n.namedChildren.find((c) => c && c.type !== 'comment'); return !!e && !dottedOrCall(e); } },
  // CPython 3.9's PEG parser already accepts these (documented in 3.10): 3.9 runs them.
  { id: 'parenthesized-context-managers', min: '3.9', node: 'with_clause', description: 'parenthesised context managers', test: (n) => hasToken(n, '(') && (kids(n).filter((c) => c.type === 'with_item').length > 1 || kids(n).some((c) => c.type === 'with_item' && c.childForFieldName('value')?.type === 'as_pattern')) },
  { id: 'builtin-generic-annotation', min: '3.9', node: 'type', description: 'subscripted builtin types such as `list[int]` in annotations evaluated at import (PEP 585)', test: builtinGenericAnnotation, mayBe: (s) => s.includes('[') },
  { id: 'union-annotation', min: '3.10', node: 'type', description: '`X | Y` type unions in annotations evaluated at import (PEP 604)', test: unionAnnotation, mayBe: (s) => s.includes('|') },
  { id: 'library-union-annotation', min: '3.10', node: 'type', description: '`X | Y` type unions in pydantic model fields and FastAPI route signatures, which pydantic evaluates at import even under `from __future__ import annotations` (PEP 604)', test: libraryUnionAnnotation, mayBe: (s) => s.includes('|') },
  { id: 'library-builtin-generic-annotation', min: '3.9', node: 'type', description: 'subscripted builtin types such as `list[int]` in pydantic model fields and FastAPI route signatures, which pydantic evaluates at import even under `from __future__ import annotations` (PEP 585)', test: libraryBuiltinGenericAnnotation, mayBe: (s) => s.includes('[') },
  { id: 'union-expression', min: '3.10', node: 'binary_operator', description: '`X | Y` type unions (PEP 604)', test: unionExpression, mayBe: (s) => s.includes('|') },
  { id: 'match-statement', min: '3.10', node: 'match_statement', description: '`match` statements (PEP 634)' },
  { id: 'except-star', min: '3.11', node: 'except_clause', description: '`except*` (PEP 654)', test: (n) => hasToken(n, '*'), mayBe: (s) => s.includes('*') },
  // tree-sitter also reads `type(obj).attr = value` as one: only `type Name = ...` / `type Name[T] = ...` is.
  { id: 'type-alias-statement', min: '3.12', node: 'type_alias_statement', description: '`type` alias statements (PEP 695)', test: aliasNamed },
  { id: 'type-parameters', min: '3.12', node: 'type_parameter', description: 'type parameter lists `[T]` (PEP 695)', test: (n) => n.parent?.type === 'function_definition' || n.parent?.type === 'class_definition' },
  { id: 'f-string-pep701', min: '3.12', node: 'interpolation', description: 'f-string replacement fields with the enclosing quote, a backslash, a comment or a line break (PEP 701)', test: pep701, mayBe: (s) => /[#\\\r\n'"]/.test(s) },
];

const BY_NODE = new Map<string, SyntaxFeature[]>();
for (const f of SYNTAX_FEATURES) BY_NODE.set(f.node, [...(BY_NODE.get(f.node) ?? []), f]);

const VERSION_CHECK = /\bsys\s*\.\s*(version_info|version|hexversion)\b|\bversion_info\s*[<>=!]|\bPY(THON)?_?3\d*\b/;

/** Node types the feature table (and the version-guard check) looks at: a walker hands only these to `collectFeatures`. */
export const FEATURE_NODE_TYPES: ReadonlySet<string> = new Set([...BY_NODE.keys(), 'if_statement']);

/** Adds what one node contributes (its feature uses, a version guard) to `out`; called in source order by the parser's walk. `text`: the file's source, for the rows' cheap text checks. */
export function collectFeatures(n: TSNode, lines: LineIndex, out: PyFeatures, text?: string, type: string = n.type): void {
  const rows = BY_NODE.get(type);
  if (rows) {
    const src = text !== undefined ? text.slice(n.startIndex, n.endIndex) : undefined;
    for (const f of rows) {
      if (src !== undefined && f.mayBe && !f.mayBe(src)) continue;
      if (!f.test || f.test(n)) out.uses.push({ id: f.id, min: f.min, description: f.description, range: lines.range(n.startIndex, n.endIndex) });
    }
  }
  if (type === 'if_statement') {
    const cond = n.childForFieldName('condition');
    if (cond && VERSION_CHECK.test(cond.text)) out.versionGuards.push(lines.range(n.startIndex, n.endIndex));
  }
}

/** Walks a parsed file once with a tree cursor and returns the features it uses and its version checks. */
export function detectFeatures(tree: Tree, lines: LineIndex): PyFeatures {
  const out: PyFeatures = { uses: [], versionGuards: [] };
  const cursor = tree.walk();
  try {
    for (;;) {
      if (FEATURE_NODE_TYPES.has(cursor.nodeType)) collectFeatures(cursor.currentNode, lines, out);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Compares `3.9` and `3.10` as versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
