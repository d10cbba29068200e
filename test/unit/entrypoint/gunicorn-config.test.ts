// gunicorn.conf.py reading and its precedence under GUNICORN_CMD_ARGS and the command line.
import { strict as assert } from 'assert';
import { GunicornConfig, mergeGunicornConfig, parseGunicornConfig } from '../../../server/src/core/entrypoint/gunicorn-config';
import { parseEntrypoint } from '../../../server/src/core/entrypoint/parse';
import { ShellEnv } from '../../../server/src/core/entrypoint/shell';
import { range } from '../../../server/src/core/types';

/** The config without ranges, for rows that check values only. */
function values(text: string, env?: ShellEnv): Omit<GunicornConfig, 'ranges'> {
  const { ranges: _ranges, ...rest } = parseGunicornConfig(text, env);
  return rest;
}

describe('entrypoint/gunicorn-config', () => {
  describe('parseGunicornConfig', () => {
    const cases: Array<[string, string, ShellEnv | undefined, Omit<GunicornConfig, 'ranges'>]> = [
      ['string bind', 'bind = "0.0.0.0:8080"', undefined, { bind: ['0.0.0.0:8080'], fromEnvDefault: [], unknown: [] }],
      ['list bind', "bind = ['0.0.0.0:80', 'unix:/tmp/s']", undefined, { bind: ['0.0.0.0:80', 'unix:/tmp/s'], fromEnvDefault: [], unknown: [] }],
      ['tuple bind', 'bind = ("a:1",)', undefined, { bind: ['a:1'], fromEnvDefault: [], unknown: [] }],
      [
        'all the settings we read',
        'timeout = 120\npreload_app = True\nworker_class = "uvicorn.workers.UvicornWorker"\nworkers = 4\nchdir = "/srv"\npythonpath = "/a,/b"\nwsgi_app = "x:app"\n',
        undefined,
        { timeout: 120, preload: true, workerClass: 'uvicorn.workers.UvicornWorker', workers: 4, chdir: '/srv', pythonpath: '/a,/b', wsgiApp: 'x:app', fromEnvDefault: [], unknown: [] },
      ],
      ['env default', 'import os\ntimeout = int(os.environ.get("TIMEOUT", 120))', undefined, { timeout: 120, fromEnvDefault: ['timeout'], unknown: [] }],
      ['env value known', 'import os\ntimeout = int(os.environ.get("TIMEOUT", 120))', { TIMEOUT: '300' }, { timeout: 300, fromEnvDefault: [], unknown: [] }],
      ['env set, value unknown', 'timeout = int(os.getenv("TIMEOUT", "120"))', { TIMEOUT: undefined }, { fromEnvDefault: [], unknown: ['timeout'] }],
      ['getenv with f-string', `bind = f"0.0.0.0:{os.getenv('PORT', '8080')}"`, undefined, { bind: ['0.0.0.0:8080'], fromEnvDefault: ['bind'], unknown: [] }],
      ['concatenation', `bind = "0.0.0.0:" + os.environ.get("PORT", "8000")`, { PORT: '9000' }, { bind: ['0.0.0.0:9000'], fromEnvDefault: [], unknown: [] }],
      ['% formatting with an earlier name', `port = os.getenv("PORT", 5000)\nbind = "%s:%s" % ("0.0.0.0", port)`, undefined, { bind: ['0.0.0.0:5000'], fromEnvDefault: ['bind'], unknown: [] }],
      ['f-string with an earlier name', `host = "0.0.0.0"\nport = 8000\nbind = f"{host}:{port}"`, undefined, { bind: ['0.0.0.0:8000'], fromEnvDefault: [], unknown: [] }],
      ['os.environ[...] without a value', `bind = os.environ["BIND"]`, undefined, { fromEnvDefault: [], unknown: ['bind'] }],
      ['os.environ.get without a default', `bind = os.environ.get("BIND")`, undefined, { fromEnvDefault: [], unknown: ['bind'] }],
      ['computed', 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1', undefined, { fromEnvDefault: [], unknown: ['workers'] }],
      ['str.format is not evaluated', `bind = "{}:{}".format("0.0.0.0", 80)`, undefined, { fromEnvDefault: [], unknown: ['bind'] }],
      ['conditional assignment', 'timeout = 30\nif DEBUG:\n    timeout = 0\n', undefined, { fromEnvDefault: [], unknown: ['timeout'] }],
      ['a later top-level assignment wins', 'if DEBUG:\n    timeout = 0\ntimeout = 60\n', undefined, { timeout: 60, fromEnvDefault: [], unknown: [] }],
      ['function bodies are ignored', 'def when_ready(server):\n    bind = "x"\n    timeout = 1\n\nbind = ":80"\n', undefined, { bind: [':80'], fromEnvDefault: [], unknown: [] }],
      ['comments', 'bind = "0.0.0.0:80"  # public\n# timeout = 5\n', undefined, { bind: ['0.0.0.0:80'], fromEnvDefault: [], unknown: [] }],
      ['False and a typed assignment', 'preload_app: bool = False', undefined, { preload: false, fromEnvDefault: [], unknown: [] }],
      ['or-default', `timeout = int(os.environ.get("T") or 90)`, undefined, { timeout: 90, fromEnvDefault: ['timeout'], unknown: [] }],
      ['a wrong type is unknown', 'timeout = "soon"', undefined, { fromEnvDefault: [], unknown: ['timeout'] }],
    ];
    for (const [name, text, env, expected] of cases) it(name, () => assert.deepEqual(values(text, env), expected));

    it('gives the range of each value, across lines', () => {
      const text = 'import os\nbind = [\n    "0.0.0.0:80",\n    "[::]:80",\n]  # both\ntimeout = 120\n';
      assert.deepEqual(parseGunicornConfig(text).ranges, { bind: range(1, 7, 4, 1), timeout: range(5, 10, 5, 13) });
    });
  });

  describe('mergeGunicornConfig', () => {
    const cfg = parseGunicornConfig('bind = "0.0.0.0:9000"\ntimeout = int(os.environ.get("TIMEOUT", 120))\npreload_app = True\nworker_class = "gthread"\nchdir = "/srv"\npythonpath = "lib"\nwsgi_app = "cfg:app"\n');

    it('fills settings left at their defaults', () => {
      const ep = mergeGunicornConfig(parseEntrypoint(['gunicorn'], {}), cfg);
      assert.deepEqual(
        { module: ep.module, callable: ep.callable, bind: ep.bind, timeout: ep.timeout, preload: ep.preload, workerClass: ep.workerClass, chdir: ep.chdir, pythonPath: ep.pythonPath, sources: ep.sources },
        {
          module: 'cfg', callable: 'app',
          bind: { raw: '0.0.0.0:9000', host: '0.0.0.0', port: '9000', isDefault: false, from: 'config', configRange: range(0, 7, 0, 21) },
          timeout: { seconds: 120, isDefault: false, from: 'config', fromEnvDefault: true, configRange: range(1, 10, 1, 45) },
          preload: true, workerClass: 'gthread', chdir: '/srv', pythonPath: ['lib'],
          sources: { bind: 'config', timeout: 'config', preload: 'config', workerClass: 'config', chdir: 'config', pythonpath: 'config', app: 'config' },
        },
      );
    });

    it('the command line wins over the config file', () => {
      const ep = mergeGunicornConfig(parseEntrypoint(['gunicorn', '-b', ':8080', '-t', '30', '-k', 'sync', '--chdir', '/app', 'main:app'], {}), cfg);
      assert.deepEqual(
        { module: ep.module, bind: ep.bind?.raw, timeout: ep.timeout?.seconds, from: ep.timeout?.from, workerClass: ep.workerClass, chdir: ep.chdir, preload: ep.preload },
        { module: 'main', bind: ':8080', timeout: 30, from: 'argv', workerClass: 'sync', chdir: '/app', preload: true },
      );
    });

    it('GUNICORN_CMD_ARGS wins over the config file', () => {
      const ep = mergeGunicornConfig(parseEntrypoint(['gunicorn', 'main:app'], { GUNICORN_CMD_ARGS: '--timeout 600 --bind 0.0.0.0:7000' }), cfg);
      assert.deepEqual([ep.timeout, ep.bind?.raw, ep.bind?.from], [{ seconds: 600, isDefault: false, from: 'GUNICORN_CMD_ARGS' }, '0.0.0.0:7000', 'GUNICORN_CMD_ARGS']);
    });

    it('a config bind replaces the PORT default', () => {
      const ep = mergeGunicornConfig(parseEntrypoint(['gunicorn', 'main:app'], { PORT: '8080' }), parseGunicornConfig('bind = "127.0.0.1:5000"'));
      assert.deepEqual([ep.bind?.host, ep.bind?.port, ep.bind?.from], ['127.0.0.1', '5000', 'config']);
    });

    it('settings the config computes become unknown or uncertain', () => {
      const ep = mergeGunicornConfig(parseEntrypoint(['gunicorn', 'main:app'], {}), parseGunicornConfig('bind = get_bind()\ntimeout = compute()\n'));
      assert.deepEqual([ep.bind?.uncertain, ep.timeout], ['the config file computes the bind', undefined]);
    });

    it('a config file\'s workers wins over WEB_CONCURRENCY (only gunicorn\'s default), the command line over both', () => {
      const env = { WEB_CONCURRENCY: '6' };
      const fromCfg = mergeGunicornConfig(parseEntrypoint(['gunicorn', 'main:app'], env), parseGunicornConfig('workers = 2\n'));
      const fromArgv = mergeGunicornConfig(parseEntrypoint(['gunicorn', '-w', '4', 'main:app'], env), parseGunicornConfig('workers = 2\n'));
      const fromEnv = mergeGunicornConfig(parseEntrypoint(['gunicorn', 'main:app'], env), parseGunicornConfig('timeout = 60\n'));
      assert.deepEqual([fromCfg.workers, fromCfg.sources?.workers, fromArgv.workers, fromEnv.workers, fromEnv.sources?.workers], [2, undefined, 4, 6, 'env']);
    });

    it('leaves other servers alone', () => {
      const ep = parseEntrypoint(['uvicorn', 'main:app'], {});
      assert.equal(mergeGunicornConfig(ep, cfg), ep);
    });
  });
});
