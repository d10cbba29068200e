// Console scripts from project metadata: pyproject (PEP 621, poetry), setup.cfg, setup.py.
import { strict as assert } from 'assert';
import { consoleScripts, parseEntryPointValue, pyprojectScripts, setupCfgScripts, setupPyScripts } from '../../../server/src/core/python/console-scripts';

const names = (xs: { name: string; module: string; func: string; line: number }[]) => xs.map((x) => [x.name, x.module, x.func, x.line]);

describe('python/console-scripts', () => {
  it('parses module:attr values with extras', () => {
    assert.deepEqual(parseEntryPointValue('pkg.cli:main'), { module: 'pkg.cli', func: 'main' });
    assert.deepEqual(parseEntryPointValue(' pkg:app.run [server] '), { module: 'pkg', func: 'app.run' });
    assert.equal(parseEntryPointValue('pkg.cli'), undefined);
  });

  it('reads [project.scripts] and [tool.poetry.scripts], and nothing from other tables', () => {
    const text = [
      '[project]', 'name = "svc"', 'dependencies = ["fastapi"]', '',
      '[project.scripts]', 'svc-api = "svc.main:run"  # the API', "'svc-worker' = 'svc.worker:main'", '',
      '[project.optional-dependencies]', 'dev = ["pytest"]', '',
      '[tool.poetry.scripts]', 'serve = { callable = "svc.serve:main" }', 'build = { reference = "build.sh", type = "file" }', 'old = "svc.old:main"', '',
      '[[tool.mypy.overrides]]', 'x = "a:b"',
    ].join('\n');
    assert.deepEqual(names(pyprojectScripts(text)), [['svc-api', 'svc.main', 'run', 5], ['svc-worker', 'svc.worker', 'main', 6], ['serve', 'svc.serve', 'main', 12], ['old', 'svc.old', 'main', 14]]);
  });

  it('reads setup.cfg [options.entry_points] console_scripts', () => {
    const text = '[metadata]\nname = svc\n\n[options.entry_points]\nconsole_scripts =\n    svc = svc.__main__:main\n    svc-admin=svc.admin:cli\npytest11 =\n    x = svc.plugin:y\n';
    assert.deepEqual(names(setupCfgScripts(text)), [['svc', 'svc.__main__', 'main', 5], ['svc-admin', 'svc.admin', 'cli', 6]]);
  });

  it('reads a literal console_scripts list in setup.py', () => {
    const text = 'from setuptools import setup\nsetup(\n    name="svc",\n    entry_points={\n        "console_scripts": [\n            "svc=svc.app:main",\n            \'svc-migrate = svc.db:migrate\',\n        ],\n    },\n)\n';
    assert.deepEqual(names(setupPyScripts(text)), [['svc', 'svc.app', 'main', 5], ['svc-migrate', 'svc.db', 'migrate', 6]]);
  });

  it('collects the scripts of every installed project folder, first declaration winning', () => {
    const files: Record<string, string> = {
      '/app/pyproject.toml': '[project.scripts]\nsvc = "svc.main:run"\n',
      '/app/setup.cfg': '[options.entry_points]\nconsole_scripts =\n  svc = other:main\n  tool = svc.tool:main\n',
      '/lib/setup.py': 'setup(entry_points={"console_scripts": ["libcli=lib.cli:main"]})\n',
    };
    const m = consoleScripts({ text: (p) => files[p] }, ['/app', '/lib', '/missing']);
    assert.deepEqual([...m.values()].map((s) => [s.name, s.module, s.func, s.file]), [
      ['svc', 'svc.main', 'run', '/app/pyproject.toml'], ['tool', 'svc.tool', 'main', '/app/setup.cfg'], ['libcli', 'lib.cli', 'main', '/lib/setup.py'],
    ]);
  });
});
