// Parses Python source with tree-sitter into what the rules need: imports, syntax errors, top-level names, calls, strings.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import type { Node as TSNode, Parser as TSParser } from 'web-tree-sitter';
import type { Range } from '../types';
import { detectFeatures, type PyFeatures } from './features';
import { LineIndex, scanLexical, type PySyntaxError } from './lexical';

export type { PySyntaxError } from './lexical';

export type PyScope = 'module' | 'function';
export type ImportGuard = 'none' | 'import-error' | 'type-checking';

/** One imported module, as written. */
export interface PyImport {
  /** Dotted module name without leading dots; '' for `from . import x`. */
  module: string;
  /** Number of leading dots; 0 for absolute imports. */
  level: number;
  /** `from m import a, b as c` -> ['a', 'b']; ['*'] for a star import; [] for `import m` and dynamic imports. */
  names: string[];
  kind: 'import' | 'from' | 'dynamic';
  /** The module name as written (for relative imports the dots and the name; for dynamic imports the string's content). */
  range: Range;
  /** Range of each imported name, same order as `names`. */
  nameRanges?: Range[];
  /** The enclosing statement. */
  stmtRange: Range;
  /** 'function' inside a def or lambda body; class bodies count as their enclosing scope. */
  scope: PyScope;
  /** `try` body with an except clause catching ImportError (or broader), or an `if TYPE_CHECKING:` body. */
  guard: ImportGuard;
  /** For `importlib.import_module(".x", "pkg")`: the package the relative name is resolved against. */
  anchor?: string;
  /** Inside the body of `if __name__ == "__main__":` (does not run when the file is imported as a module). */
  mainGuard?: true;
}

export interface PyCallArg {
  /** Keyword name; absent for positional arguments and splats. */
  name?: string;
  /** Literal value of a simple literal: decoded string, number text, True/False/None. */
  value?: string;
  /** The whole argument, including `name=`. */
  range: Range;
  /** The value expression. */
  valueRange: Range;
  /** Source text of the value expression (at most 300 characters; absent when longer). */
  text?: string;
}

/** A call to one of `INTERESTING_CALLS`. */
export interface PyCall {
  /** Source text of the called expression without whitespace, e.g. 'torch.load', 'create_app().run'. */
  callee: string;
  /** The whole call expression. */
  range: Range;
  scope: PyScope;
  args: PyCallArg[];
  /** Inside the body of `if __name__ == "__main__":`. */
  mainGuard?: true;
  /** The enclosing function ({@link PyFunction.name}); absent at module level. */
  fn?: string;
}

/** A function definition: `name` is `f`, `Class.method`, or `outer.<locals>.inner`. */
export interface PyFunction {
  name: string;
  range: Range;
}

/** A call to a plain or dotted name (`main()`, `server.start()`), for following calls between functions. */
export interface PyCallEdge {
  callee: string;
  /** The calling function; absent at module level. */
  fn?: string;
  mainGuard?: true;
}

/** `name = value` or `obj.attr = value` (a single target). */
export interface PyAssignment {
  /** Target text without whitespace (`HOST`, `config.bind`). */
  target: string;
  fn?: string;
  /** Source text of the value (at most 300 characters). */
  text: string;
  range: Range;
  valueRange: Range;
  mainGuard?: true;
}

/** A string literal (docstrings excluded). */
export interface PyString {
  /** Decoded content; for f-strings the constant parts joined with '\u0000' where an interpolation was. */
  value: string;
  /** The literal including prefix and quotes. */
  range: Range;
  /** Inside the quotes. */
  contentRange: Range;
  /**
   * Set when the literal (or the implicit concatenation it belongs to) is directly the value of
   * `X = "..."` (target text, e.g. 'X' or 'self.key'), `f(api_key="...")`, a dict entry
   * `{"API_KEY": "..."}` / `d["API_KEY"] = "..."` (the key), or a parameter default.
   */
  assignedTo?: string;
  /**
   * Set when the literal is an element of a list/tuple/set display that is directly the value of a
   * module-level `NAME = [...]` / `NAME += [...]` (or one operand of a `+` there): NAME, e.g.
   * 'INSTALLED_APPS' (Django settings and Celery configuration name modules this way).
   */
  listedIn?: string;
  isFString: boolean;
}

export interface PyFileInfo {
  imports: PyImport[];
  /** Sorted by position, at most `MAX_SYNTAX_ERRORS`; CPython stops at the first one. */
  syntaxErrors: PySyntaxError[];
  /**
   * Names bound at module level (also under module-level if/try/with/for/while, including
   * `if TYPE_CHECKING:` bodies, so attribute checks err on the quiet side), in source order, unique.
   * Annotations without a value (`x: int`) bind nothing.
   */
  topLevelNames: string[];
  hasStarImport: boolean;
  /** A module-level `def __getattr__` (PEP 562): any attribute may exist. */
  hasModuleGetattr: boolean;
  calls: PyCall[];
  strings: PyString[];
  /** Function and method definitions, in source order. */
  functions: PyFunction[];
  /** Every call of a (dotted) name, in source order, with the function making it. */
  callGraph: PyCallEdge[];
  /** Single-target assignments, in source order. */
  assignments: PyAssignment[];
  /** Number of lines as an editor shows them (a trailing line break starts an empty last line). */
  lineCount: number;
  /** Syntax that needs a minimum Python version, and the file's `sys.version_info` checks (python/features.ts). */
  features: PyFeatures;
}

export const MAX_SYNTAX_ERRORS = 5;

/** Longest a tree-sitter parse of one file may take (about 0.4 s per MB in practice). */
export const PARSE_BUDGET_MS = 10_000;

/** Last dotted segments of calls worth keeping in `PyFileInfo.calls` (model loads, app factories, servers, env reads). */
export const INTERESTING_CALLS: ReadonlySet<string> = new Set([
  // model loading
  'from_pretrained', 'load', 'load_model', 'load_state_dict', 'load_weights', 'load_learner', 'load_dataset',
  'SentenceTransformer', 'CrossEncoder', 'pipeline', 'InferenceSession', 'Booster', 'YOLO', 'Llama',
  'hf_hub_download', 'snapshot_download', 'load_word2vec_format', 'from_file', 'restore', 'Word2Vec',
  'KeyedVectors', 'FastText', 'TFSMLayer', 'AutoModel', 'AutoTokenizer', 'jit_load',
  // apps and servers
  'run', 'create_app', 'Flask', 'FastAPI', 'Quart', 'Sanic', 'Starlette', 'Litestar', 'Celery', 'Bottle',
  'serve', 'run_app', 'run_simple', 'listen', 'start_http_server', 'make_server', 'HTTPServer', 'WSGIServer', 'launch',
  // environment and configuration
  'getenv', 'get', 'environ', 'setdefault', 'config',
  // modules named by strings (Django URLconfs, Celery task modules)
  'include', 'autodiscover_tasks',
  // import path changes at run time (sys.path.insert, site.addsitedir)
  'insert', 'append', 'extend', 'addsitedir',
]);

let parser: TSParser | undefined;
let initializing: Promise<void> | undefined;

/** Paths of the tree-sitter runtime and Python grammar wasm files. */
export interface WasmPaths {
  runtime: string;
  python: string;
}

/**
 * Finds the wasm files: next to the running bundle first (the build copies them beside
 * dist/*.js), then in node_modules (running from sources). Throws a clear Error when absent.
 */
export function findWasmFiles(
  dir: string = __dirname,
  resolve: (id: string) => string = require.resolve,
  exists: (path: string) => boolean = nodeFs.existsSync,
): WasmPaths {
  const find = (name: string, id: string): string => {
    const beside = nodePath.join(dir, name);
    if (exists(beside)) return beside;
    try {
      const resolved = resolve(id);
      if (exists(resolved)) return resolved;
    } catch {
      /* not installed */
    }
    throw new Error(`deploylint: cannot find ${name}: looked in ${dir} and for the package file ${id}`);
  };
  return {
    runtime: find('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'),
    python: find('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'),
  };
}

/** Loads tree-sitter and the Python grammar once; later calls return the same promise. */
export function initPython(): Promise<void> {
  if (parser) return Promise.resolve();
  initializing ??= (async () => {
    const wasm = findWasmFiles();
    const ts = require('web-tree-sitter') as typeof import('web-tree-sitter');
    await ts.Parser.init({ locateFile: () => wasm.runtime });
    const language = await ts.Language.load(wasm.python);
    const p = new ts.Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    initializing = undefined;
    throw e;
  });
  return initializing;
}

/** True once `initPython()` has completed. */
export function isPythonReady(): boolean {
  return parser !== undefined;
}

/** Parses Python source (after `initPython()`). Never throws on any input; throws only when not initialised. */
export function parsePython(text: string): PyFileInfo {
  if (!parser) throw new Error('parsePython() called before initPython() finished');
  const lines = new LineIndex(text);
  let tree: ReturnType<TSParser['parse']> = null;
  try {
    // A time budget for pathological input: a cancelled parse reads as a file with no structure.
    const deadline = Date.now() + PARSE_BUDGET_MS;
    tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
    if (!tree) return emptyInfo(lines, scanLexical(text, lines).errors);
    return { ...new Extractor(text, lines).run(tree.rootNode), features: detectFeatures(tree, lines) };
  } catch {
    parser.reset();
    return emptyInfo(lines, []);
  } finally {
    tree?.delete();
  }
}

function emptyInfo(lines: LineIndex, syntaxErrors: PySyntaxError[]): PyFileInfo {
  return {
    imports: [], syntaxErrors, topLevelNames: [], hasStarImport: false, hasModuleGetattr: false,
    calls: [], strings: [], functions: [], callGraph: [], assignments: [], lineCount: lines.lineCount, features: { uses: [], versionGuards: [] },
  };
}

interface Ctx {
  scope: PyScope;
  guard: ImportGuard;
  main: boolean;
  /** Bindings here are module-level names. */
  top: boolean;
  /** Inside a loop body (of the current function or module). */
  loop?: boolean;
  /** Directly inside an `async def` body. */
  async?: boolean;
  /** Inside a comprehension or generator expression (where `await` may make it asynchronous). */
  comprehension?: boolean;
  stmt?: TSNode;
  /** Enclosing function name (see PyFunction.name). */
  fn?: string;
  /** Enclosing class, for method names. */
  cls?: string;
}

interface CallCandidate {
  node: TSNode;
  callee: string;
  last: string;
  ctx: Ctx;
}

const HEADER_KEYWORDS = new Set(['def', 'class', 'if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally']);
const IMPORT_ERROR_CATCHERS = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException']);
const TREE_ERROR_PRIORITY = { lexical: 0, specific: 1, missing: 2, error: 3 } as const;

interface RankedError extends PySyntaxError {
  offset: number;
  /** End of the tree node the error came from (errors covering a tokenizer error are its echoes). */
  nodeEnd: number;
  priority: number;
}

class Extractor {
  private readonly imports: PyImport[] = [];
  private readonly errors: RankedError[] = [];
  private readonly names = new Set<string>();
  private hasStarImport = false;
  private hasModuleGetattr = false;
  private readonly candidates: CallCandidate[] = [];
  private readonly strings: PyString[] = [];
  private readonly functions: PyFunction[] = [];
  private readonly assignments: PyAssignment[] = [];
  private readonly importlibAliases = new Set(['importlib']);
  private readonly importModuleAliases = new Set<string>();

  constructor(private readonly text: string, private readonly lines: LineIndex) {}

  run(root: TSNode): Omit<PyFileInfo, 'features'> {
    const stack: { node: TSNode; ctx: Ctx }[] = [
      { node: root, ctx: { scope: 'module', guard: 'none', main: false, top: true } },
    ];
    while (stack.length) {
      const { node, ctx } = stack.pop()!;
      const children = this.visit(node, ctx);
      if (!children) continue;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    const lexical = scanLexical(this.text, this.lines);
    this.dropUnreliableTreeErrors(lexical.dedentedBrackets);
    for (const e of lexical.errors) {
      const offset = this.offsetOf(e.range.start);
      const echoes = lexical.parserLevel ? [] : this.errors.filter((t) => t.offset <= offset && t.nodeEnd >= offset);
      for (const t of echoes) this.errors.splice(this.errors.indexOf(t), 1);
      this.errors.push({ ...e, offset, nodeEnd: offset, priority: TREE_ERROR_PRIORITY.lexical });
    }
    const calls = this.finishCalls();
    this.imports.sort((a, b) => cmpPos(a.stmtRange.start, b.stmtRange.start) || cmpPos(a.range.start, b.range.start));
    return {
      imports: this.imports,
      syntaxErrors: this.finishErrors(),
      topLevelNames: [...this.names],
      hasStarImport: this.hasStarImport,
      hasModuleGetattr: this.hasModuleGetattr,
      calls,
      strings: this.strings,
      functions: this.functions,
      callGraph: this.candidates.map((c) => ({ callee: c.callee, ...(c.ctx.fn ? { fn: c.ctx.fn } : {}), ...(c.ctx.main ? { mainGuard: true as const } : {}) })),
      assignments: this.assignments,
      lineCount: this.lines.lineCount,
    };
  }

  private offsetOf(p: { line: number; character: number }): number {
    return this.lines.starts[p.line] + p.character;
  }

  private range(n: TSNode): Range {
    return this.lines.range(n.startIndex, n.endIndex);
  }

  /** Handles one node; returns the children to visit with their contexts. */
  private visit(node: TSNode, ctx: Ctx): { node: TSNode; ctx: Ctx }[] | undefined {
    if (node.isMissing) {
      this.missing(node);
      return undefined;
    }
    if (node.childCount === 0) {
      if (node.type === 'ERROR') this.error(node, 'invalid syntax', TREE_ERROR_PRIORITY.error);
      return undefined;
    }
    const kids = node.children.filter((c): c is TSNode => c !== null);
    const all = (c: Ctx): { node: TSNode; ctx: Ctx }[] => kids.map((k) => ({ node: k, ctx: c }));
    switch (node.type) {
      case 'ERROR':
        // Nested errors pinpoint better than the recovery region around them.
        if (!kids.some((k) => k.hasError || k.isError)) this.errorNode(node, kids);
        return all(ctx);
      case 'module':
      case 'block':
        return kids.map((k) => ({ node: k, ctx: { ...ctx, stmt: k } }));
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        this.importStatement(node, ctx);
        return kids.filter((k) => k.hasError || k.isMissing).map((k) => ({ node: k, ctx }));
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) {
          this.bind(name.text);
          if (name.text === '__getattr__') this.hasModuleGetattr = true;
        }
        const body = node.childForFieldName('body');
        const isAsync = kids.some((k) => k.type === 'async');
        const fname = name ? (ctx.fn ? `${ctx.fn}.<locals>.${name.text}` : ctx.cls ? `${ctx.cls}.${name.text}` : name.text) : undefined;
        if (fname) this.functions.push({ name: fname, range: this.range(node) });
        const inner: Ctx = { scope: 'function', guard: 'none', main: false, top: false, ...(isAsync ? { async: true } : {}), ...(fname ? { fn: fname } : {}) };
        // Decorators, defaults and annotations run where the def is; only the body is the function's.
        return kids.map((k) => ({ node: k, ctx: body && same(k, body) ? { ...inner, stmt: ctx.stmt } : { ...ctx, top: false } }));
      }
      case 'lambda':
        return all({ scope: 'function', guard: 'none', main: false, top: false, stmt: ctx.stmt, ...(ctx.fn ? { fn: ctx.fn } : {}) });
      case 'class_definition': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) this.bind(name.text);
        const cls = name ? (ctx.cls ? `${ctx.cls}.${name.text}` : name.text) : ctx.cls;
        return all({ ...ctx, top: false, loop: false, ...(cls && !ctx.fn ? { cls } : {}) });
      }
      case 'for_statement':
      case 'while_statement': {
        const left = node.type === 'for_statement' ? node.childForFieldName('left') : null;
        if (left && ctx.top) this.bindTarget(left);
        const body = node.childForFieldName('body');
        return kids.map((k) => ({ node: k, ctx: body && same(k, body) ? { ...ctx, loop: true } : ctx }));
      }
      case 'break_statement':
      case 'continue_statement':
        if (!ctx.loop) {
          const message = node.type === 'break_statement' ? "'break' outside loop" : "'continue' not properly in loop";
          this.error(node, message, TREE_ERROR_PRIORITY.specific);
        }
        return undefined;
      case 'generator_expression':
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
        return all({ ...ctx, comprehension: true });
      case 'await':
        if (!ctx.async && !ctx.comprehension) {
          const message = ctx.scope === 'module' ? "'await' outside function" : "'await' outside async function";
          this.error(node, message, TREE_ERROR_PRIORITY.specific);
        }
        return all(ctx);
      case 'try_statement': {
        const body = node.childForFieldName('body');
        const handlers = kids.filter((k) => k.type === 'except_clause' || k.type === 'except_group_clause');
        if (!handlers.length && !kids.some((k) => k.type === 'finally_clause')) this.tryWithoutHandler(node);
        const catches = handlers.some((h) => catchesImportError(h));
        const bodyCtx: Ctx = catches && ctx.guard === 'none' ? { ...ctx, guard: 'import-error' } : ctx;
        return kids.map((k) => ({ node: k, ctx: body && same(k, body) ? bodyCtx : ctx }));
      }
      case 'if_statement': {
        const cond = node.childForFieldName('condition');
        const cons = node.childForFieldName('consequence');
        let consCtx = ctx;
        if (cond && isTypeChecking(cond)) consCtx = { ...ctx, guard: 'type-checking' };
        else if (cond && isMainCheck(cond)) consCtx = { ...ctx, main: true };
        return kids.map((k) => ({ node: k, ctx: cons && same(k, cons) ? consCtx : ctx }));
      }
      case 'print_statement':
      case 'exec_statement': {
        if (kids.some((k) => k.type === 'chevron')) return all(ctx);
        const word = node.type === 'print_statement' ? 'print' : 'exec';
        this.error(node, `Missing parentheses in call to '${word}'. Did you mean ${word}(...)?`, TREE_ERROR_PRIORITY.specific);
        return all(ctx);
      }
      case 'return_statement':
      case 'yield':
        if (ctx.scope === 'module') {
          const word = node.type === 'yield' ? 'yield' : 'return';
          this.error(node, `'${word}' outside function`, TREE_ERROR_PRIORITY.specific);
        }
        return all(ctx);
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const hasValue = right !== null;
        if (left && ctx.top && hasValue) this.bindTarget(left);
        if (node.type === 'assignment' && left && right && (left.type === 'identifier' || left.type === 'attribute') && right.endIndex - right.startIndex <= 300) {
          this.assignments.push({
            target: left.text.replace(/\s+/g, ''), text: right.text, range: this.range(node), valueRange: this.range(right),
            ...(ctx.fn ? { fn: ctx.fn } : {}), ...(ctx.main ? { mainGuard: true as const } : {}),
          });
        }
        return all(ctx);
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) this.bind(name.text);
        return all(ctx);
      }
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        if (alias && ctx.top && node.parent?.type === 'with_item') this.bindTarget(alias);
        return all(ctx);
      }
      case 'type_alias_statement': {
        const left = node.childForFieldName('left');
        if (left && ctx.top) this.bindTarget(left);
        return all(ctx);
      }
      case 'call':
        this.call(node, ctx);
        return all(ctx);
      case 'string':
        this.string(node);
        return kids.filter((k) => k.type === 'interpolation' || k.hasError || k.isMissing).map((k) => ({ node: k, ctx }));
      default:
        return all(ctx);
    }
  }

  private bind(name: string): void {
    this.names.add(name);
  }

  /** Binds the identifiers of an assignment target (tuples, lists, stars; not attributes or subscripts). */
  private bindTarget(target: TSNode): void {
    const stack = [target];
    while (stack.length) {
      const t = stack.shift()!;
      switch (t.type) {
        case 'identifier':
          this.bind(t.text);
          break;
        case 'pattern_list':
        case 'tuple_pattern':
        case 'list_pattern':
        case 'tuple':
        case 'list':
        case 'expression_list':
        case 'list_splat_pattern':
        case 'list_splat':
        case 'parenthesized_expression':
        case 'as_pattern_target':
        case 'type':
          stack.unshift(...t.namedChildren.filter((c): c is TSNode => c !== null));
          break;
      }
    }
  }

  private importStatement(node: TSNode, ctx: Ctx): void {
    const base = {
      stmtRange: this.range(ctx.stmt ?? node),
      scope: ctx.scope,
      guard: ctx.guard,
      ...(ctx.main ? { mainGuard: true as const } : {}),
    };
    if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        if (!n) continue;
        const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
        if (!dotted || dotted.type !== 'dotted_name') continue;
        const module = dottedText(dotted);
        this.imports.push({ module, level: 0, names: [], kind: 'import', range: this.range(dotted), ...base });
        if (ctx.top) {
          const alias = n.type === 'aliased_import' ? n.childForFieldName('alias') : null;
          this.bind(alias ? alias.text : module.split('.')[0]);
        }
        if (module === 'importlib') this.importlibAliases.add(aliasOf(n) ?? 'importlib');
      }
      return;
    }
    let module = '';
    let level = 0;
    let moduleNode: TSNode | null;
    if (node.type === 'future_import_statement') {
      module = '__future__';
      moduleNode = node.children.find((c) => c?.type === '__future__') ?? null;
    } else {
      moduleNode = node.childForFieldName('module_name');
      if (!moduleNode) return;
      if (moduleNode.type === 'relative_import') {
        const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
        level = prefix ? prefix.text.replace(/\s/g, '').length : 0;
        const dn = moduleNode.namedChildren.find((c) => c?.type === 'dotted_name');
        module = dn ? dottedText(dn) : '';
      } else module = dottedText(moduleNode);
    }
    if (!moduleNode) return;
    const names: string[] = [];
    const nameRanges: Range[] = [];
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      const w = node.namedChildren.find((c) => c?.type === 'wildcard_import')!;
      names.push('*');
      nameRanges.push(this.range(w));
      if (ctx.top) this.hasStarImport = true;
    } else {
      for (const n of node.childrenForFieldName('name')) {
        if (!n) continue;
        const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
        if (!dotted) continue;
        const name = dottedText(dotted);
        if (name.includes('.')) this.error(dotted, 'invalid syntax', TREE_ERROR_PRIORITY.specific);
        names.push(name);
        nameRanges.push(this.range(dotted));
        if (ctx.top) this.bind(aliasOf(n) ?? name);
        if (module === 'importlib' && level === 0 && name === 'import_module') this.importModuleAliases.add(aliasOf(n) ?? name);
      }
    }
    this.imports.push({ module, level, names, kind: 'from', range: this.range(moduleNode), nameRanges, ...base });
  }

  private call(node: TSNode, ctx: Ctx): void {
    const fn = node.childForFieldName('function');
    if (!fn) return;
    let last: string | undefined;
    if (fn.type === 'identifier') last = fn.text;
    else if (fn.type === 'attribute') last = fn.childForFieldName('attribute')?.text;
    if (!last) return;
    const callee = fn.text.replace(/\s+/g, '');
    if (callee.length > 200) return;
    this.candidates.push({ node, callee, last, ctx });
  }

  private finishCalls(): PyCall[] {
    const calls: PyCall[] = [];
    for (const { node, callee, last, ctx } of this.candidates) {
      const dynamic = this.dynamicImport(node, callee, last, ctx);
      if (dynamic) this.imports.push(dynamic);
      if (!INTERESTING_CALLS.has(last)) continue;
      calls.push({
        callee,
        range: this.range(node),
        scope: ctx.scope,
        args: this.args(node),
        ...(ctx.main ? { mainGuard: true as const } : {}),
        ...(ctx.fn ? { fn: ctx.fn } : {}),
      });
    }
    return calls;
  }

  private args(call: TSNode): PyCallArg[] {
    const list = call.childForFieldName('arguments');
    if (!list || list.type !== 'argument_list') return [];
    const out: PyCallArg[] = [];
    for (const a of list.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (!value) continue;
        const lit = this.literal(value);
        out.push({
          ...(name ? { name: name.text } : {}),
          ...(lit !== undefined ? { value: lit } : {}),
          range: this.range(a),
          valueRange: this.range(value),
          ...(value.endIndex - value.startIndex <= 300 ? { text: value.text } : {}),
        });
      } else {
        const lit = this.literal(a);
        out.push({ ...(lit !== undefined ? { value: lit } : {}), range: this.range(a), valueRange: this.range(a), ...(a.endIndex - a.startIndex <= 300 ? { text: a.text } : {}) });
      }
    }
    return out;
  }

  /** The value of a simple literal: a plain (non-f) string or concatenation, a number, True/False/None. */
  private literal(n: TSNode): string | undefined {
    switch (n.type) {
      case 'string': {
        const s = this.decodeString(n);
        return s && !s.isF ? s.value : undefined;
      }
      case 'concatenated_string': {
        let v = '';
        for (const c of n.namedChildren) {
          if (!c || c.type === 'comment') continue;
          const s = c.type === 'string' ? this.decodeString(c) : undefined;
          if (!s || s.isF) return undefined;
          v += s.value;
        }
        return v;
      }
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
        return n.text;
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        const op = n.childForFieldName('operator')?.text;
        if (arg && (op === '-' || op === '+') && (arg.type === 'integer' || arg.type === 'float')) return op + arg.text;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private dynamicImport(node: TSNode, callee: string, last: string, ctx: Ctx): PyImport | undefined {
    const dot = callee.lastIndexOf('.');
    const isImportModule = dot < 0
      ? this.importModuleAliases.has(callee)
      : last === 'import_module' && this.importlibAliases.has(callee.slice(0, dot));
    if (!isImportModule && callee !== '__import__') return undefined;
    const list = call2args(node);
    const first = list[0];
    if (!first || first.type !== 'string') return undefined;
    const s = this.decodeString(first);
    if (!s || s.isF || s.value === '') return undefined;
    const m = /^(\.*)(.*)$/.exec(s.value)!;
    const level = isImportModule ? m[1].length : 0;
    const module = isImportModule ? m[2] : s.value;
    if (!/^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?$/.test(module) || (level === 0 && !module)) return undefined;
    let anchor: string | undefined;
    if (level > 0) {
      const pkgArg = list[1]?.type === 'keyword_argument' ? undefined : list[1];
      const kw = list.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'package');
      const pkgNode = kw ? kw.childForFieldName('value') : pkgArg;
      const pkg = pkgNode?.type === 'string' ? this.decodeString(pkgNode) : undefined;
      if (!pkg || pkg.isF || !pkg.value) return undefined;
      anchor = pkg.value;
    }
    return {
      module,
      level,
      names: [],
      kind: 'dynamic',
      range: s.contentRange,
      stmtRange: this.range(ctx.stmt ?? node),
      scope: ctx.scope,
      guard: ctx.guard,
      ...(anchor !== undefined ? { anchor } : {}),
      ...(ctx.main ? { mainGuard: true as const } : {}),
    };
  }

  private string(node: TSNode): void {
    if (isDocstring(node)) return;
    const s = this.decodeString(node);
    if (!s) return;
    const assignedTo = this.assignedTo(node);
    const listedIn = this.listedIn(node);
    this.strings.push({
      value: s.value,
      range: this.range(node),
      contentRange: s.contentRange,
      ...(assignedTo !== undefined ? { assignedTo } : {}),
      ...(listedIn !== undefined ? { listedIn } : {}),
      isFString: s.isF,
    });
  }

  private listedIn(node: TSNode): string | undefined {
    const list = node.parent;
    if (!list || (list.type !== 'list' && list.type !== 'tuple' && list.type !== 'set')) return undefined;
    let v: TSNode = list;
    while (v.parent && (v.parent.type === 'binary_operator' || v.parent.type === 'parenthesized_expression')) v = v.parent;
    const p = v.parent;
    if (!p || (p.type !== 'assignment' && p.type !== 'augmented_assignment') || p.parent?.type !== 'expression_statement' || p.parent.parent?.type !== 'module') return undefined;
    const left = p.childForFieldName('left');
    const right = p.childForFieldName('right');
    return left?.type === 'identifier' && right && same(right, v) ? left.text : undefined;
  }

  private assignedTo(node: TSNode): string | undefined {
    let v = node;
    while (v.parent && (v.parent.type === 'concatenated_string' || v.parent.type === 'parenthesized_expression')) v = v.parent;
    const p = v.parent;
    if (!p) return undefined;
    switch (p.type) {
      case 'assignment': {
        const right = p.childForFieldName('right');
        const left = p.childForFieldName('left');
        if (!right || !left || !same(right, v)) return undefined;
        if (left.type === 'identifier' || left.type === 'attribute') return left.text.replace(/\s+/g, '');
        if (left.type === 'subscript') {
          const subs = left.childrenForFieldName('subscript').filter((x): x is TSNode => x !== null);
          if (subs.length === 1 && subs[0].type === 'string') return this.decodeString(subs[0])?.value;
        }
        return undefined;
      }
      case 'keyword_argument':
      case 'default_parameter':
      case 'typed_default_parameter': {
        const value = p.childForFieldName('value');
        return value && same(value, v) ? p.childForFieldName('name')?.text : undefined;
      }
      case 'pair': {
        const value = p.childForFieldName('value');
        const key = p.childForFieldName('key');
        if (!value || !key || !same(value, v)) return undefined;
        if (key.type === 'string') return this.decodeString(key)?.value;
        if (key.type === 'identifier' || key.type === 'attribute') return key.text;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Decodes a terminated string literal; undefined for unterminated or malformed ones. */
  private decodeString(node: TSNode): { value: string; contentRange: Range; isF: boolean } | undefined {
    const start = node.firstChild;
    const end = node.lastChild;
    if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end' || end.isMissing) return undefined;
    const quote = /["']+$/.exec(start.text);
    if (!quote) return undefined;
    const prefix = start.text.slice(0, start.text.length - quote[0].length).toLowerCase();
    const raw = prefix.includes('r');
    const bytes = prefix.includes('b');
    const isF = prefix.includes('f') || prefix.includes('t');
    const from = start.endIndex;
    const to = end.startIndex;
    if (to < from) return undefined;
    const parts: string[] = [];
    let at = from;
    for (const c of node.children) {
      if (c?.type !== 'interpolation') continue;
      parts.push(this.text.slice(at, c.startIndex));
      at = c.endIndex;
    }
    parts.push(this.text.slice(at, to));
    const decoded = parts.map((p) => {
      let s = isF ? p.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : p;
      if (!raw) s = decodeEscapes(s, bytes);
      return s;
    });
    return { value: decoded.join('\u0000'), contentRange: this.lines.range(from, to), isF };
  }

  private tryWithoutHandler(node: TSNode): void {
    const next = node.nextSibling;
    const at = next ? next.startIndex : node.endIndex;
    const line = this.lines.lineOf(at);
    const end = Math.max(at, this.lines.lineEnd(line));
    this.pushError(at, end, "expected 'except' or 'finally' block", TREE_ERROR_PRIORITY.specific, at);
  }

  private missing(node: TSNode): void {
    const message = node.isNamed ? 'invalid syntax' : `expected '${node.type}'`;
    this.pushError(node.startIndex, node.endIndex, message, TREE_ERROR_PRIORITY.missing, node.endIndex);
  }

  /** An ERROR node: "expected ':'" for a block header lacking its colon, else "invalid syntax". */
  private errorNode(node: TSNode, kids: TSNode[]): void {
    const head = kids[0];
    if (head && !head.isNamed && HEADER_KEYWORDS.has(head.type)) {
      const line = this.lines.lineOf(head.startIndex);
      const onLine = kids.filter((k) => this.lines.lineOf(k.startIndex) === line && k.type !== 'comment');
      if (!onLine.some((k) => k.type === ':')) {
        const at = onLine[onLine.length - 1].endIndex;
        this.pushError(at, at, "expected ':'", TREE_ERROR_PRIORITY.specific, node.endIndex);
        return;
      }
    }
    this.error(node, 'invalid syntax', TREE_ERROR_PRIORITY.error);
  }

  private error(node: TSNode, message: string, priority: number): void {
    const start = node.startIndex;
    const line = this.lines.lineOf(start);
    const end = Math.min(node.endIndex, Math.max(start, this.lines.lineEnd(line)));
    this.pushError(start, end, message, priority, node.endIndex);
  }

  private pushError(start: number, end: number, message: string, priority: number, nodeEnd: number): void {
    this.errors.push({ range: this.lines.range(start, end), message, offset: start, nodeEnd, priority });
  }

  /**
   * tree-sitter-python can mis-parse a bracketed expression whose continuation line is dedented
   * below the statement (`(bar.` / `baz)`), and its error recovery then cascades. When a tree
   * error falls inside such a region, tree errors from that region on are dropped.
   */
  private dropUnreliableTreeErrors(regions: { start: number; end: number }[]): void {
    for (const r of regions) {
      if (!this.errors.some((e) => e.offset >= r.start && e.offset <= r.end)) continue;
      const kept = this.errors.filter((e) => e.offset < r.start);
      this.errors.length = 0;
      this.errors.push(...kept);
      return;
    }
  }

  /** One per line (the most specific), sorted by position; at most MAX_SYNTAX_ERRORS. */
  private finishErrors(): PySyntaxError[] {
    const sorted = this.errors.sort((a, b) => a.range.start.line - b.range.start.line || a.priority - b.priority || a.offset - b.offset);
    const out: PySyntaxError[] = [];
    const seenLines = new Set<number>();
    for (const e of sorted) {
      if (seenLines.has(e.range.start.line)) continue;
      seenLines.add(e.range.start.line);
      out.push({ range: e.range, message: e.message });
      if (out.length >= MAX_SYNTAX_ERRORS) break;
    }
    return out;
  }
}

function same(a: TSNode, b: TSNode): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

function cmpPos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

function dottedText(n: TSNode): string {
  return n.text.replace(/\s+/g, '');
}

function aliasOf(n: TSNode): string | undefined {
  return n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
}

function call2args(call: TSNode): TSNode[] {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return [];
  return list.namedChildren.filter((c): c is TSNode => c !== null && c.type !== 'comment');
}

/** An except clause that catches ImportError: bare, ImportError/ModuleNotFoundError, Exception/BaseException, or a tuple with one. */
function catchesImportError(clause: TSNode): boolean {
  let value = clause.childForFieldName('value');
  if (!value) {
    const named = clause.namedChildren.filter((c): c is TSNode => c !== null && c.type !== 'comment');
    if (named.length === 1 && named[0].type === 'block') return true;
    value = named.find((c) => c.type !== 'block') ?? null;
    if (!value) return true;
  }
  if (value.type === 'as_pattern') value = value.namedChildren.find((c) => c !== null && c.type !== 'as_pattern_target') ?? value;
  const candidates = value.type === 'tuple' || value.type === 'parenthesized_expression'
    ? value.namedChildren.filter((c): c is TSNode => c !== null)
    : [value];
  return candidates.some((c) => {
    const name = c.type === 'attribute' ? c.childForFieldName('attribute')?.text : c.text;
    return name !== undefined && IMPORT_ERROR_CATCHERS.has(name);
  });
}

function isTypeChecking(cond: TSNode): boolean {
  if (cond.type === 'identifier') return cond.text === 'TYPE_CHECKING';
  return cond.type === 'attribute' && cond.childForFieldName('attribute')?.text === 'TYPE_CHECKING';
}

function isMainCheck(cond: TSNode): boolean {
  if (cond.type !== 'comparison_operator') return false;
  const operands = cond.namedChildren.filter((c): c is TSNode => c !== null);
  const ops = cond.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
  if (operands.length !== 2 || ops.length !== 1 || ops[0] !== '==') return false;
  const isName = (n: TSNode): boolean => n.type === 'identifier' && n.text === '__name__';
  const isMain = (n: TSNode): boolean => n.type === 'string' && /^["']__main__["']$/.test(n.text);
  return (isName(operands[0]) && isMain(operands[1])) || (isMain(operands[0]) && isName(operands[1]));
}

function isDocstring(node: TSNode): boolean {
  const stmt = node.parent;
  if (!stmt || stmt.type !== 'expression_statement' || stmt.namedChildCount !== 1) return false;
  const container = stmt.parent;
  if (!container) return false;
  if (container.type === 'block') {
    const owner = container.parent?.type;
    if (owner !== 'function_definition' && owner !== 'class_definition') return false;
  } else if (container.type !== 'module') return false;
  const first = container.namedChildren.find((c) => c !== null && c.type !== 'comment');
  return first !== undefined && first !== null && same(first, stmt);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Decodes Python backslash escapes of a non-raw literal (\N{...} is kept as written). */
export function decodeEscapes(s: string, bytes = false): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1];
    if (e === '\n') {
      i++;
      continue;
    }
    if (e === '\r') {
      i += s[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i++;
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length;
      continue;
    }
    const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = s.slice(i + 2, i + 2 + hexLen);
      if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        if (cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          i += 1 + hexLen;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}
