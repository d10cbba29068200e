// Modules that Django and Celery import by name from strings: the settings module, INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF and include(), WSGI/ASGI_APPLICATION, Celery include= and autodiscover_tasks().
import type { Range } from '../types';
import type { PyFileInfo, PyImport, PyString } from './parser';
import { resolveRelative } from './resolver';

const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/**
 * A closure hook (see `ClosureInput.stringImports`): for each loaded file, the modules it names by
 * string that the framework imports at start-up, as dynamic imports at the string literal. Only the
 * settings module the container uses is read: `DJANGO_SETTINGS_MODULE` from the container's
 * environment, else the default a loaded file sets with `os.environ.setdefault(...)` (manage.py,
 * wsgi.py, asgi.py), plus the settings modules it star-imports (`from .base import *`). The hook
 * keeps state across one walk: create one per walk.
 */
export function stringNamedModules(env: Record<string, string | undefined>): (file: string, info: PyFileInfo, module: string | undefined) => PyImport[] {
  const fromEnv = env.DJANGO_SETTINGS_MODULE;
  let settings = fromEnv && DOTTED.test(fromEnv) ? fromEnv : undefined;
  const settingsModules = new Set<string>(settings ? [settings] : []);
  const urlconfs = new Set<string>();
  let settingsNamed = false;

  return (_file, info, module) => {
    const out: PyImport[] = [];
    const add = (dotted: string | undefined, range: Range) => {
      if (dotted && DOTTED.test(dotted)) out.push({ module: dotted, level: 0, names: [], kind: 'dynamic', range, stmtRange: range, scope: 'module', guard: 'none' });
    };
    for (const c of info.calls) {
      if (/(^|\.)environ\.setdefault$/.test(c.callee) && c.args[0]?.value === 'DJANGO_SETTINGS_MODULE' && c.args[1]) {
        // Django imports the settings at start-up (django.setup(), the first settings access).
        if (!settings && c.args[1].value && DOTTED.test(c.args[1].value)) {
          settings = c.args[1].value;
          settingsModules.add(settings);
        }
        if (settings && !settingsNamed) {
          settingsNamed = true;
          add(settings, c.args[1].valueRange);
        }
      }
      if (/(^|\.)Celery$/.test(c.callee)) {
        const inc = c.args.find((x) => x.name === 'include');
        if (inc) for (const s of within(info.strings, inc.valueRange)) add(s.value, s.range);
      }
      if (/\.autodiscover_tasks$/.test(c.callee) && c.args[0] && c.args[0].name === undefined) {
        // The listed packages must import; their `tasks` modules are optional.
        for (const s of within(info.strings, c.args[0].valueRange)) add(s.value, s.range);
      }
    }
    if (module !== undefined && settingsModules.has(module)) {
      for (const imp of info.imports) {
        if (imp.kind !== 'from' || imp.names[0] !== '*') continue;
        const base = resolveRelative(module, false, imp.level, imp.module);
        if (base) settingsModules.add(base);
      }
      for (const s of info.strings) {
        if (s.listedIn === 'INSTALLED_APPS' || s.listedIn?.endsWith('_APPS')) add(appModule(s.value), s.range);
        else if (s.listedIn === 'MIDDLEWARE' || s.listedIn === 'MIDDLEWARE_CLASSES') add(parentOf(s.value), s.range);
        else if (s.assignedTo === 'ROOT_URLCONF') {
          urlconfs.add(s.value);
          add(s.value, s.range);
        } else if (s.assignedTo === 'WSGI_APPLICATION' || s.assignedTo === 'ASGI_APPLICATION') add(parentOf(s.value), s.range);
      }
    }
    if (module !== undefined && urlconfs.has(module)) {
      for (const c of info.calls) {
        if (!/(^|\.)include$/.test(c.callee) || !c.args[0]?.value || c.args[0].name !== undefined) continue;
        urlconfs.add(c.args[0].value);
        add(c.args[0].value, c.args[0].valueRange);
      }
    }
    return out;
  };
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
