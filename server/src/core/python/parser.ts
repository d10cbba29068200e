// Parses Python source with tree-sitter into what the rules need: imports, syntax errors, top-level names, calls, strings.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import type { Language, Node as TSNode, Parser as TSParser, Tree, TreeCursor } from 'web-tree-sitter';
import type { Range } from '../types';
import { collectFeatures, FEATURE_NODE_TYPES, type PyFeatures } from './features';
import { blankDefaults, typeParamDefaults } from './type-param-defaults';
import { LineIndex, scanLexical, type PySyntaxError } from './lexical';

export type { PySyntaxError } from './lexical';

export type PyScope = 'module' | 'function';
/**
 * What makes an import optional: a `try` that catches ImportError, `if TYPE_CHECKING:`, or an `if` whose
 * condition checks that the file or module exists first (`if (BASE_DIR / "local_settings.py").exists():`,
 * `os.path.isfile(...)`, `importlib.util.find_spec("x")`): a local override module that is absent on purpose.
 */
export type ImportGuard = 'none' | 'import-error' | 'type-checking' | 'exists-check';

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
  /** `from m import a as b`: `{ b: 'a' }` (the names bound that differ from the imported ones). */
  aliases?: Record<string, string>;
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
  /** Inside an `if` that runs only when this environment variable is set (`if os.getenv("ENABLE_OIDC"):`). */
  envCondition?: string;
  /**
   * Inside an `except ImportError:` handler (of the innermost try that catches it): the indexes (in
   * {@link PyFileInfo.imports}) of the imports in that try's body. The handler runs only when one of them fails
   * (`try: import importlib.metadata` / `except ImportError: import importlib_metadata`).
   */
  fallbackOf?: number[];
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
  /** Inside an `if` that runs only when this environment variable is set. */
  envCondition?: string;
  /** Inside a `for`/`while` body (of its function or the module): it may run any number of times. */
  inLoop?: true;
}

/** A function definition: `name` is `f`, `Class.method`, or `outer.<locals>.inner`. */
export interface PyFunction {
  name: string;
  range: Range;
  /** Where the first `yield` of its own body is (a generator; for a lifespan handler what follows runs at shutdown). */
  firstYield?: Range['start'];
  /** Its decorators, top first: the expression's text (`click.command("serve")`, `app.command`) and range (a decorator call's arguments are among `calls` at that range). */
  decorators?: { text: string; range: Range }[];
  /** Its parameters in order (`*args`/`**kw` as `*args`/`**kw`), with the default's source text. */
  params?: PyParam[];
}

/** A function parameter: name, and the default value's text and range when it has one. */
export interface PyParam {
  name: string;
  default?: string;
  defaultRange?: Range;
  /** The annotation's text (`int`, `Annotated[int, typer.Option(...)]`), at most 300 characters. */
  annotation?: string;
}

/** A call to a plain or dotted name (`main()`, `server.start()`), for following calls between functions. */
export interface PyCallEdge {
  callee: string;
  /** The calling function; absent at module level. */
  fn?: string;
  mainGuard?: true;
  /** Where the call starts. */
  at: Range['start'];
}

/** `name = value` or `obj.attr = value` (a single target). */
export interface PyAssignment {
  /** Target text without whitespace (`HOST`, `config.bind`). */
  target: string;
  fn?: string;
  /** The class whose body holds it (`Settings`, `Outer.Inner`), outside any function. */
  cls?: string;
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
  /**
   * Set when `assignedTo` is a key or keyword (`password=` in a call, `"token":` in a dict) and that call or dict is
   * (a few levels down) the value of `NAME = ...`: NAME, e.g. 'connection_args_example'.
   */
  within?: string;
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
  /**
   * Where the file first assigns into `sys.modules` (`sys.modules[__name__ + ".moves"] = ...`,
   * anywhere in the file): it makes modules at run time that no file holds (six, vendored six).
   */
  registersModules?: Range['start'];
  calls: PyCall[];
  strings: PyString[];
  /** Function and method definitions, in source order. */
  functions: PyFunction[];
  /** Every call of a (dotted) name, in source order, with the function making it. */
  callGraph: PyCallEdge[];
  /** Single-target assignments, in source order. */
  assignments: PyAssignment[];
  /** Class definitions outside functions: qualified name, base expressions as written, and whether the body configures where settings come from (pydantic `env_prefix`, `env_file`, aliases). */
  classes?: { name: string; bases: string[]; configured?: true }[];
  /** Number of lines as an editor shows them (a trailing line break starts an empty last line). */
  lineCount: number;
  /** Syntax that needs a minimum Python version, and the file's `sys.version_info` checks (python/features.ts). */
  features: PyFeatures;
}

export const MAX_SYNTAX_ERRORS = 5;

/** Longest a tree-sitter parse of one file may take (about 0.4 s per MB in practice). */
export const PARSE_BUDGET_MS = 10_000;

/** Last dotted segments of calls worth keeping in `PyFileInfo.calls` (model loads, app factories, servers, env reads). */
/** `INSTALLED_APPS.append("x")`, `.insert(0, "x")`, `.extend([...])`: Django settings that add apps by call. */
const APP_LIST_METHODS = new Set(['append', 'insert', 'extend']);
const APP_LIST_CALLEE = /^[A-Z_]*APPS\.(?:append|insert|extend)$/;
/** environs' and django-environ's readers (`env("X", default=...)`, `env.str(...)`): where settings take their fallbacks. */
const ENV_READER_CALLEE = /^env(?:\.(?:str|url|db|db_url|dj_db_url|cache|cache_url|email_url|search_url|json))?$/;

export const INTERESTING_CALLS: ReadonlySet<string> = new Set([
  // model loading
  'from_pretrained', 'load', 'load_model', 'load_state_dict', 'load_weights', 'load_learner', 'load_dataset',
  'SentenceTransformer', 'CrossEncoder', 'pipeline', 'InferenceSession', 'Booster', 'YOLO', 'Llama',
  'hf_hub_download', 'snapshot_download', 'load_word2vec_format', 'from_file', 'restore', 'Word2Vec',
  'KeyedVectors', 'FastText', 'TFSMLayer', 'AutoModel', 'AutoTokenizer', 'jit_load',
  'WhisperModel', 'LLM', 'Reader', 'PaddleOCR', 'Translator', 'Generator', 'TextEmbedding', 'BGEM3FlagModel', 'FlagModel', 'Pipeline',
  'create_model_and_transforms', 'create_model',
  // command-line apps (click, typer, argparse): how argv reaches a function
  'command', 'group', 'add_command', 'add_typer', 'Typer', 'callback', 'option', 'argument', 'Option', 'Argument',
  'ArgumentParser', 'add_subparsers', 'add_parser', 'add_argument', 'set_defaults', 'parse_args', 'parse_known_args', 'Group', 'Command',
  // apps and servers
  'run', 'create_app', 'Flask', 'FastAPI', 'Quart', 'Sanic', 'Starlette', 'Litestar', 'Celery', 'Bottle',
  'serve', 'run_app', 'run_simple', 'listen', 'start_http_server', 'make_server', 'HTTPServer', 'ThreadingHTTPServer', 'TCPServer', 'ThreadingTCPServer', 'ForkingTCPServer', 'WSGIServer', 'launch', 'Config', 'Server', 'add_insecure_port', 'add_secure_port',
  // environment and configuration
  'getenv', 'get', 'environ', 'setdefault', 'config',
  // modules named by strings (Django URLconfs, Celery task modules)
  'include', 'autodiscover_tasks', 'config_from_object', 'update',
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

/**
 * A store of finished parses that outlives the process (the CLI's cache folder), keyed by the
 * file's text. Only complete parses are put: never a parse cut short by the time budget or an
 * internal error.
 */
export interface ParseStore {
  get(text: string): PyFileInfo | undefined;
  put(text: string, info: PyFileInfo): void;
}

let store: ParseStore | undefined;

/** Sets (or, with undefined, removes) the store `parsePython` reads before parsing and writes after. */
export function setParseStore(s: ParseStore | undefined): void {
  store = s;
}

/** Bumped whenever `PyFileInfo` or what the extractor puts in it changes: part of every stored parse's key. */
export const PARSE_FORMAT = 11;

/** Parses Python source (after `initPython()`). Never throws on any input; throws only when not initialised. */
export function parsePython(text: string): PyFileInfo {
  if (!parser) throw new Error('parsePython() called before initPython() finished');
  const stored = store?.get(text);
  if (stored) return stored;
  const lines = new LineIndex(text);
  let tree: ReturnType<TSParser['parse']> = null;
  try {
    // A time budget for pathological input: a cancelled parse reads as a file with no structure.
    const deadline = Date.now() + PARSE_BUDGET_MS;
    tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
    if (!tree) return emptyInfo(lines, scanLexical(text, lines).errors);
    // The grammar has no type parameter defaults (PEP 696): where the file does not parse and has some, they are
    // blanked (offsets kept) and the file parsed again; each is recorded as a 3.13 feature.
    let source = text;
    const defaults = tree.rootNode.hasError ? typeParamDefaults(text) : [];
    if (defaults.length) {
      const blanked = blankDefaults(text, defaults);
      const again = parser.parse(blanked, null, { progressCallback: () => Date.now() > deadline });
      if (again) {
        tree.delete();
        tree = again;
        source = blanked;
      } else defaults.length = 0;
    }
    const info = new Extractor(source, lines).run(tree);
    if (defaults.length) {
      for (const d of defaults) info.features.uses.push({ id: 'type-parameter-defaults', min: '3.13', description: 'type parameter defaults `[T = int]` (PEP 696)', range: lines.range(d.start, d.end) });
      info.features.uses.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
    }
    store?.put(text, info);
    return info;
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
  /** Inside an `if` body that runs only when this environment variable is set. */
  env?: string;
  /** Bindings here are module-level names. */
  top: boolean;
  /** Inside a loop body (of the current function or module). */
  loop?: boolean;
  /** Directly inside an `async def` body. */
  async?: boolean;
  /** Inside a comprehension or generator expression (where `await` may make it asynchronous). */
  comprehension?: boolean;
  /** Enclosing function name (see PyFunction.name). */
  fn?: string;
  /** Enclosing class, for method names. */
  cls?: string;
}

/** How the walk visits a node's children. */
interface Frame {
  ctx: Ctx;
  /** Children in this field (a body, a consequence) get `fieldCtx`; -1: none. */
  fieldId: number;
  fieldCtx: Ctx | undefined;
  /** 0: every child; 1: only interpolations (a string); 2: none (an import statement); erroneous children always. */
  filter: 0 | 1 | 2;
}

/** A frame that visits every child in `ctx`: the parent's own when it is one (the common case), else a new one. */
function plain(ctx: Ctx, parent?: Frame): Frame {
  return parent && parent.ctx === ctx && parent.fieldId === -1 && parent.filter === 0 ? parent : { ctx, fieldId: -1, fieldCtx: undefined, filter: 0 };
}

/** Node types the extractor handles (by name), per type id of one grammar. */
interface TypeTable {
  /** Type name for the named types `visit` handles, and ERROR. */
  handled: (string | undefined)[];
  /** 1 for types that never have children worth visiting (anonymous tokens, names, numbers, comments). */
  leaf: Uint8Array;
  /** 1 for the feature table's node types. */
  feature: Uint8Array;
  /** Type name per type id (what `node.type` answers, without asking tree-sitter). */
  names: (string | undefined)[];
  /** 1 for integer and float. */
  numeric: Uint8Array;
  interpolation: number;
  /** 1 for the parents through which a string can be a docstring, assigned or listed (see PyString). */
  attributable: Uint8Array;
  fields: { body: number; consequence: number };
}

const HANDLED = new Set([
  'import_statement', 'import_from_statement', 'future_import_statement', 'function_definition', 'lambda', 'class_definition',
  'for_statement', 'while_statement', 'break_statement', 'continue_statement', 'generator_expression', 'list_comprehension',
  'set_comprehension', 'dictionary_comprehension', 'await', 'try_statement', 'if_statement', 'print_statement', 'exec_statement',
  'return_statement', 'yield', 'assignment', 'augmented_assignment', 'named_expression', 'as_pattern', 'type_alias_statement',
  'call', 'string',
]);
const ATTRIBUTABLE = new Set([
  'expression_statement', 'concatenated_string', 'parenthesized_expression', 'assignment', 'augmented_assignment', 'keyword_argument',
  'default_parameter', 'typed_default_parameter', 'pair', 'list', 'tuple', 'set',
]);
const LEAF_NAMED = new Set(['identifier', 'integer', 'float', 'comment', 'true', 'false', 'none', 'string_start', 'string_end', 'string_content', 'escape_sequence']);
/** tree-sitter's type id for ERROR nodes. */
const ERROR_TYPE_ID = 65535;
const NO_LEAVES = new Uint8Array(ERROR_TYPE_ID + 1);

/** What the pass over a tree without errors asks tree-sitter for. */
const CLEAN_PASS_TYPES = [...new Set([...HANDLED, ...FEATURE_NODE_TYPES])];

const typeTables = new WeakMap<Language, TypeTable>();

function typeTable(language: Language): TypeTable {
  let t = typeTables.get(language);
  if (t) return t;
  const n = language.types.length;
  t = {
    handled: new Array(ERROR_TYPE_ID + 1),
    leaf: new Uint8Array(ERROR_TYPE_ID + 1),
    feature: new Uint8Array(ERROR_TYPE_ID + 1),
    names: new Array(ERROR_TYPE_ID + 1),
    numeric: new Uint8Array(ERROR_TYPE_ID + 1),
    interpolation: -1,
    attributable: new Uint8Array(ERROR_TYPE_ID + 1),
    fields: { body: language.fieldIdForName('body') ?? -2, consequence: language.fieldIdForName('consequence') ?? -2 },
  };
  for (let id = 0; id < n; id++) {
    const name = language.types[id];
    if (name === undefined) continue;
    t.names[id] = name;
    const named = language.nodeTypeIsNamed(id);
    if (!named) {
      t.leaf[id] = 1;
      continue;
    }
    if (HANDLED.has(name)) t.handled[id] = name;
    if (LEAF_NAMED.has(name)) t.leaf[id] = 1;
    if (FEATURE_NODE_TYPES.has(name)) t.feature[id] = 1;
    if (name === 'integer' || name === 'float') t.numeric[id] = 1;
    if (name === 'interpolation') t.interpolation = id;
    if (ATTRIBUTABLE.has(name)) t.attributable[id] = 1;
  }
  t.handled[ERROR_TYPE_ID] = 'ERROR';
  typeTables.set(language, t);
  return t;
}

/** The statement that holds a node: the ancestor (or the node) that is a direct child of the module or a block. */
function statementOf(node: TSNode): TSNode {
  for (let n = node, p = n.parent; p; n = p, p = n.parent) {
    if (p.type === 'module' || p.type === 'block') return n;
  }
  return node;
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
  private registersModules: Range['start'] | undefined;
  private readonly candidates: CallCandidate[] = [];
  private readonly strings: PyString[] = [];
  /** Each `try` that catches ImportError: its body's and its handlers' offsets. */
  private readonly importTries: { body: [number, number]; handlers: [number, number][] }[] = [];
  private readonly functions: PyFunction[] = [];
  private readonly assignments: PyAssignment[] = [];
  private readonly classes: NonNullable<PyFileInfo['classes']> = [];
  private readonly importlibAliases = new Set(['importlib']);
  private readonly importModuleAliases = new Set<string>();
  private readonly features: PyFeatures = { uses: [], versionGuards: [] };
  /** The first `yield` of each function's own body, by function name. */
  private readonly firstYields = new Map<string, Range['start']>();
  private types: TypeTable | undefined;
  /** The tree has an ERROR or MISSING node somewhere (else no node is checked for one). */
  private hasErrors = false;

  constructor(private readonly text: string, private readonly lines: LineIndex) {}

  run(tree: Tree): PyFileInfo {
    this.walk(tree);
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
    this.markFallbacks();
    return {
      imports: this.imports,
      syntaxErrors: this.finishErrors(),
      topLevelNames: [...this.names],
      hasStarImport: this.hasStarImport,
      hasModuleGetattr: this.hasModuleGetattr,
      ...(this.registersModules ? { registersModules: this.registersModules } : {}),
      calls,
      strings: this.strings,
      functions: this.firstYields.size ? this.functions.map((f) => (this.firstYields.has(f.name) ? { ...f, firstYield: this.firstYields.get(f.name)! } : f)) : this.functions,
      callGraph: this.candidates.map((c) => ({ callee: c.callee, ...(c.ctx.fn ? { fn: c.ctx.fn } : {}), ...(c.ctx.main ? { mainGuard: true as const } : {}), at: this.lines.position(c.node.startIndex) })),
      assignments: this.assignments,
      classes: this.classes,
      lineCount: this.lines.lineCount,
      features: this.features,
    };
  }

  /** Sets `fallbackOf` on each import inside an except-ImportError handler: the imports of the innermost such try's body. */
  private markFallbacks(): void {
    if (!this.importTries.length) return;
    const at = this.imports.map((i) => this.offsetOf(i.stmtRange.start));
    for (let k = 0; k < this.imports.length; k++) {
      let inner: { body: [number, number] } | undefined;
      let innerStart = -1;
      for (const t of this.importTries) {
        const h = t.handlers.find(([s, e]) => at[k] >= s && at[k] < e);
        if (h && h[0] > innerStart) {
          inner = t;
          innerStart = h[0];
        }
      }
      if (!inner) continue;
      const [s, e] = inner.body;
      const primaries = at.flatMap((o, j) => (o >= s && o < e ? [j] : []));
      if (primaries.length) this.imports[k].fallbackOf = primaries;
    }
  }

  private offsetOf(p: { line: number; character: number }): number {
    return this.lines.starts[p.line] + p.character;
  }

  /** A node's source text (as `node.text`, without asking tree-sitter for its start position). */
  private src(n: TSNode): string {
    return this.text.slice(n.startIndex, n.endIndex);
  }

  private srcOf(n: TSNode | null | undefined): string | undefined {
    return n ? this.text.slice(n.startIndex, n.endIndex) : undefined;
  }

  private range(n: TSNode): Range {
    return this.lines.range(n.startIndex, n.endIndex);
  }

  /**
   * One pre-order pass with a tree cursor. Most nodes cost a type id read and a cursor move; a
   * node object is made only for the types something looks at (imports, calls, strings, defs,
   * the statements that change the context, the feature table's node types, and errors).
   */
  private walk(tree: Tree): void {
    const t = typeTable(tree.language);
    this.types = t;
    this.hasErrors = tree.rootNode.hasError;
    if (!this.hasErrors) return this.walkClean(tree);
    // Error recovery can give even a token children (a MISSING 'in' under 'not in'): then every node is entered.
    const leaf = this.hasErrors ? NO_LEAVES : t.leaf;
    const cursor = tree.walk();
    const frames: Frame[] = [];
    /** Type ids of the cursor's ancestors, parent last. */
    const parents: number[] = [-1];
    let frame: Frame = { ctx: { scope: 'module', guard: 'none', main: false, top: true }, fieldId: -1, fieldCtx: undefined, filter: 0 };
    try {
      for (;;) {
        const id = cursor.nodeTypeId;
        let child: Frame | undefined;
        if (frame.filter === 0 || this.admits(cursor, id, frame.filter)) {
          const ctx = frame.fieldId >= 0 && cursor.currentFieldId === frame.fieldId ? frame.fieldCtx! : frame.ctx;
          child = this.visit(cursor, id, ctx, frame, parents[parents.length - 1]);
        }
        if (child && !leaf[id] && cursor.gotoFirstChild()) {
          frames.push(frame);
          parents.push(id);
          frame = child;
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) return;
          frame = frames.pop()!;
          parents.pop();
        }
      }
    } finally {
      cursor.delete();
    }
  }

  /** Whether a child of a string (filter 1: interpolations) or an import statement (filter 2) is visited: also when it holds an error. */
  private admits(cursor: TreeCursor, id: number, filter: number): boolean {
    if (filter === 1 && id === this.types!.interpolation) return true;
    if (!this.hasErrors) return false;
    const n = cursor.currentNode;
    return n.hasError || n.isMissing;
  }

  /** Handles the cursor's node; returns how to visit its children, or undefined to skip them. */
  private visit(cursor: TreeCursor, id: number, ctx: Ctx, frame: Frame, parent: number): Frame | undefined {
    const t = this.types!;
    if (this.hasErrors && cursor.nodeIsMissing) {
      this.missing(cursor.currentNode);
      return undefined;
    }
    if (t.feature[id]) {
      // Numbers are the common case: look at their text before making a node.
      if (!t.numeric[id] || this.text.slice(cursor.startIndex, cursor.endIndex).includes('_')) collectFeatures(cursor.currentNode, this.lines, this.features, this.text, t.names[id]);
    }
    const type = t.handled[id];
    if (type === undefined) return plain(ctx, frame);
    const node = cursor.currentNode;
    if (node.childCount === 0) {
      if (type === 'ERROR') this.error(node, 'invalid syntax', TREE_ERROR_PRIORITY.error);
      return undefined;
    }
    return this.handle(node, type, ctx, parent);
  }

  /**
   * The pass for a tree without errors: tree-sitter collects the nodes of the types the
   * extractor and the feature table look at (in pre-order, in one call), and the context of each
   * is the innermost enclosing range a context-changing node opened (a def, its body, a loop
   * body, a guarded try body, an `if` consequence, a class, a lambda, a comprehension).
   */
  private walkClean(tree: Tree): void {
    const t = this.types!;
    const nodes = tree.rootNode.descendantsOfType(CLEAN_PASS_TYPES);
    const regions: { start: number; end: number; ctx: Ctx }[] = [{ start: -1, end: Infinity, ctx: { scope: 'module', guard: 'none', main: false, top: true } }];
    for (const node of nodes) {
      if (!node) continue;
      const id = node.typeId;
      // A keyword spelled like a node type (`await`, `lambda`, `yield`) is no such node.
      if (t.leaf[id] && !t.feature[id]) continue;
      const start = node.startIndex;
      while (regions.length > 1 && regions[regions.length - 1].end <= start) regions.pop();
      let i = regions.length - 1;
      while (regions[i].start > start) i--;
      const ctx = regions[i].ctx;
      if (t.feature[id] && (!t.numeric[id] || this.src(node).includes('_'))) collectFeatures(node, this.lines, this.features, this.text, t.names[id]);
      const type = t.handled[id];
      if (type === undefined) continue;
      const frame = this.handle(node, type, ctx, -2);
      if (!frame) continue;
      if (frame.ctx !== ctx) regions.push({ start, end: node.endIndex, ctx: frame.ctx });
      if (frame.fieldId >= 0 && frame.fieldCtx !== frame.ctx) {
        const f = node.childForFieldId(frame.fieldId);
        if (f) regions.push({ start: f.startIndex, end: f.endIndex, ctx: frame.fieldCtx! });
      }
    }
  }

  /** Handles a node of a type `visit` handles; `parent` is its parent's type id (-2: not known, ask). Returns how to visit its children. */
  private handle(node: TSNode, type: string, ctx: Ctx, parent: number): Frame | undefined {
    const t = this.types!;
    switch (type) {
      case 'ERROR': {
        const kids = node.children.filter((c): c is TSNode => c !== null);
        // Nested errors pinpoint better than the recovery region around them.
        if (!kids.some((k) => k.hasError || k.isError)) this.errorNode(node, kids);
        return plain(ctx);
      }
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        this.importStatement(node, ctx);
        return { ctx, fieldId: -1, fieldCtx: undefined, filter: 2 };
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) {
          this.bind(this.src(name));
          if (this.src(name) === '__getattr__') this.hasModuleGetattr = true;
        }
        const isAsync = node.firstChild?.type === 'async';
        const fname = name ? (ctx.fn ? `${ctx.fn}.<locals>.${this.src(name)}` : ctx.cls ? `${ctx.cls}.${this.src(name)}` : this.src(name)) : undefined;
        if (fname) {
          const f: PyFunction = { name: fname, range: this.range(node) };
          if (node.parent?.type === 'decorated_definition') {
            const decorators = node.parent.namedChildren.filter((d): d is TSNode => d?.type === 'decorator').map((d) => d.namedChildren.find((x) => x && x.type !== 'comment')).filter((e): e is TSNode => !!e && e.endIndex - e.startIndex <= 300);
            if (decorators.length) f.decorators = decorators.map((e) => ({ text: this.src(e), range: this.range(e) }));
          }
          const params = this.params(node.childForFieldName('parameters'));
          if (params.length) f.params = params;
          this.functions.push(f);
        }
        const inner: Ctx = { scope: 'function', guard: 'none', main: false, top: false, ...(isAsync ? { async: true } : {}), ...(fname ? { fn: fname } : {}) };
        // Decorators, defaults and annotations run where the def is; only the body is the function's.
        return { ctx: { ...ctx, top: false }, fieldId: t.fields.body, fieldCtx: inner, filter: 0 };
      }
      case 'lambda':
        return plain({ scope: 'function', guard: 'none', main: false, top: false, ...(ctx.fn ? { fn: ctx.fn } : {}) });
      case 'class_definition': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) this.bind(this.src(name));
        const cls = name ? (ctx.cls ? `${ctx.cls}.${this.src(name)}` : this.src(name)) : ctx.cls;
        if (cls && name && !ctx.fn) {
          const bases = (node.childForFieldName('superclasses')?.namedChildren ?? []).filter((b) => !!b && b.type !== 'keyword_argument').map((b) => this.src(b!).replace(/\s+/g, ''));
          const configured = /\b(?:env_prefix|env_file|secrets_dir|env_nested_delimiter|alias|validation_alias|case_sensitive|settings_customise_sources|customise_sources)\b/.test(this.src(node));
          this.classes.push({ name: cls, bases, ...(configured ? { configured: true as const } : {}) });
        }
        return plain({ ...ctx, top: false, loop: false, ...(cls && !ctx.fn ? { cls } : {}) });
      }
      case 'for_statement':
      case 'while_statement': {
        const left = type === 'for_statement' ? node.childForFieldName('left') : null;
        if (left && ctx.top) this.bindTarget(left);
        return { ctx, fieldId: t.fields.body, fieldCtx: { ...ctx, loop: true }, filter: 0 };
      }
      case 'break_statement':
      case 'continue_statement':
        if (!ctx.loop) {
          const message = type === 'break_statement' ? "'break' outside loop" : "'continue' not properly in loop";
          this.error(node, message, TREE_ERROR_PRIORITY.specific);
        }
        return undefined;
      case 'generator_expression':
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
        return plain({ ...ctx, comprehension: true });
      case 'await':
        if (!ctx.async && !ctx.comprehension) {
          const message = ctx.scope === 'module' ? "'await' outside function" : "'await' outside async function";
          this.error(node, message, TREE_ERROR_PRIORITY.specific);
        }
        return plain(ctx);
      case 'try_statement': {
        const kids = node.children.filter((c): c is TSNode => c !== null);
        const handlers = kids.filter((k) => k.type === 'except_clause' || k.type === 'except_group_clause');
        if (!handlers.length && !kids.some((k) => k.type === 'finally_clause')) this.tryWithoutHandler(node);
        // The first handler that catches ImportError decides; one that always raises or exits guards nothing (the container still dies at start).
        const first = handlers.find((h) => catchesImportError(h));
        const catches = first !== undefined && !handlerExits(first);
        const body = node.childForFieldName('body');
        if (catches && body) this.importTries.push({ body: [body.startIndex, body.endIndex], handlers: handlers.filter((h) => catchesImportError(h)).map((h) => [h.startIndex, h.endIndex]) });
        const bodyCtx: Ctx = catches && ctx.guard === 'none' ? { ...ctx, guard: 'import-error' } : ctx;
        return { ctx, fieldId: t.fields.body, fieldCtx: bodyCtx, filter: 0 };
      }
      case 'if_statement': {
        const cond = node.childForFieldName('condition');
        let consCtx = ctx;
        if (cond && isTypeChecking(cond)) consCtx = { ...ctx, guard: 'type-checking' };
        else if (cond && ctx.guard === 'none' && EXISTS_CHECK.test(cond.text)) consCtx = { ...ctx, guard: 'exists-check' };
        else if (cond && isMainCheck(cond)) consCtx = { ...ctx, main: true };
        else if (cond && ctx.env === undefined) {
          const env = envCondition(cond.text);
          if (env) consCtx = { ...ctx, env };
        }
        return { ctx, fieldId: t.fields.consequence, fieldCtx: consCtx, filter: 0 };
      }
      case 'print_statement':
      case 'exec_statement': {
        if (node.children.some((k) => k?.type === 'chevron')) return plain(ctx);
        const word = type === 'print_statement' ? 'print' : 'exec';
        this.error(node, `Missing parentheses in call to '${word}'. Did you mean ${word}(...)?`, TREE_ERROR_PRIORITY.specific);
        return plain(ctx);
      }
      case 'return_statement':
      case 'yield':
        if (type === 'yield' && ctx.fn && ctx.scope === 'function' && !this.firstYields.has(ctx.fn)) this.firstYields.set(ctx.fn, this.lines.position(node.startIndex));
        if (ctx.scope === 'module') {
          const word = type === 'yield' ? 'yield' : 'return';
          this.error(node, `'${word}' outside function`, TREE_ERROR_PRIORITY.specific);
        }
        return plain(ctx);
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const hasValue = right !== null;
        if (left && ctx.top && hasValue) this.bindTarget(left);
        if (left?.type === 'subscript' && !this.registersModules && /^sys\s*\.\s*modules$/.test(this.src(left.childForFieldName('value') ?? left).trim())) {
          this.registersModules = this.lines.position(node.startIndex);
        }
        if (type === 'assignment' && left && right && (left.type === 'identifier' || left.type === 'attribute') && right.endIndex - right.startIndex <= 300) {
          this.assignments.push({
            target: this.src(left).replace(/\s+/g, ''), text: this.src(right), range: this.range(node), valueRange: this.range(right),
            ...(ctx.fn ? { fn: ctx.fn } : {}), ...(ctx.cls && !ctx.fn ? { cls: ctx.cls } : {}), ...(ctx.main ? { mainGuard: true as const } : {}),
          });
        }
        return plain(ctx);
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name && ctx.top) this.bind(this.src(name));
        return plain(ctx);
      }
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        if (alias && ctx.top && node.parent?.type === 'with_item') this.bindTarget(alias);
        return plain(ctx);
      }
      case 'type_alias_statement': {
        const left = node.childForFieldName('left');
        if (left && ctx.top) this.bindTarget(left);
        return plain(ctx);
      }
      case 'call':
        this.call(node, ctx);
        return plain(ctx);
      case 'string': {
        // The parent node is asked for once, and only when it may make the string a docstring, assigned or listed.
        const p = parent === -2 || t.attributable[parent] === 1 ? node.parent : null;
        this.string(node, p && t.attributable[p.typeId] === 1 ? p : null);
        return { ctx, fieldId: -1, fieldCtx: undefined, filter: 1 };
      }
      default:
        return plain(ctx);
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
          this.bind(this.src(t));
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
      stmtRange: this.range(statementOf(node)),
      scope: ctx.scope,
      guard: ctx.guard,
      ...(ctx.main ? { mainGuard: true as const } : {}),
      ...(ctx.env ? { envCondition: ctx.env } : {}),
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
          this.bind(alias ? this.src(alias) : module.split('.')[0]);
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
        level = prefix ? this.src(prefix).replace(/\s/g, '').length : 0;
        const dn = moduleNode.namedChildren.find((c) => c?.type === 'dotted_name');
        module = dn ? dottedText(dn) : '';
      } else module = dottedText(moduleNode);
    }
    if (!moduleNode) return;
    const names: string[] = [];
    const nameRanges: Range[] = [];
    const aliases: Record<string, string> = {};
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
        const alias = aliasOf(n);
        if (alias !== undefined && alias !== name) aliases[alias] = name;
        if (module === 'importlib' && level === 0 && name === 'import_module') this.importModuleAliases.add(aliasOf(n) ?? name);
      }
    }
    this.imports.push({ module, level, names, kind: 'from', range: this.range(moduleNode), nameRanges, ...(Object.keys(aliases).length ? { aliases } : {}), ...base });
  }

  private call(node: TSNode, ctx: Ctx): void {
    const fn = node.childForFieldName('function');
    if (!fn) return;
    let last: string | undefined;
    if (fn.type === 'identifier') last = this.src(fn);
    else if (fn.type === 'attribute') last = this.srcOf(fn.childForFieldName('attribute'));
    else if (fn.type === 'call') {
      // `app.command("serve")(serve)`: a decorator applied by a call (typer/click registration without `@`).
      const inner = fn.childForFieldName('function');
      const innerLast = inner?.type === 'attribute' ? this.srcOf(inner.childForFieldName('attribute')) : undefined;
      if (innerLast === 'command' || innerLast === 'group' || innerLast === 'callback') last = innerLast;
    }
    if (!last) return;
    const callee = this.src(fn).replace(/\s+/g, '');
    if (callee.length > 200) return;
    this.candidates.push({ node, callee, last, ctx });
  }

  /** A def's parameters: names, default texts and ranges, annotations. */
  private params(list: TSNode | null): PyParam[] {
    const out: PyParam[] = [];
    for (const p of list?.namedChildren ?? []) {
      if (!p) continue;
      const short = (n: TSNode | null) => (n && n.endIndex - n.startIndex <= 300 ? this.src(n) : undefined);
      if (p.type === 'identifier') out.push({ name: this.src(p) });
      else if (p.type === 'typed_parameter') {
        const id = p.namedChildren.find((c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
        const ann = short(p.childForFieldName('type'));
        if (id) out.push({ name: this.src(id), ...(ann ? { annotation: ann } : {}) });
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        const name = p.childForFieldName('name');
        const value = p.childForFieldName('value');
        const ann = short(p.childForFieldName('type'));
        const text = short(value);
        if (name) out.push({ name: this.src(name), ...(text !== undefined && value ? { default: text, defaultRange: this.range(value) } : {}), ...(ann ? { annotation: ann } : {}) });
      } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') out.push({ name: this.src(p) });
    }
    return out;
  }

  private finishCalls(): PyCall[] {
    const calls: PyCall[] = [];
    for (const { node, callee, last, ctx } of this.candidates) {
      const dynamic = this.dynamicImport(node, callee, last, ctx);
      if (dynamic) this.imports.push(dynamic);
      if (!INTERESTING_CALLS.has(last) && !(APP_LIST_METHODS.has(last) && APP_LIST_CALLEE.test(callee)) && !ENV_READER_CALLEE.test(callee)) continue;
      calls.push({
        callee,
        range: this.range(node),
        scope: ctx.scope,
        args: this.args(node),
        ...(ctx.main ? { mainGuard: true as const } : {}),
        ...(ctx.fn ? { fn: ctx.fn } : {}),
        ...(ctx.env ? { envCondition: ctx.env } : {}),
        ...(ctx.loop ? { inLoop: true as const } : {}),
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
          ...(name ? { name: this.src(name) } : {}),
          ...(lit !== undefined ? { value: lit } : {}),
          range: this.range(a),
          valueRange: this.range(value),
          ...(value.endIndex - value.startIndex <= 300 ? { text: this.src(value) } : {}),
        });
      } else {
        const lit = this.literal(a);
        out.push({ ...(lit !== undefined ? { value: lit } : {}), range: this.range(a), valueRange: this.range(a), ...(a.endIndex - a.startIndex <= 300 ? { text: this.src(a) } : {}) });
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
        return this.src(n);
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        const op = this.srcOf(n.childForFieldName('operator'));
        if (arg && (op === '-' || op === '+') && (arg.type === 'integer' || arg.type === 'float')) return op + this.src(arg);
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
      const kw = list.find((a) => a.type === 'keyword_argument' && this.srcOf(a.childForFieldName('name')) === 'package');
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
      stmtRange: this.range(statementOf(node)),
      scope: ctx.scope,
      guard: ctx.guard,
      ...(anchor !== undefined ? { anchor } : {}),
      ...(ctx.main ? { mainGuard: true as const } : {}),
      ...(ctx.env ? { envCondition: ctx.env } : {}),
    };
  }

  /** `parent`: the string's parent when it is a node a docstring, `assignedTo` or `listedIn` can go through (else null: they need not be asked). */
  private string(node: TSNode, parent: TSNode | null): void {
    const ptype = parent?.type;
    if (ptype === 'expression_statement' && isDocstring(parent!)) return;
    const s = this.decodeString(node);
    if (!s) return;
    const listed = ptype === 'list' || ptype === 'tuple' || ptype === 'set';
    const assignedTo = parent && !listed ? this.assignedTo(node, parent) : undefined;
    const listedIn = listed ? this.listedIn(parent!) : undefined;
    const within = assignedTo !== undefined ? this.within(node) : undefined;
    this.strings.push({
      value: s.value,
      range: this.range(node),
      contentRange: s.contentRange,
      ...(assignedTo !== undefined ? { assignedTo } : {}),
      ...(listedIn !== undefined ? { listedIn } : {}),
      ...(within !== undefined ? { within } : {}),
      isFString: s.isF,
    });
  }

  /** The target of the assignment whose value holds the string's keyword argument or dict pair, at most 8 levels up. */
  private within(node: TSNode): string | undefined {
    let p = node.parent;
    let keyed = false;
    for (let depth = 0; p && depth < 8; depth++, p = p.parent) {
      const t = p.type;
      if (t === 'keyword_argument' || t === 'pair') keyed = true;
      else if (t === 'assignment') {
        const left = p.childForFieldName('left');
        return keyed && left && (left.type === 'identifier' || left.type === 'attribute') ? this.src(left).replace(/\s+/g, '') : undefined;
      } else if (t === 'block' || t === 'module' || t === 'expression_statement' || t === 'function_definition' || t === 'class_definition' || t === 'lambda') return undefined;
    }
    return undefined;
  }

  /** `list`: the list, tuple or set display holding the string. */
  private listedIn(list: TSNode): string | undefined {
    let v: TSNode = list;
    while (v.parent && (v.parent.type === 'binary_operator' || v.parent.type === 'parenthesized_expression')) v = v.parent;
    const p = v.parent;
    if (!p || (p.type !== 'assignment' && p.type !== 'augmented_assignment') || p.parent?.type !== 'expression_statement' || p.parent.parent?.type !== 'module') return undefined;
    const left = p.childForFieldName('left');
    const right = p.childForFieldName('right');
    return left?.type === 'identifier' && right && same(right, v) ? this.src(left) : undefined;
  }

  /** `parent`: the string's parent. */
  private assignedTo(node: TSNode, parent: TSNode): string | undefined {
    let v = node;
    let p: TSNode | null = parent;
    let ptype = p.type;
    while (ptype === 'concatenated_string' || ptype === 'parenthesized_expression') {
      v = p!;
      p = v.parent;
      if (!p) return undefined;
      ptype = p.type;
    }
    switch (ptype) {
      case 'assignment': {
        const right = p.childForFieldName('right');
        const left = p.childForFieldName('left');
        if (!right || !left || !same(right, v)) return undefined;
        // An enum member's value is a label (`onepassword = "1password"`), not what the name would hold.
        if (left.type === 'identifier' && inEnumClassBody(p)) return undefined;
        if (left.type === 'identifier' || left.type === 'attribute') return this.src(left).replace(/\s+/g, '');
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
        return value && same(value, v) ? this.srcOf(p.childForFieldName('name')) : undefined;
      }
      case 'pair': {
        const value = p.childForFieldName('value');
        const key = p.childForFieldName('key');
        if (!value || !key || !same(value, v)) return undefined;
        if (key.type === 'string') return this.decodeString(key)?.value;
        if (key.type === 'identifier' || key.type === 'attribute') return this.src(key);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Decodes a terminated string literal; undefined for unterminated or malformed ones. */
  private decodeString(node: TSNode): { value: string; contentRange: Range; isF: boolean } | undefined {
    let startText: string;
    let from: number;
    let to: number;
    if (this.hasErrors) {
      const start = node.firstChild;
      const end = node.lastChild;
      if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end' || end.isMissing) return undefined;
      startText = this.src(start);
      from = start.endIndex;
      to = end.startIndex;
    } else {
      // Without errors every string is terminated: its prefix and quotes are read from the text.
      const begin = node.startIndex;
      const head = /^[A-Za-z]*("""|'''|"|')/.exec(this.text.slice(begin, begin + 12));
      if (!head) return undefined;
      startText = head[0];
      from = begin + head[0].length;
      to = node.endIndex - head[1].length;
    }
    const quote = /["']+$/.exec(startText);
    if (!quote) return undefined;
    const prefix = startText.slice(0, startText.length - quote[0].length).toLowerCase();
    const raw = prefix.includes('r');
    const bytes = prefix.includes('b');
    const isF = prefix.includes('f') || prefix.includes('t');
    if (to < from) return undefined;
    const parts: string[] = [];
    let at = from;
    // Only f- and t-strings have interpolations (or, after error recovery, anything might).
    for (const c of isF || this.hasErrors ? node.children : []) {
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
/** `sys.exit(...)`, `exit()`, `quit()`, `os._exit(...)`: a call that ends the program. */
const EXIT_CALL = /^(?:sys\.exit|exit|quit|os\._exit)$/;

/**
 * An except clause whose block, at its own level, raises (`raise`, `raise RuntimeError("pip install x") from e`) or
 * ends the program (`sys.exit(1)`): the failed import still stops the program, so the try guards nothing.
 */
function handlerExits(clause: TSNode): boolean {
  const block = clause.namedChildren.find((c) => c !== null && c.type === 'block');
  if (!block) return false;
  return block.namedChildren.some((st) => {
    if (!st) return false;
    if (st.type === 'raise_statement') return true;
    if (st.type !== 'expression_statement') return false;
    const call = st.namedChildren[0];
    return call?.type === 'call' && EXIT_CALL.test(call.childForFieldName('function')?.text ?? '');
  });
}

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

/** A falsy default of an environment read: the body does not run when the variable is unset. */
const FALSY_DEFAULT = String.raw`(?:\s*,\s*(?:default\s*=\s*)?(?:None|False|0|""|''|"0"|'0'|"false"|'false'|"False"|'False'))?`;
/** `os.getenv("X")`, `os.environ.get("X", "")`, `env.bool("X", default=False)` (django-environ), then `.lower()`-style calls and `== "1"` / `in (...)`. */
const ENV_TEST = new RegExp(String.raw`^(?:os\.)?(?:getenv|environ\.get|env(?:\.bool|\.str)?)\(\s*["']([A-Za-z_]\w*)["']${FALSY_DEFAULT}\s*\)(?:\.(?:lower|upper|strip)\(\))*(?:\s*(?:==|in)\s*(?:["'][^"']+["']|\([^()]*\)|\[[^\[\]]*\]|True|1))?$`);
/** `"X" in os.environ`. */
const ENV_IN = /^["']([A-Za-z_]\w*)["']\s+in\s+os\.environ$/;

/**
 * The environment variable an `if` condition needs set for its body to run, or undefined: a positive test
 * of one variable read with no default or a falsy one (`not`, `!=`, `is None` and truthy defaults run the
 * body when it is unset, so they are not conditions here).
 */
export function envCondition(cond: string): string | undefined {
  const c = cond.trim().replace(/^\((.*)\)$/s, '$1').trim();
  return ENV_TEST.exec(c)?.[1] ?? ENV_IN.exec(c)?.[1];
}

/** A condition that asks whether a file or module exists (the `if` body imports it only then). */
const EXISTS_CHECK = /\.(?:exists|is_file|isfile|isdir|is_dir|find_spec|find_loader)\s*\(|\b(?:find_spec|find_loader|exists|isfile)\s*\(/;

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

/** Whether an expression statement (the parent of a string) is a docstring: alone in the statement, the first statement of a module, class or def body. */
function isDocstring(stmt: TSNode): boolean {
  if (stmt.namedChildCount !== 1) return false;
  // The first statement: only comments before it (asked sibling by sibling, not by listing the body).
  for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) if (prev.type !== 'comment') return false;
  const container = stmt.parent;
  if (!container) return false;
  if (container.type === 'block') {
    const owner = container.parent?.type;
    return owner === 'function_definition' || owner === 'class_definition';
  }
  return container.type === 'module';
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

/** Enum bases of the standard library and Django's choices: a class deriving from one holds labels as its members' values. */
const ENUM_BASE = /(?:^|\.)(?:Enum|StrEnum|IntEnum|Flag|IntFlag|TextChoices|IntegerChoices|Choices)$/;

/** True for an assignment statement directly in the body of a class that derives from an enum base. */
function inEnumClassBody(assignment: TSNode): boolean {
  const stmt = assignment.parent;
  const block = stmt?.type === 'expression_statement' ? stmt.parent : null;
  const cls = block?.type === 'block' ? block.parent : null;
  if (cls?.type !== 'class_definition') return false;
  const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  return bases.some((b) => !!b && b.type !== 'keyword_argument' && ENUM_BASE.test(b.text.replace(/\s+/g, '')));
}
