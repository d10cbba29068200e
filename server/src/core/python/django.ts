// Modules that Django and Celery import by name from strings: the settings module, INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF and include(), WSGI/ASGI_APPLICATION, Celery include=/imports/CELERY_IMPORTS, conf.update(), config_from_object() and autodiscover_tasks().
import type { Range } from '../types';
import type { PyFileInfo, PyImport, PyString } from './parser';
import { resolveRelative } from './resolver';

const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** How a string names a module: `listed` in a sequence setting (INSTALLED_APPS), or `named` by a single-valued one (ROOT_URLCONF). */
export interface NamedBy {
  how: 'listed' | 'named';
  /** The setting or construct: 'INSTALLED_APPS', 'ROOT_URLCONF', 'include()', 'Celery(include=...)', 'app.conf.imports'. */
  by: string;
}

/** A dynamic import a framework makes from a string, with where the string sits. */
export interface StringImport extends PyImport {
  namedBy: NamedBy;
}

/** Where a string-named import comes from; undefined for an import statement or `import_module` call. */
export function namedBy(imp: PyImport): NamedBy | undefined {
  return (imp as Partial<StringImport>).namedBy;
}

/** "listed in INSTALLED_APPS", "named by ROOT_URLCONF": completes "'x' is ... in settings.py". */
export function namedByPhrase(n: NamedBy): string {
  return n.how === 'listed' ? `listed in ${n.by}` : `named by ${n.by}`;
}

/** "lists x in INSTALLED_APPS", "sets ROOT_URLCONF to x", "calls include("x")": what the file does, for the import chain. */
export function namingPhrase(n: NamedBy, module: string): string {
  if (n.how === 'listed') return `lists ${module} in ${n.by}`;
  return n.by.endsWith('()') ? `calls ${n.by.slice(0, -1)}"${module}")` : `sets ${n.by} to ${module}`;
}

/** What the container runs, as far as string-named modules go. */
export interface StringImportContext {
  /** A celery worker or beat: it imports the app's `include`/`imports` modules and runs `autodiscover_tasks` at start-up (Loader.init_worker). */
  celeryWorker?: boolean;
  /** Celery (any command): Django's request side (MIDDLEWARE, ROOT_URLCONF) is not loaded. */
  celery?: boolean;
  /** `manage.py` (runserver and the commands that run system checks): WSGI_APPLICATION/ASGI_APPLICATION are loaded. */
  manage?: boolean;
}

/** The string-import context of a server command (`celery -A x worker`, `python manage.py runserver`, gunicorn, ...). */
export function stringImportContext(ep: { kind: string; subcommand?: string }): StringImportContext {
  const celery = ep.kind === 'celery';
  return { celery, celeryWorker: celery && (ep.subcommand === 'worker' || ep.subcommand === 'beat'), manage: ep.kind === 'django-manage' };
}

/**
 * A closure hook (see `ClosureInput.stringImports`): for each loaded file, the modules it names by
 * string that the framework imports at start-up, as dynamic imports at the string literal (each a
 * {@link StringImport}). Only the settings module the container uses is read: `DJANGO_SETTINGS_MODULE`
 * from the container's environment, else the default a loaded file sets with `os.environ.setdefault(...)`
 * (manage.py, wsgi.py, asgi.py), plus the settings modules it star-imports (`from .base import *`).
 * Celery's task modules (`Celery(include=...)`, `app.conf.imports`/`include`, `app.conf.update(imports=, include=)`,
 * `CELERY_IMPORTS`/`CELERY_INCLUDE` in those settings, `imports`/`include` of a `config_from_object("module")`
 * configuration module (itself imported by every celery command), `autodiscover_tasks([...])`) are imported only by a worker or beat
 * (`runs.celeryWorker`), except `autodiscover_tasks(..., force=True)`, which imports at the call; Django's
 * request side (MIDDLEWARE, ROOT_URLCONF) only by what serves requests or runs `manage.py`, and
 * WSGI_APPLICATION/ASGI_APPLICATION only by `manage.py runserver`.
 * The hook keeps state across one walk: create one per walk.
 */
export function stringNamedModules(env: Record<string, string | undefined>, runs: StringImportContext = {}): (file: string, info: PyFileInfo, module: string | undefined) => PyImport[] {
  const fromEnv = env.DJANGO_SETTINGS_MODULE;
  let settings = fromEnv && DOTTED.test(fromEnv) ? fromEnv : undefined;
  const settingsModules = new Set<string>(settings ? [settings] : []);
  const urlconfs = new Set<string>();
  /** Modules `app.config_from_object(...)` names: celery reads their `imports`/`include` settings. */
  const celeryConfigs = new Set<string>();
  let settingsNamed = false;

  return (_file, info, module) => {
    const out: StringImport[] = [];
    const add = (dotted: string | undefined, range: Range, how: NamedBy['how'], by: string, guard: PyImport['guard'] = 'none', envCondition?: string) => {
      if (dotted && DOTTED.test(dotted)) out.push({ module: dotted, level: 0, names: [], kind: 'dynamic', range, stmtRange: range, scope: 'module', guard, namedBy: { how, by }, ...(envCondition ? { envCondition } : {}) });
    };
    for (const c of info.calls) {
      if (c.mainGuard) continue;
      if (/(^|\.)environ\.setdefault$/.test(c.callee) && c.args[0]?.value === 'DJANGO_SETTINGS_MODULE' && c.args[1]) {
        // Django imports the settings at start-up (django.setup(), the first settings access).
        if (!settings && c.args[1].value && DOTTED.test(c.args[1].value)) {
          settings = c.args[1].value;
          settingsModules.add(settings);
        }
        if (settings && !settingsNamed) {
          settingsNamed = true;
          add(settings, c.args[1].valueRange, 'named', 'DJANGO_SETTINGS_MODULE');
        }
      }
      if (/(^|\.)Celery$/.test(c.callee) && runs.celeryWorker) {
        const inc = c.args.find((x) => x.name === 'include');
        if (inc) for (const s of within(info.strings, inc.valueRange)) add(s.value, s.range, 'listed', 'Celery(include=...)');
      }
      if (/\.config_from_object$/.test(c.callee) && runs.celery && c.args[0] && c.args[0].name === undefined) {
        const arg = c.args[0];
        if (arg.value !== undefined) {
          // `"pkg.celeryconfig"` or `"pkg.settings:Config"`: celery imports the module when it reads the configuration
          // (a worker at start-up). Django's settings (`"django.conf:settings"`) come from DJANGO_SETTINGS_MODULE instead.
          const mod = arg.value.split(':')[0];
          if (mod !== 'django.conf' && DOTTED.test(mod)) {
            celeryConfigs.add(mod);
            add(mod, arg.valueRange, 'named', 'config_from_object()');
          }
        } else if (arg.text && /^[A-Za-z_]\w*$/.test(arg.text)) {
          // A module object the file imported (`from proj import celeryconfig`).
          for (const m of importedAs(info, module, arg.text)) celeryConfigs.add(m);
        }
      }
      if (/\.conf\.update$/.test(c.callee) && runs.celeryWorker) {
        for (const x of c.args) {
          if (x.name === 'imports' || x.name === 'include') for (const s of within(info.strings, x.valueRange)) add(s.value, s.range, 'listed', `${c.callee}(${x.name}=...)`);
        }
      }
      if (/\.autodiscover_tasks$/.test(c.callee) && c.args[0] && c.args[0].name === undefined) {
        const force = c.args.some((x) => x.name === 'force' && x.value === 'True');
        if (runs.celeryWorker || force) for (const s of within(info.strings, c.args[0].valueRange)) autodiscovered(s, add);
      }
    }
    if (runs.celeryWorker) {
      // `app.conf.imports = [...]` / `app.conf.include = (...)`: the worker imports each at start-up.
      for (const asg of info.assignments) {
        const m = /\.conf\.(imports|include)$/.exec(asg.target);
        if (m && !asg.mainGuard) for (const s of within(info.strings, asg.valueRange)) add(s.value, s.range, 'listed', asg.target);
      }
    }
    if (module !== undefined && celeryConfigs.has(module) && runs.celeryWorker) {
      // A configuration module's `imports = [...]` / `include = [...]` (Celery 3's CELERY_IMPORTS / CELERY_INCLUDE): the worker imports each.
      for (const s of info.strings) {
        if (s.listedIn && CELERY_MODULE_SETTINGS.has(s.listedIn)) add(s.value, s.range, 'listed', s.listedIn);
      }
    }
    if (module !== undefined && settingsModules.has(module)) {
      for (const imp of info.imports) {
        if (imp.kind !== 'from' || imp.names[0] !== '*') continue;
        const base = resolveRelative(module, false, imp.level, imp.module);
        if (base) settingsModules.add(base);
      }
      for (const s of info.strings) {
        const list = s.listedIn;
        if (list === 'INSTALLED_APPS' || list?.endsWith('_APPS')) add(appModule(s.value), s.range, 'listed', list);
        else if ((list === 'MIDDLEWARE' || list === 'MIDDLEWARE_CLASSES') && !runs.celery) add(parentOf(s.value), s.range, 'listed', list);
        // Celery reads its settings from Django's with namespace='CELERY' (and Celery 3's old names are the same).
        else if ((list === 'CELERY_IMPORTS' || list === 'CELERY_INCLUDE') && runs.celeryWorker) add(s.value, s.range, 'listed', list);
        else if (runs.celery) continue;
        else if (s.assignedTo === 'ROOT_URLCONF') {
          urlconfs.add(s.value);
          add(s.value, s.range, 'named', 'ROOT_URLCONF');
        } else if ((s.assignedTo === 'WSGI_APPLICATION' || s.assignedTo === 'ASGI_APPLICATION') && runs.manage) add(parentOf(s.value), s.range, 'named', s.assignedTo);
      }
      // `INSTALLED_APPS.append("billing")` / `.insert(0, "x")` / `.extend([...])` at module level (under an env check: conditional).
      for (const c of info.calls) {
        const m = /^([A-Z_]*APPS)\.(?:append|insert|extend)$/.exec(c.callee);
        if (!m || c.scope !== 'module' || c.mainGuard) continue;
        for (const s of within(info.strings, c.range)) add(appModule(s.value), s.range, 'listed', m[1], 'none', c.envCondition);
      }
    }
    if (module !== undefined && urlconfs.has(module)) {
      for (const c of info.calls) {
        if (!/(^|\.)include$/.test(c.callee) || !c.args[0]?.value || c.args[0].name !== undefined) continue;
        urlconfs.add(c.args[0].value);
        add(c.args[0].value, c.args[0].valueRange, 'named', 'include()');
      }
    }
    return out;
  };
}

/** Celery settings that list modules a worker imports at start-up (new names and Celery 3's). */
const CELERY_MODULE_SETTINGS = new Set(['imports', 'include', 'CELERY_IMPORTS', 'CELERY_INCLUDE']);

/** The module a name bound by the file's imports is: `import x` -> x; `from p import x` -> p.x (a submodule; an attribute of p is not followed). */
function importedAs(info: PyFileInfo, module: string | undefined, name: string): string[] {
  const out: string[] = [];
  for (const imp of info.imports) {
    if (imp.kind === 'import' && imp.module === name) out.push(name);
    if (imp.kind !== 'from' || !imp.names.includes(name)) continue;
    const base = imp.level ? (module !== undefined ? resolveRelative(module, false, imp.level, imp.module) : undefined) : imp.module;
    if (base) out.push(`${base}.${name}`);
  }
  return out;
}

/**
 * One package of `autodiscover_tasks([...])`, as celery's `find_related_module` imports it: the
 * package, then `<package>.tasks`, where a missing tasks module is skipped. When a dotted package
 * fails to import, celery tries `<parent>.tasks` instead, so only the parent is certain to be
 * needed: the package itself and both tasks modules are followed when present, never reported.
 */
function autodiscovered(s: PyString, add: (dotted: string | undefined, range: Range, how: NamedBy['how'], by: string, guard?: PyImport['guard']) => void): void {
  const by = 'autodiscover_tasks()';
  const parent = parentOf(s.value);
  if (parent === undefined) add(s.value, s.range, 'listed', by);
  else {
    add(parent, s.range, 'listed', by);
    add(s.value, s.range, 'listed', by, 'import-error');
    add(`${parent}.tasks`, s.range, 'listed', by, 'import-error');
  }
  add(`${s.value}.tasks`, s.range, 'listed', by, 'import-error');
}

/** An INSTALLED_APPS entry's module: the app package, or for an AppConfig path (`pkg.apps.PkgConfig`) its module. */
function appModule(entry: string): string | undefined {
  const last = entry.slice(entry.lastIndexOf('.') + 1);
  return entry.includes('.') && /^[A-Z]/.test(last) ? parentOf(entry) : entry;
}

function parentOf(dotted: string): string | undefined {
  const dot = dotted.lastIndexOf('.');
  return dot > 0 ? dotted.slice(0, dot) : undefined;
}

function within(strings: PyString[], r: Range): PyString[] {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return strings.filter((s) => before(r.start, s.range.start) && before(s.range.end, r.end));
}
