// Modules Django and Celery import from strings: which ones each kind of command imports, and how each string names its module.
import { strict as assert } from 'assert';
import { initPython, parsePython } from '../../../server/src/core/python/parser';
import { namedBy, namedByPhrase, stringImportContext, stringNamedModules, type StringImportContext } from '../../../server/src/core/python/django';

before(async () => {
  await initPython();
});

/** `module [guard] (phrase) @line` for each string import of one file, loaded as `module`. */
function named(code: string, module: string | undefined, runs: StringImportContext, env: Record<string, string> = {}): string[] {
  const hook = stringNamedModules(env, runs);
  return hook('/app/x.py', parsePython(code), module).map((i) => `${i.module}${i.guard !== 'none' ? ' [guarded]' : ''} (${namedByPhrase(namedBy(i)!)}) @${i.range.start.line + 1}`);
}

const WORKER = stringImportContext({ kind: 'celery', subcommand: 'worker' });
const WEB = stringImportContext({ kind: 'gunicorn' });

describe('python/django: string-named modules', () => {
  it('the command decides what is imported', () => {
    assert.deepEqual(stringImportContext({ kind: 'celery', subcommand: 'beat' }), { celery: true, celeryWorker: true, manage: false });
    assert.deepEqual(stringImportContext({ kind: 'celery', subcommand: 'flower' }), { celery: true, celeryWorker: false, manage: false });
    assert.deepEqual(stringImportContext({ kind: 'django-manage', subcommand: 'runserver' }), { celery: false, celeryWorker: false, manage: true });
    assert.deepEqual(WEB, { celery: false, celeryWorker: false, manage: false });
  });

  const APP = 'from celery import Celery\n\napp = Celery("p", include=["p.jobs"])\napp.conf.imports = ("p.reports",)\napp.conf.include = ["p.extra"]\napp.autodiscover_tasks(["mail", "apps.sms"])\n';

  it('Celery include=, app.conf.imports/include and autodiscover_tasks: a worker imports them, a web server does not', () => {
    assert.deepEqual(named(APP, 'p.celery', WORKER), [
      'p.jobs (listed in Celery(include=...)) @3',
      'mail (listed in autodiscover_tasks()) @6',
      'mail.tasks [guarded] (listed in autodiscover_tasks()) @6',
      // A dotted package that does not import falls back to its parent's tasks module: only the parent is certain.
      'apps (listed in autodiscover_tasks()) @6',
      'apps.sms [guarded] (listed in autodiscover_tasks()) @6',
      'apps.tasks [guarded] (listed in autodiscover_tasks()) @6',
      'apps.sms.tasks [guarded] (listed in autodiscover_tasks()) @6',
      'p.reports (listed in app.conf.imports) @4',
      'p.extra (listed in app.conf.include) @5',
    ]);
    assert.deepEqual(named(APP, 'p.celery', WEB), []);
  });

  /** One walk's hook over several files in load order: [module, code] each; the string imports of all, as `named` prints them. */
  function walk(files: [string, string][], runs: StringImportContext): string[] {
    const hook = stringNamedModules({}, runs);
    return files.flatMap(([module, code]) => hook(`/app/${module}.py`, parsePython(code), module).map((i) => `${i.module} (${namedByPhrase(namedBy(i)!)}) @${module}:${i.range.start.line + 1}`));
  }

  const CONF_APP = 'from celery import Celery\n\napp = Celery("p")\napp.config_from_object("p.celeryconfig")\napp.conf.update(broker_url="redis://r", imports=["p.a"], include=("p.b",))\n';
  const CONF = 'broker_url = "redis://r"\nimports = ("p.tasks", "reports.nightly")\ninclude = ["p.more"]\nCELERY_IMPORTS = ["p.old"]\nOTHER = ["p.not_a_module_setting"]\n';

  it('config_from_object("module") and conf.update(imports=/include=): the worker imports the configuration module and the modules it lists', () => {
    assert.deepEqual(walk([['p.celery', CONF_APP], ['p.celeryconfig', CONF]], WORKER), [
      'p.celeryconfig (named by config_from_object()) @p.celery:4',
      'p.a (listed in app.conf.update(imports=...)) @p.celery:5',
      'p.b (listed in app.conf.update(include=...)) @p.celery:5',
      'p.tasks (listed in imports) @p.celeryconfig:2',
      'reports.nightly (listed in imports) @p.celeryconfig:2',
      'p.more (listed in include) @p.celeryconfig:3',
      'p.old (listed in CELERY_IMPORTS) @p.celeryconfig:4',
    ]);
    // flower reads the configuration but imports no task modules; a web server neither.
    assert.deepEqual(walk([['p.celery', CONF_APP], ['p.celeryconfig', CONF]], stringImportContext({ kind: 'celery', subcommand: 'flower' })), ['p.celeryconfig (named by config_from_object()) @p.celery:4']);
    assert.deepEqual(walk([['p.celery', CONF_APP], ['p.celeryconfig', CONF]], WEB), []);
    // The same module, not named as the configuration, is just a module.
    assert.deepEqual(walk([['p.celeryconfig', CONF]], WORKER), []);
  });

  it('config_from_object: an object path names its module, Django settings are left to DJANGO_SETTINGS_MODULE, an imported module object is read', () => {
    assert.deepEqual(walk([['p.celery', 'app.config_from_object("p.settings:CeleryConfig")\n']], WORKER), ['p.settings (named by config_from_object()) @p.celery:1']);
    assert.deepEqual(walk([['p.celery', 'app.config_from_object("django.conf:settings", namespace="CELERY")\n']], WORKER), []);
    assert.deepEqual(walk([['p.celery', 'from . import celeryconfig\napp.config_from_object(celeryconfig)\n'], ['p.celeryconfig', CONF]], WORKER).map((x) => x.split(' ')[0]), ['p.tasks', 'reports.nightly', 'p.more', 'p.old']);
  });

  it('autodiscover_tasks(force=True) imports at the call, in any container', () => {
    assert.deepEqual(named('app.autodiscover_tasks(["mail"], force=True)\n', 'p', WEB), ['mail (listed in autodiscover_tasks()) @1', 'mail.tasks [guarded] (listed in autodiscover_tasks()) @1']);
    assert.deepEqual(named('app.autodiscover_tasks(["mail"], force=False)\n', 'p', WEB), []);
  });

  const SETTINGS = 'INSTALLED_APPS = ["shop.orders", "shop.users.apps.UsersConfig"]\nMIDDLEWARE = ["shop.mw.Timing"]\nROOT_URLCONF = "shop.urls"\nWSGI_APPLICATION = "shop.wsgi.application"\nCELERY_IMPORTS = ("shop.jobs",)\n';

  it('Django settings: each string says which setting names it; celery skips the request side, only manage.py loads WSGI_APPLICATION', () => {
    const env = { DJANGO_SETTINGS_MODULE: 'shop.settings' };
    assert.deepEqual(named(SETTINGS, 'shop.settings', WEB, env), [
      'shop.orders (listed in INSTALLED_APPS) @1',
      'shop.users.apps (listed in INSTALLED_APPS) @1',
      'shop.mw (listed in MIDDLEWARE) @2',
      'shop.urls (named by ROOT_URLCONF) @3',
    ]);
    assert.deepEqual(named(SETTINGS, 'shop.settings', WORKER, env), [
      'shop.orders (listed in INSTALLED_APPS) @1',
      'shop.users.apps (listed in INSTALLED_APPS) @1',
      'shop.jobs (listed in CELERY_IMPORTS) @5',
    ]);
    assert.deepEqual(named(SETTINGS, 'shop.settings', stringImportContext({ kind: 'django-manage' }), env).slice(-1), ['shop.wsgi (named by WSGI_APPLICATION) @4']);
    // Not the settings module the container uses: nothing.
    assert.deepEqual(named(SETTINGS, 'shop.other_settings', WEB, env), []);
  });

  it('the settings default of os.environ.setdefault, named at the string', () => {
    assert.deepEqual(named('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n', 'shop.wsgi', WEB), ['shop.settings (named by DJANGO_SETTINGS_MODULE) @2']);
  });
});
