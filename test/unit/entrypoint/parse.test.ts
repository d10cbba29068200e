// parseEntrypoint: unwrapping shells and wrappers, and each server's options, targets, binds and defaults.
import { strict as assert } from 'assert';
import { Entrypoint, parseAddress, parseAppTarget, parseEntrypoint } from '../../../server/src/core/entrypoint/parse';
import { ShellEnv } from '../../../server/src/core/entrypoint/shell';
import { range } from '../../../server/src/core/types';

/** The fields of `ep` named in `expected`, so each row states exactly what it checks. */
function pick(ep: Entrypoint, expected: Partial<Entrypoint>): Partial<Entrypoint> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected)) out[k] = (ep as unknown as Record<string, unknown>)[k];
  return out as Partial<Entrypoint>;
}

const sh = (cmd: string): string[] => ['/bin/sh', '-c', cmd];

interface Row {
  name: string;
  argv: string[];
  env?: ShellEnv;
  expect: Partial<Entrypoint>;
}

function run(rows: Row[]): void {
  for (const r of rows) {
    it(r.name, () => assert.deepEqual(pick(parseEntrypoint(r.argv, r.env ?? {}), r.expect), r.expect));
  }
}

const GUNICORN_DEFAULT_BIND = { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' as const };

describe('entrypoint/parse', () => {
  describe('the incident: CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 coordinator:app', () => {
    const cmd = 'exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 coordinator:app';

    it('on Cloud Run (PORT set by the platform, value unknown here)', () => {
      assert.deepEqual(parseEntrypoint(sh(cmd), { PORT: undefined }), {
        kind: 'gunicorn',
        argv: ['gunicorn', '--bind', ':$PORT', '--workers', '1', '--threads', '8', '--timeout', '0', 'coordinator:app'],
        pythonPath: [],
        sources: { app: 'argv', bind: 'argv', timeout: 'argv' },
        module: 'coordinator',
        callable: 'app',
        targetArg: { value: 'coordinator:app', index: 2, start: 64, end: 79 },
        bind: {
          host: '', port: '$PORT', raw: ':$PORT', isDefault: false, from: 'argv', unresolved: true,
          arg: { value: ':$PORT', index: 2, start: 21, end: 27 },
        },
        timeout: { seconds: 0, isDefault: false, from: 'argv', arg: { value: '0', index: 2, start: 62, end: 63 } },
        workers: 1,
        preload: false,
        defaultConfig: 'gunicorn.conf.py',
      });
    });

    it('with PORT known, and source ranges for the shell string', () => {
      // CMD exec gunicorn ... : the script text starts at column 4 of line 7.
      const ep = parseEntrypoint(sh(cmd), { PORT: '8080' }, { ranges: [undefined, undefined, range(7, 4, 7, 4 + cmd.length)] });
      assert.deepEqual(ep.bind, {
        host: '', port: '8080', raw: ':8080', isDefault: false, from: 'argv',
        arg: { value: ':8080', index: 2, start: 21, end: 27, range: range(7, 25, 7, 31) },
      });
      assert.deepEqual(ep.targetArg, { value: 'coordinator:app', index: 2, start: 64, end: 79, range: range(7, 68, 7, 83) });
    });
  });

  describe('exec form is not expanded', () => {
    run([
      {
        name: '["gunicorn","--bind","0.0.0.0:$PORT","app:app"] passes $PORT literally',
        argv: ['gunicorn', '--bind', '0.0.0.0:$PORT', 'app:app'],
        env: { PORT: '8080' },
        expect: {
          bind: {
            host: '0.0.0.0', port: '$PORT', raw: '0.0.0.0:$PORT', isDefault: false, from: 'argv', literalVariable: true,
            arg: { value: '0.0.0.0:$PORT', index: 2 },
          },
        },
      },
      {
        name: '--bind=:${PORT} attached, with an element range',
        argv: ['gunicorn', '--bind=:${PORT}', 'app:app'],
        expect: {
          bind: {
            host: '', port: '${PORT}', raw: ':${PORT}', isDefault: false, from: 'argv', literalVariable: true,
            arg: { value: ':${PORT}', index: 1, start: 7, end: 15 },
          },
        },
      },
      {
        name: 'uvicorn --port $PORT in exec form',
        argv: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '$PORT'],
        expect: {
          bind: {
            host: '0.0.0.0', port: '$PORT', raw: '0.0.0.0:$PORT', isDefault: false, from: 'argv', literalVariable: true,
            hostArg: { value: '0.0.0.0', index: 3 }, portArg: { value: '$PORT', index: 5 },
          },
        },
      },
      {
        name: 'a literal $ in the target makes the entrypoint uncertain',
        argv: ['gunicorn', '$APP_MODULE'],
        expect: { module: '$APP_MODULE', uncertain: 'the target $APP_MODULE holds a literal $ (exec form does not expand variables)' },
      },
      {
        name: 'the same in shell form is expanded',
        argv: sh('gunicorn --bind 0.0.0.0:$PORT $APP_MODULE'),
        env: { PORT: '8080', APP_MODULE: 'svc.main:app' },
        expect: {
          module: 'svc.main', callable: 'app', uncertain: undefined,
          bind: {
            host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'argv',
            arg: { value: '0.0.0.0:8080', index: 2, start: 16, end: 29 },
          },
        },
      },
      {
        name: 'a shell-form target with an unknown variable is uncertain',
        argv: sh('gunicorn $APP_MODULE'),
        expect: { module: '$APP_MODULE', uncertain: 'the target $APP_MODULE holds a variable without a known value' },
      },
    ]);
  });

  describe('gunicorn', () => {
    run([
      { name: 'module:callable', argv: ['gunicorn', 'app:app'], expect: { kind: 'gunicorn', module: 'app', callable: 'app', bind: GUNICORN_DEFAULT_BIND } },
      { name: 'module only -> application', argv: ['gunicorn', 'proj.wsgi'], expect: { module: 'proj.wsgi', callable: 'application', factory: undefined } },
      { name: 'django wsgi:application', argv: ['gunicorn', 'proj.wsgi:application'], expect: { kind: 'gunicorn', module: 'proj.wsgi', callable: 'application' } },
      { name: 'factory()', argv: ['gunicorn', 'app:create_app()'], expect: { module: 'app', callable: 'create_app', factory: true, factoryArgs: '' } },
      {
        name: "factory('x', debug=True)",
        argv: ['gunicorn', "pkg.web:create_app('x', debug=True)"],
        expect: { module: 'pkg.web', callable: 'create_app', factory: true, factoryArgs: "'x', debug=True" },
      },
      {
        name: '-b X -w 4 -k uvicorn worker -t 120 --preload',
        argv: ['gunicorn', '-b', '0.0.0.0:8080', '-w', '4', '-k', 'uvicorn.workers.UvicornWorker', '-t', '120', '--preload', 'main:app'],
        expect: {
          module: 'main', callable: 'app', workers: 4, workerClass: 'uvicorn.workers.UvicornWorker', preload: true,
          timeout: { seconds: 120, isDefault: false, from: 'argv', arg: { value: '120', index: 8 } },
          bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'argv', arg: { value: '0.0.0.0:8080', index: 2 } },
        },
      },
      {
        name: 'attached short values -b0.0.0.0:80 -w2 -t=60',
        argv: ['gunicorn', '-b0.0.0.0:80', '-w2', '-t=60', 'app:app'],
        expect: {
          workers: 2,
          timeout: { seconds: 60, isDefault: false, from: 'argv', arg: { value: '60', index: 3, start: 3, end: 5 } },
          bind: { host: '0.0.0.0', port: '80', raw: '0.0.0.0:80', isDefault: false, from: 'argv', arg: { value: '0.0.0.0:80', index: 1, start: 2, end: 12 } },
        },
      },
      {
        name: '--timeout=90 --workers=3 --worker-class=gthread',
        argv: ['gunicorn', '--timeout=90', '--workers=3', '--worker-class=gthread', 'app:app'],
        expect: { workers: 3, workerClass: 'gthread', timeout: { seconds: 90, isDefault: false, from: 'argv', arg: { value: '90', index: 1, start: 10, end: 12 } } },
      },
      {
        name: 'several binds: the first, and all listed',
        argv: ['gunicorn', '-b', '127.0.0.1:8000', '--bind', '[::1]:8000', '--bind=unix:/tmp/g.sock', 'test:app'],
        expect: {
          bind: {
            host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: false, from: 'argv',
            arg: { value: '127.0.0.1:8000', index: 2 }, all: ['127.0.0.1:8000', '[::1]:8000', 'unix:/tmp/g.sock'],
          },
        },
      },
      {
        name: 'host without port defaults to 8000',
        argv: ['gunicorn', '--bind', '0.0.0.0', 'app:app'],
        expect: { bind: { host: '0.0.0.0', port: '8000', raw: '0.0.0.0', isDefault: false, from: 'argv', arg: { value: '0.0.0.0', index: 2 } } },
      },
      {
        name: 'unix socket bind',
        argv: ['gunicorn', '--bind', 'unix:/run/app.sock', 'app:app'],
        expect: { bind: { unix: '/run/app.sock', raw: 'unix:/run/app.sock', isDefault: false, from: 'argv', arg: { value: 'unix:/run/app.sock', index: 2 } } },
      },
      {
        name: 'PORT in the environment changes the default bind',
        argv: ['gunicorn', 'app:app'],
        env: { PORT: '8080' },
        expect: { bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: true, from: 'default' } },
      },
      {
        name: 'PORT set by the platform with an unknown value',
        argv: ['gunicorn', 'app:app'],
        env: { PORT: undefined },
        expect: { bind: { host: '0.0.0.0', port: '$PORT', raw: '0.0.0.0:$PORT', isDefault: true, from: 'default', unresolved: true } },
      },
      {
        name: 'every value option consumes its value, flags do not',
        argv: [
          'gunicorn', '--threads', '8', '--worker-connections', '100', '--max-requests', '1000', '--max-requests-jitter', '50',
          '--graceful-timeout', '30', '--keep-alive', '5', '--limit-request-line', '0', '--log-level', 'debug',
          '--access-logfile', '-', '--error-logfile', '-', '--access-logformat', '%(h)s', '--log-config', 'log.ini',
          '-n', 'api', '-p', '/tmp/pid', '-u', 'app', '-g', 'app', '-m', '007', '--worker-tmp-dir', '/dev/shm',
          '-e', 'A=1', '--env', 'B=2', '--forwarded-allow-ips', '*', '--certfile', 'c.pem', '--keyfile', 'k.pem',
          '--ca-certs', 'ca.pem', '--statsd-host', 'localhost:8125', '--reload', '--reload-engine', 'poll',
          '--reload-extra-file', 'x.yaml', '-D', '--check-config', '--print-config', '--proxy-protocol', '--capture-output',
          '--enable-stdio-inheritance', '-R', '--no-sendfile', '--reuse-port', '--limit-request-field_size', '0',
          'wsgi:app',
        ],
        expect: { module: 'wsgi', callable: 'app', reload: true, uncertain: undefined },
      },
      {
        name: 'argparse accepts unique prefixes (--time, --work=)',
        argv: ['gunicorn', '--time', '0', '--workers=2', '--pre', 'app:app'],
        expect: { module: 'app', workers: 2, preload: true, timeout: { seconds: 0, isDefault: false, from: 'argv', arg: { value: '0', index: 2 } } },
      },
      {
        name: '--chdir and --pythonpath (comma-separated)',
        argv: ['gunicorn', '--chdir', '/app/src', '--pythonpath', '/app/lib, /app/vendor', 'web:app'],
        expect: { chdir: '/app/src', pythonPath: ['/app/lib', '/app/vendor'], sources: { app: 'argv', bind: 'default', timeout: 'default', chdir: 'argv', pythonpath: 'argv' } },
      },
      { name: '-c file', argv: ['gunicorn', '-c', 'conf/gunicorn.py', 'app:app'], expect: { configFile: 'conf/gunicorn.py', defaultConfig: undefined } },
      { name: '--config=file:x.py', argv: ['gunicorn', '--config=file:x.py', 'app:app'], expect: { configFile: 'x.py' } },
      { name: '-c python:module', argv: ['gunicorn', '-c', 'python:settings.gunicorn', 'app:app'], expect: { configModule: 'settings.gunicorn', configFile: undefined } },
      { name: 'no target (wsgi_app may come from the config file)', argv: ['gunicorn', '-c', 'gunicorn.conf.py'], expect: { module: undefined, targetArg: undefined, uncertain: undefined } },
      { name: '--paste', argv: ['gunicorn', '--paste', 'development.ini'], expect: { uncertain: 'gunicorn --paste loads the app from a PasteDeploy file' } },
      {
        name: 'an unknown option right before the target',
        argv: ['gunicorn', '--brand-new-option', 'app:app'],
        expect: { module: 'app', uncertain: 'unknown option before the target (--brand-new-option)' },
      },
      { name: 'a timeout without a known value', argv: sh('gunicorn --timeout $T app:app'), expect: { timeout: undefined } },
    ]);
  });

  describe('GUNICORN_CMD_ARGS', () => {
    run([
      {
        name: 'its options apply',
        argv: ['gunicorn', 'app:app'],
        env: { GUNICORN_CMD_ARGS: '--bind=0.0.0.0:9000 --workers 3 --timeout 120 --preload -k gevent' },
        expect: {
          bind: { host: '0.0.0.0', port: '9000', raw: '0.0.0.0:9000', isDefault: false, from: 'GUNICORN_CMD_ARGS' },
          timeout: { seconds: 120, isDefault: false, from: 'GUNICORN_CMD_ARGS' },
          workers: 3, preload: true, workerClass: 'gevent',
          sources: { app: 'argv', bind: 'GUNICORN_CMD_ARGS', timeout: 'GUNICORN_CMD_ARGS', workerClass: 'GUNICORN_CMD_ARGS', preload: 'GUNICORN_CMD_ARGS' },
        },
      },
      {
        name: 'the command line wins',
        argv: ['gunicorn', '-b', ':8080', '-t', '60', 'app:app'],
        env: { GUNICORN_CMD_ARGS: '--bind 127.0.0.1:9000 --timeout 120' },
        expect: {
          bind: { host: '', port: '8080', raw: ':8080', isDefault: false, from: 'argv', arg: { value: ':8080', index: 2 } },
          timeout: { seconds: 60, isDefault: false, from: 'argv', arg: { value: '60', index: 4 } },
        },
      },
      {
        name: 'a positional in it is ignored; quotes are honoured',
        argv: ['gunicorn', 'app:app'],
        env: { GUNICORN_CMD_ARGS: `other:app --access-logformat '%(h)s %(r)s' --chdir /srv` },
        expect: { module: 'app', chdir: '/srv' },
      },
      {
        name: 'set without a known value: the bind default is uncertain and the timeout unknown',
        argv: ['gunicorn', 'app:app'],
        env: { GUNICORN_CMD_ARGS: undefined },
        expect: { bind: { ...GUNICORN_DEFAULT_BIND, uncertain: 'GUNICORN_CMD_ARGS has no known value' }, timeout: undefined },
      },
    ]);
  });

  describe('unwrapping', () => {
    const G = { kind: 'gunicorn' as const, module: 'app', callable: 'app' };
    run([
      { name: 'exec', argv: ['exec', 'gunicorn', 'app:app'], expect: { ...G, argv: ['gunicorn', 'app:app'] } },
      { name: 'sh -c', argv: ['sh', '-c', 'gunicorn app:app'], expect: G },
      { name: 'bash -c', argv: ['bash', '-c', 'exec gunicorn app:app'], expect: G },
      { name: '/bin/bash -ec', argv: ['/bin/bash', '-ec', 'gunicorn app:app'], expect: G },
      { name: '/bin/sh -c with cd: working dir', argv: sh('cd /app && exec gunicorn app:app'), expect: { ...G, cwd: '/app' } },
      { name: 'relative cd chains', argv: sh('cd /srv; cd api && gunicorn app:app'), expect: { ...G, cwd: '/srv/api' } },
      {
        name: 'migrations first, then the server',
        argv: sh('python manage.py migrate && python manage.py collectstatic --noinput && gunicorn proj.wsgi -b :8000'),
        expect: { kind: 'gunicorn', module: 'proj.wsgi', callable: 'application' },
      },
      { name: 'exported variables reach the server', argv: sh('export PORT=9000; exec gunicorn app:app'), expect: { ...G, bind: { host: '0.0.0.0', port: '9000', raw: '0.0.0.0:9000', isDefault: true, from: 'default' } } },
      { name: 'prefix assignments', argv: sh('PORT=7000 gunicorn app:app'), expect: { ...G, bind: { host: '0.0.0.0', port: '7000', raw: '0.0.0.0:7000', isDefault: true, from: 'default' } } },
      { name: 'env A=B', argv: ['env', 'PORT=5000', 'gunicorn', 'app:app'], expect: { ...G, bind: { host: '0.0.0.0', port: '5000', raw: '0.0.0.0:5000', isDefault: true, from: 'default' } } },
      { name: '/usr/bin/env -u PORT', argv: ['/usr/bin/env', '-u', 'PORT', 'gunicorn', 'app:app'], env: { PORT: '1' }, expect: { ...G, bind: GUNICORN_DEFAULT_BIND } },
      { name: 'tini --', argv: ['tini', '--', 'gunicorn', 'app:app'], expect: G },
      { name: '/usr/bin/tini -g --', argv: ['/usr/bin/tini', '-g', '--', 'gunicorn', 'app:app'], expect: G },
      { name: 'tini -s -p SIGTERM', argv: ['/sbin/tini', '-s', '-p', 'SIGTERM', 'gunicorn', 'app:app'], expect: G },
      { name: 'dumb-init', argv: ['dumb-init', 'gunicorn', 'app:app'], expect: G },
      { name: 'dumb-init -r 15:2 --', argv: ['/usr/bin/dumb-init', '-r', '15:2', '--', 'gunicorn', 'app:app'], expect: G },
      { name: 'gosu user', argv: ['gosu', 'app', 'gunicorn', 'app:app'], expect: G },
      { name: 'su-exec user:group', argv: ['su-exec', 'app:app', 'gunicorn', 'app:app'], expect: G },
      { name: 'python -m gunicorn', argv: ['python', '-m', 'gunicorn', 'app:app'], expect: { ...G, argv: ['gunicorn', 'app:app'] } },
      { name: 'python3 -u -m uvicorn', argv: ['python3', '-u', '-m', 'uvicorn', 'main:app'], expect: { kind: 'uvicorn', module: 'main', callable: 'app' } },
      { name: 'python3.11 -mcelery', argv: ['python3.11', '-mcelery', '-A', 'proj', 'worker'], expect: { kind: 'celery', module: 'proj' } },
      { name: '/usr/local/bin/python -m flask run', argv: ['/usr/local/bin/python', '-m', 'flask', 'run'], expect: { kind: 'flask', subcommand: 'run' } },
      { name: 'python -m streamlit run', argv: ['python', '-m', 'streamlit', 'run', 'ui.py'], expect: { kind: 'streamlit', script: 'ui.py' } },
      { name: 'poetry run', argv: ['poetry', 'run', 'gunicorn', 'app:app'], expect: G },
      { name: 'pipenv run', argv: ['pipenv', 'run', 'gunicorn', 'app:app'], expect: G },
      { name: 'uv run --no-sync --with x', argv: ['uv', 'run', '--no-sync', '--with', 'gevent', 'gunicorn', 'app:app'], expect: G },
      { name: 'uv run --directory', argv: ['uv', 'run', '--directory', '/srv', 'gunicorn', 'app:app'], expect: { ...G, cwd: '/srv' } },
      { name: 'uv run -m', argv: ['uv', 'run', '-m', 'gunicorn', 'app:app'], expect: G },
      { name: 'uv run script.py runs it with python', argv: ['uv', 'run', '--no-sync', 'server.py', '--port', '8080'], expect: { kind: 'python-script', script: 'server.py' } },
      {
        name: 'opentelemetry-instrument with exporter options',
        argv: ['opentelemetry-instrument', '--traces_exporter', 'otlp', '--service_name=api', 'gunicorn', 'app:app'],
        expect: G,
      },
      { name: 'ddtrace-run', argv: ['ddtrace-run', 'gunicorn', 'app:app'], expect: G },
      {
        name: 'hupper -m uvicorn: its own options anywhere are dropped, the rest is the module\'s',
        argv: ['hupper', '-w', 'conf.ini', '-m', 'uvicorn', 'main:app', '-q', '--port', '9000', '--reload-interval=2'],
        expect: { kind: 'uvicorn', module: 'main', argv: ['uvicorn', 'main:app', '--port', '9000'], bind: { host: '127.0.0.1', port: '9000', raw: '127.0.0.1:9000', isDefault: false, from: 'argv', portArg: { index: 8, value: '9000' } } },
      },
      { name: 'hupper -mservice.main runs the module like python -m', argv: ['hupper', '-mservice.main', '--port', '80'], expect: { kind: 'python-module', module: 'service.main', argv: ['python', '-m', 'service.main', '--port', '80'] } },
      { name: 'hupper without -m runs nothing we know', argv: ['hupper', '-w', 'x.ini'], expect: { kind: 'unknown', module: undefined } },
      { name: 'newrelic-admin run-program', argv: ['newrelic-admin', 'run-program', 'gunicorn', 'app:app'], expect: G },
      {
        name: 'a chain of wrappers',
        argv: ['/usr/bin/tini', '--', '/bin/sh', '-c', 'cd /app && exec ddtrace-run python -m gunicorn -b 0.0.0.0:80 app:app'],
        expect: { ...G, cwd: '/app', argv: ['gunicorn', '-b', '0.0.0.0:80', 'app:app'] },
      },
      {
        name: 'sh -c with "$@" gets the following arguments',
        argv: ['sh', '-c', 'exec gunicorn "$@"', 'sh', '-b', ':80', 'app:app'],
        expect: { ...G, argv: ['gunicorn', '-b', ':80', 'app:app'] },
      },
      {
        name: 'a one-off manage.py command before the dev server is skipped',
        argv: sh('python manage.py runserver 0:8000 ; python manage.py flush --noinput'),
        expect: { kind: 'django-manage', subcommand: 'runserver' },
      },
      { name: 'pipe to tee: the server is still found', argv: sh('gunicorn app:app 2>&1 | tee /var/log/app.log'), expect: G },
      {
        name: 'a server started only under a condition is uncertain',
        argv: sh('if [ "$MODE" = web ]; then exec gunicorn app:app; fi'),
        expect: { ...G, uncertain: 'the command runs only under a condition' },
      },
      { name: 'an entrypoint script', argv: ['./docker-entrypoint.sh', 'gunicorn', 'app:app'], expect: { kind: 'unknown', shellScript: './docker-entrypoint.sh' } },
      { name: 'bash script.sh', argv: ['bash', '/start.sh'], expect: { kind: 'unknown', shellScript: '/start.sh' } },
      { name: 'an empty command', argv: [], expect: { kind: 'unknown', uncertain: 'empty command' } },
    ]);
  });

  describe('uvicorn', () => {
    run([
      {
        name: 'defaults: 127.0.0.1:8000, app dir .',
        argv: ['uvicorn', 'main:app'],
        expect: {
          kind: 'uvicorn', module: 'main', callable: 'app', pythonPath: ['.'], targetArg: { value: 'main:app', index: 1 },
          bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' },
        },
      },
      {
        name: '--host --port --factory --app-dir --workers',
        argv: ['uvicorn', '--factory', 'api.app:create_app', '--host=0.0.0.0', '--port', '8080', '--app-dir', 'src', '--workers', '2'],
        expect: {
          module: 'api.app', callable: 'create_app', factory: true, pythonPath: ['src'], workers: 2,
          bind: {
            host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'argv',
            hostArg: { value: '0.0.0.0', index: 3, start: 7, end: 14 }, portArg: { value: '8080', index: 5 },
          },
        },
      },
      {
        name: 'options with values before the target are consumed',
        argv: ['uvicorn', '--log-level', 'info', '--proxy-headers', '--forwarded-allow-ips', '*', '--reload', 'app.main:app'],
        expect: { module: 'app.main', callable: 'app', reload: true },
      },
      {
        name: 'UVICORN_HOST / UVICORN_PORT environment variables',
        argv: ['uvicorn', 'main:app'],
        env: { UVICORN_HOST: '0.0.0.0', UVICORN_PORT: '9000' },
        expect: { bind: { host: '0.0.0.0', port: '9000', raw: '0.0.0.0:9000', isDefault: false, from: 'env', env: ['UVICORN_HOST', 'UVICORN_PORT'] } },
      },
      {
        name: 'UVICORN_APP: a target without an argv position',
        argv: ['uvicorn', '--port', '80'],
        env: { UVICORN_APP: 'svc:app' },
        expect: { module: 'svc', callable: 'app', targetArg: undefined },
      },
      {
        name: 'only --port: host stays loopback',
        argv: ['uvicorn', 'main:app', '--port', '80'],
        expect: { bind: { host: '127.0.0.1', port: '80', raw: '127.0.0.1:80', isDefault: false, from: 'argv', portArg: { value: '80', index: 3 } } },
      },
      {
        name: '--uds',
        argv: ['uvicorn', 'main:app', '--uds', '/tmp/u.sock'],
        expect: { bind: { raw: 'unix:/tmp/u.sock', unix: '/tmp/u.sock', isDefault: false, from: 'argv', arg: { value: '/tmp/u.sock', index: 3 } } },
      },
      {
        name: '--fd',
        argv: ['uvicorn', 'main:app', '--fd', '3'],
        expect: { bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default', uncertain: 'binds an inherited file descriptor' } },
      },
    ]);
  });

  describe('hypercorn, daphne, waitress', () => {
    run([
      {
        name: 'hypercorn -b',
        argv: ['hypercorn', '-b', '0.0.0.0:8000', '--workers', '2', 'app:app'],
        expect: { kind: 'hypercorn', module: 'app', callable: 'app', workers: 2, bind: { host: '0.0.0.0', port: '8000', raw: '0.0.0.0:8000', isDefault: false, from: 'argv', arg: { value: '0.0.0.0:8000', index: 2 } } },
      },
      { name: 'hypercorn default', argv: ['hypercorn', 'app:app'], expect: { bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' } } },
      {
        name: 'hypercorn --config without --bind',
        argv: ['hypercorn', '--config', 'hypercorn.toml', 'app:app'],
        expect: { configFile: 'hypercorn.toml', bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default', uncertain: 'the config file may set the bind' } },
      },
      {
        name: 'daphne -b -p',
        argv: ['daphne', '-b', '0.0.0.0', '-p', '8001', 'proj.asgi:application'],
        expect: {
          kind: 'daphne', module: 'proj.asgi', callable: 'application',
          bind: { host: '0.0.0.0', port: '8001', raw: '0.0.0.0:8001', isDefault: false, from: 'argv', hostArg: { value: '0.0.0.0', index: 2 }, portArg: { value: '8001', index: 4 } },
        },
      },
      { name: 'daphne defaults', argv: ['daphne', 'proj.asgi:application'], expect: { bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' } } },
      {
        name: 'daphne -u',
        argv: ['daphne', '-u', '/tmp/d.sock', 'proj.asgi:application'],
        expect: { module: 'proj.asgi', bind: { raw: 'unix:/tmp/d.sock', unix: '/tmp/d.sock', isDefault: false, from: 'argv', arg: { value: '/tmp/d.sock', index: 2 } } },
      },
      {
        name: 'waitress-serve defaults to 0.0.0.0:8080',
        argv: ['waitress-serve', 'app:app'],
        expect: { kind: 'waitress', module: 'app', callable: 'app', bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: true, from: 'default' } },
      },
      {
        name: 'waitress-serve --host --port=',
        argv: ['waitress-serve', '--host', '127.0.0.1', '--port=5000', '--threads=8', 'app:app'],
        expect: {
          bind: { host: '127.0.0.1', port: '5000', raw: '127.0.0.1:5000', isDefault: false, from: 'argv', hostArg: { value: '127.0.0.1', index: 2 }, portArg: { value: '5000', index: 3, start: 7, end: 11 } },
        },
      },
      {
        name: 'waitress-serve --listen several, --call',
        argv: ['waitress-serve', '--listen=*:8080', '--listen=[::]:8080', '--call', 'pkg:create_app'],
        expect: {
          module: 'pkg', callable: 'create_app', factory: true,
          bind: { host: '*', port: '8080', raw: '*:8080', isDefault: false, from: 'argv', arg: { value: '*:8080', index: 1, start: 9, end: 15 }, all: ['*:8080', '[::]:8080'] },
        },
      },
      {
        name: 'python -m waitress',
        argv: ['python', '-m', 'waitress', '--port=8000', 'app:app'],
        expect: { kind: 'waitress', module: 'app', bind: { host: '0.0.0.0', port: '8000', raw: '0.0.0.0:8000', isDefault: false, from: 'argv', portArg: { value: '8000', index: 3, start: 7, end: 11 } } },
      },
      {
        name: 'waitress-serve options after the application are not read',
        argv: ['waitress-serve', 'app:app', '--port=8000'],
        expect: { module: 'app', uncertain: 'waitress-serve takes exactly one application (options go before it)' },
      },
    ]);
  });

  describe('celery', () => {
    run([
      { name: '-A proj worker', argv: ['celery', '-A', 'proj', 'worker', '-l', 'info'], expect: { kind: 'celery', module: 'proj', callable: undefined, subcommand: 'worker', bind: undefined } },
      { name: '--app=proj.celery:app beat', argv: ['celery', '--app=proj.celery:app', 'beat'], expect: { module: 'proj.celery', callable: 'app', subcommand: 'beat' } },
      { name: 'celery 4 style: worker -A', argv: ['celery', 'worker', '-A', 'tasks', '-c', '4'], expect: { module: 'tasks', subcommand: 'worker' } },
      { name: '--workdir', argv: ['celery', '--workdir', '/srv', '-A', 'proj', 'worker'], expect: { module: 'proj', chdir: '/srv' } },
      { name: '-Aproj attached', argv: ['celery', '-Aproj', 'worker', '-B'], expect: { module: 'proj', subcommand: 'worker' } },
    ]);
  });

  describe('python', () => {
    run([
      { name: 'python -m mod', argv: ['python', '-m', 'service.main', '--port', '80'], expect: { kind: 'python-module', module: 'service.main', targetArg: { value: 'service.main', index: 2 } } },
      { name: 'python -P -m mod (safe path)', argv: ['python3', '-P', '-m', 'service'], expect: { kind: 'python-module', module: 'service', safePath: true } },
      { name: 'python script.py', argv: ['python', '-u', 'app/main.py'], expect: { kind: 'python-script', script: 'app/main.py', targetArg: { value: 'app/main.py', index: 2 } } },
      { name: 'python -W ignore script.py', argv: ['python', '-W', 'ignore', '-X', 'dev', 'worker.py'], expect: { kind: 'python-script', script: 'worker.py' } },
      { name: 'python -c', argv: ['python', '-c', 'import app; app.run()'], expect: { kind: 'python-code', code: 'import app; app.run()', uncertain: undefined, targetArg: { value: 'import app; app.run()', index: 2 } } },
      { name: 'python -c in shell form', argv: sh('python -c "from pkg import x; x.main()"'), expect: { kind: 'python-code', code: 'from pkg import x; x.main()' } },
      { name: 'python -c with an unknown variable', argv: sh('python -c "$CODE"'), env: { CODE: undefined }, expect: { kind: 'python-code', uncertain: 'the python -c code holds a variable without a known value' } },
      { name: 'python - (stdin)', argv: ['python', '-'], expect: { kind: 'unknown', uncertain: 'python reads the program from stdin' } },
      { name: 'shell form python app.py', argv: sh('python /app/worker.py'), expect: { kind: 'python-script', script: '/app/worker.py' } },
    ]);
  });

  describe('django manage.py', () => {
    run([
      {
        name: 'runserver default',
        argv: ['python', 'manage.py', 'runserver'],
        expect: { kind: 'django-manage', script: 'manage.py', subcommand: 'runserver', bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' } },
      },
      {
        name: 'runserver 0.0.0.0:8000',
        argv: ['python', 'manage.py', 'runserver', '0.0.0.0:8000'],
        expect: { bind: { host: '0.0.0.0', port: '8000', raw: '0.0.0.0:8000', isDefault: false, from: 'argv', arg: { value: '0.0.0.0:8000', index: 3 } } },
      },
      { name: 'runserver 0:80', argv: ['python', 'manage.py', 'runserver', '0:80'], expect: { bind: { host: '0.0.0.0', port: '80', raw: '0:80', isDefault: false, from: 'argv', arg: { value: '0:80', index: 3 } } } },
      { name: 'runserver 8080 (port only)', argv: ['python', 'manage.py', 'runserver', '8080'], expect: { bind: { host: '127.0.0.1', port: '8080', raw: '8080', isDefault: false, from: 'argv', arg: { value: '8080', index: 3 } } } },
      {
        name: './manage.py runserver --settings',
        argv: ['./manage.py', 'runserver', '--settings', 'proj.settings.prod', '[::]:8000'],
        expect: { kind: 'django-manage', script: './manage.py', djangoSettings: 'proj.settings.prod', bind: { host: '::', port: '8000', raw: '[::]:8000', isDefault: false, from: 'argv', arg: { value: '[::]:8000', index: 4 } } },
      },
      { name: 'DJANGO_SETTINGS_MODULE', argv: ['gunicorn', 'proj.wsgi'], env: { DJANGO_SETTINGS_MODULE: 'proj.settings' }, expect: { kind: 'gunicorn', djangoSettings: 'proj.settings' } },
      { name: 'runserver 0.0.0.0 (no port: Django refuses it, so no address)', argv: ['python', 'manage.py', 'runserver', '0.0.0.0'], expect: { kind: 'django-manage', subcommand: 'runserver', bind: undefined } },
      { name: 'other manage.py commands have no bind', argv: ['python', 'manage.py', 'qcluster'], expect: { kind: 'django-manage', subcommand: 'qcluster', bind: undefined } },
    ]);
  });

  describe('flask', () => {
    run([
      {
        name: 'flask run without FLASK_APP: wsgi or app, loopback 5000',
        argv: ['flask', 'run'],
        expect: { kind: 'flask', module: undefined, moduleCandidates: ['wsgi', 'app'], subcommand: 'run', bind: { host: '127.0.0.1', port: '5000', raw: '127.0.0.1:5000', isDefault: true, from: 'default' } },
      },
      { name: 'FLASK_APP=app.py', argv: ['flask', 'run'], env: { FLASK_APP: 'app.py' }, expect: { module: 'app', script: 'app.py', callable: undefined, pythonPath: [] } },
      { name: 'FLASK_APP=src/hello.py', argv: ['flask', 'run'], env: { FLASK_APP: 'src/hello.py' }, expect: { module: 'hello', script: 'src/hello.py', pythonPath: ['src'] } },
      { name: 'FLASK_APP=pkg.module:app', argv: ['flask', 'run'], env: { FLASK_APP: 'pkg.module:app' }, expect: { module: 'pkg.module', callable: 'app', script: undefined } },
      {
        name: "FLASK_APP=pkg:create_app('dev')",
        argv: ['flask', 'run'],
        env: { FLASK_APP: "pkg:create_app('dev')" },
        expect: { module: 'pkg', callable: 'create_app', factory: true, factoryArgs: "'dev'" },
      },
      {
        name: '--app option, --host/-p',
        argv: ['flask', '--app', 'web', 'run', '--host=0.0.0.0', '-p', '8000'],
        expect: {
          module: 'web', targetArg: { value: 'web', index: 2 },
          bind: { host: '0.0.0.0', port: '8000', raw: '0.0.0.0:8000', isDefault: false, from: 'argv', hostArg: { value: '0.0.0.0', index: 4, start: 7, end: 14 }, portArg: { value: '8000', index: 6 } },
        },
      },
      {
        name: 'FLASK_RUN_HOST / FLASK_RUN_PORT',
        argv: ['flask', 'run'],
        env: { FLASK_APP: 'app', FLASK_RUN_HOST: '0.0.0.0', FLASK_RUN_PORT: '8080' },
        expect: { bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'env', env: ['FLASK_RUN_HOST', 'FLASK_RUN_PORT'] } },
      },
      { name: 'flask db upgrade: no server', argv: ['flask', 'db', 'upgrade'], env: { FLASK_APP: 'app' }, expect: { kind: 'flask', subcommand: 'db', bind: undefined } },
    ]);
  });

  describe('fastapi and streamlit', () => {
    run([
      {
        name: 'fastapi run path: 0.0.0.0:8000',
        argv: ['fastapi', 'run', 'app/main.py', '--port', '80'],
        expect: {
          kind: 'fastapi', subcommand: 'run', script: 'app/main.py', module: 'main', pythonPath: ['app'],
          bind: { host: '0.0.0.0', port: '80', raw: '0.0.0.0:80', isDefault: false, from: 'argv', portArg: { value: '80', index: 4 } },
        },
      },
      {
        name: 'fastapi dev: loopback, reload',
        argv: ['fastapi', 'dev', 'main.py'],
        expect: { module: 'main', reload: true, bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' } },
      },
      { name: 'fastapi run --app api', argv: ['fastapi', 'run', 'server.py', '--app', 'api'], expect: { module: 'server', callable: 'api' } },
      { name: 'fastapi run --entrypoint', argv: ['fastapi', 'run', '--entrypoint', 'svc.web:app'], expect: { module: 'svc.web', callable: 'app', script: undefined } },
      { name: 'fastapi run without a path', argv: ['fastapi', 'run'], expect: { module: undefined, moduleCandidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'] } },
      {
        name: 'streamlit run defaults to 8501 on all interfaces',
        argv: ['streamlit', 'run', 'dashboard/app.py'],
        expect: { kind: 'streamlit', script: 'dashboard/app.py', module: 'app', pythonPath: ['dashboard'], bind: { host: '0.0.0.0', port: '8501', raw: '0.0.0.0:8501', isDefault: true, from: 'default' } },
      },
      {
        name: 'streamlit --server.port=, --server.address',
        argv: ['streamlit', 'run', 'app.py', '--server.port=8080', '--server.address', '0.0.0.0', '--', '--flag'],
        expect: {
          bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'argv', hostArg: { value: '0.0.0.0', index: 5 }, portArg: { value: '8080', index: 3, start: 14, end: 18 } },
        },
      },
      { name: 'STREAMLIT_SERVER_PORT', argv: ['streamlit', 'run', 'app.py'], env: { STREAMLIT_SERVER_PORT: '8080' }, expect: { bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'env', env: ['STREAMLIT_SERVER_PORT'] } } },
      {
        name: 'streamlit options before the script',
        argv: ['streamlit', 'run', '--server.headless', 'true', 'ui.py'],
        expect: { script: 'ui.py', targetArg: { value: 'ui.py', index: 4 } },
      },
    ]);
  });

  describe('environment variables each server reads (the server table)', () => {
    run([
      {
        name: 'gunicorn: WEB_CONCURRENCY sets the default worker count',
        argv: ['gunicorn', '-b', ':8000', 'app:app'],
        env: { WEB_CONCURRENCY: '4' },
        expect: { workers: 4, sources: { app: 'argv', bind: 'argv', timeout: 'default', workers: 'env' } },
      },
      {
        name: 'gunicorn: --workers and GUNICORN_CMD_ARGS win over WEB_CONCURRENCY',
        argv: sh('gunicorn -w 2 app:app'),
        env: { WEB_CONCURRENCY: '4', GUNICORN_CMD_ARGS: '--workers 8' },
        expect: { workers: 2 },
      },
      {
        name: 'gunicorn: GUNICORN_CMD_ARGS --workers wins over WEB_CONCURRENCY',
        argv: ['gunicorn', 'app:app'],
        env: { WEB_CONCURRENCY: '4', GUNICORN_CMD_ARGS: '--workers 8' },
        expect: { workers: 8 },
      },
      {
        name: 'gunicorn: WEB_CONCURRENCY without a known value leaves the worker count unknown',
        argv: ['gunicorn', 'app:app'],
        env: { WEB_CONCURRENCY: undefined },
        expect: { workers: undefined },
      },
      {
        name: 'uvicorn: UVICORN_WORKERS, then WEB_CONCURRENCY, set --workers',
        argv: ['uvicorn', 'main:app'],
        env: { UVICORN_WORKERS: '3', WEB_CONCURRENCY: '5' },
        expect: { workers: 3, sources: { workers: 'env' } },
      },
      {
        name: 'uvicorn: WEB_CONCURRENCY alone',
        argv: ['uvicorn', 'main:app', '--host', '0.0.0.0'],
        env: { WEB_CONCURRENCY: '5' },
        expect: { workers: 5 },
      },
      {
        name: 'uvicorn: UVICORN_UDS binds a UNIX socket instead of TCP',
        argv: ['uvicorn', 'main:app'],
        env: { UVICORN_UDS: '/tmp/app.sock' },
        expect: { bind: { raw: 'unix:/tmp/app.sock', unix: '/tmp/app.sock', isDefault: false, from: 'env', env: ['UVICORN_UDS'] } },
      },
      {
        name: 'uvicorn: UVICORN_FD binds an inherited descriptor (address unknown)',
        argv: ['uvicorn', 'main:app'],
        env: { UVICORN_FD: '3' },
        expect: { bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default', uncertain: 'binds an inherited file descriptor' } },
      },
      {
        name: 'uvicorn: UVICORN_RELOAD',
        argv: ['uvicorn', 'main:app'],
        env: { UVICORN_RELOAD: 'true' },
        expect: { reload: true },
      },
      {
        name: 'hypercorn reads no WEB_CONCURRENCY',
        argv: ['hypercorn', 'main:app'],
        env: { WEB_CONCURRENCY: '4' },
        expect: { workers: undefined },
      },
    ]);
  });

  describe('granian (from the table)', () => {
    run([
      {
        name: 'defaults: 127.0.0.1:8000, working folder on sys.path',
        argv: ['granian', '--interface', 'asgi', 'main:app'],
        expect: { kind: 'granian', module: 'main', callable: 'app', pythonPath: ['.'], bind: { host: '127.0.0.1', port: '8000', raw: '127.0.0.1:8000', isDefault: true, from: 'default' } },
      },
      {
        name: 'options with values before the target, --working-dir, --factory, --workers',
        argv: ['granian', '--interface', 'wsgi', '--host', '0.0.0.0', '--port', '9000', '--working-dir', '/srv/api', '--factory', '--workers', '2', 'api.app:create'],
        expect: {
          module: 'api.app', callable: 'create', factory: true, pythonPath: ['/srv/api'], workers: 2, targetArg: { value: 'api.app:create', index: 12 },
          bind: { host: '0.0.0.0', port: '9000', raw: '0.0.0.0:9000', isDefault: false, from: 'argv', hostArg: { value: '0.0.0.0', index: 4 }, portArg: { value: '9000', index: 6 } },
        },
      },
      {
        name: 'GRANIAN_HOST / GRANIAN_PORT / GRANIAN_WORKERS',
        argv: ['granian', 'main:app'],
        env: { GRANIAN_HOST: '0.0.0.0', GRANIAN_PORT: '8080', GRANIAN_WORKERS: '3' },
        expect: { workers: 3, bind: { host: '0.0.0.0', port: '8080', raw: '0.0.0.0:8080', isDefault: false, from: 'env', env: ['GRANIAN_HOST', 'GRANIAN_PORT'] } },
      },
      { name: 'python -m granian', argv: ['python', '-m', 'granian', '--interface', 'asgi', 'main:app'], expect: { kind: 'granian', module: 'main' } },
      { name: '--no-reload wins over GRANIAN_RELOAD', argv: ['granian', '--no-reload', 'main:app'], env: { GRANIAN_RELOAD: 'true' }, expect: { reload: undefined } },
    ]);
  });

  describe('uwsgi (from the table)', () => {
    run([
      {
        name: '--module pkg.wsgi: callable application; --http :8000 listens on all interfaces; --harakiri is not a boot timeout',
        argv: ['uwsgi', '--master', '--http', ':8000', '--module', 'shop.wsgi', '--processes', '4', '--harakiri', '30'],
        expect: {
          kind: 'uwsgi', module: 'shop.wsgi', callable: 'application', workers: 4, timeout: undefined, targetArg: { value: 'shop.wsgi', index: 5 },
          bind: { host: '', port: '8000', raw: ':8000', isDefault: false, from: 'argv', arg: { value: ':8000', index: 3 } },
        },
      },
      {
        name: '-w module:callable, --chdir, --pythonpath',
        argv: ['uwsgi', '-w', 'api.main:app', '--chdir', '/srv', '--pythonpath', 'src', '--http-socket', '0.0.0.0:9000'],
        expect: { module: 'api.main', callable: 'app', chdir: '/srv', pythonPath: ['src'], bind: { host: '0.0.0.0', port: '9000', raw: '0.0.0.0:9000', isDefault: false, from: 'argv', arg: { value: '0.0.0.0:9000', index: 8 } } },
      },
      {
        name: '--wsgi-file with --callable; only --socket: the uwsgi protocol, not HTTP',
        argv: ['uwsgi', '--wsgi-file', 'site/wsgi.py', '--callable', 'app', '--socket', ':3031'],
        expect: {
          module: 'wsgi', script: 'site/wsgi.py', callable: 'app', pythonPath: ['site'],
          bind: { host: '', port: '3031', raw: ':3031', isDefault: false, from: 'argv', arg: { value: ':3031', index: 6 }, uncertain: 'uwsgi --socket speaks the uwsgi protocol, not HTTP' },
        },
      },
      { name: 'no socket option: no bind', argv: ['uwsgi', '--module', 'app'], expect: { bind: undefined, callable: 'application' } },
      {
        name: 'UWSGI_<OPTION> variables are options',
        argv: ['uwsgi', '--master'],
        env: { UWSGI_MODULE: 'web.wsgi:application', UWSGI_HTTP_SOCKET: ':8080', UWSGI_PROCESSES: '3' },
        expect: { module: 'web.wsgi', callable: 'application', workers: 3, bind: { host: '', port: '8080', raw: ':8080', isDefault: false, from: 'config' } },
      },
      { name: 'an ini file the caller cannot read: uncertain', argv: ['uwsgi', '--ini', 'uwsgi.ini'], expect: { module: undefined, uncertain: 'the uwsgi ini file uwsgi.ini is not visible' } },
    ]);

    it('reads the [uwsgi] section of the ini file (argv wins; %d is the file\'s folder; flags without value)', () => {
      const files: Record<string, string> = {
        '/etc/uwsgi/app.ini': '[other]\nmodule = nope\n[uwsgi]\n; comment\nchdir = %dapp\nmodule = shop.wsgi:application\nhttp = :8000\nprocesses = 2\nmaster = true\nvacuum\n',
      };
      const readFile = (p: string) => (files[p] !== undefined ? { path: p, text: files[p] } : undefined);
      const ep = parseEntrypoint(['uwsgi', '--ini', '/etc/uwsgi/app.ini', '--processes', '5'], {}, { readFile });
      assert.deepEqual(pick(ep, { kind: 'uwsgi', module: 'shop.wsgi', callable: 'application', chdir: '/etc/uwsgi/app', workers: 5, uncertain: undefined }),
        { kind: 'uwsgi', module: 'shop.wsgi', callable: 'application', chdir: '/etc/uwsgi/app', workers: 5, uncertain: undefined });
      const at = (line: number, from: number, to: number) => ({ start: { line, character: from }, end: { line, character: to } });
      // Values written as is keep their place in the ini file (findings and fixes go there); %d-expanded ones do not.
      assert.deepEqual(ep.bind, { host: '', port: '8000', raw: ':8000', isDefault: false, from: 'config', arg: { value: ':8000', index: -1, range: at(6, 7, 12) } });
      assert.deepEqual(ep.targetArg, { value: 'shop.wsgi:application', index: -1, range: at(5, 9, 30) });
      assert.deepEqual(ep.iniFile, { path: '/etc/uwsgi/app.ini', ranges: [at(5, 9, 30), at(6, 7, 12), at(7, 12, 13)] });
      const positional = parseEntrypoint(['uwsgi', '/etc/uwsgi/app.ini'], {}, { readFile });
      assert.equal(positional.module, 'shop.wsgi');
      const noSection = parseEntrypoint(['uwsgi', '--ini', '/x.ini'], {}, { readFile: () => ({ path: '/x.ini', text: '[app]\nmodule = a\n' }) });
      assert.deepEqual(pick(noSection, { module: undefined, uncertain: '' }), { module: undefined, uncertain: '/x.ini has no [uwsgi] section' });
      const placeholder = parseEntrypoint(['uwsgi', '--ini', '/x.ini'], {}, { readFile: () => ({ path: '/x.ini', text: '[uwsgi]\nmodule = %(project).wsgi\n' }) });
      assert.equal(placeholder.uncertain, 'the target %(project).wsgi holds a variable without a known value');
    });
  });

  describe('uwsgi: an ini file the image model cannot read', () => {
    it('records a plain path for the caller to look up (not file:section, URLs or variables)', () => {
      assert.deepEqual(parseEntrypoint(['uwsgi', '--ini', 'deploy/app.ini'], {}, { readFile: () => undefined }).unreadConfig, { path: 'deploy/app.ini', ref: { value: 'deploy/app.ini', index: 2 }, flag: '--ini' });
      // gunicorn's -c: where the value is written and the option as written (the caller decides whether the image lacks the file).
      assert.deepEqual(parseEntrypoint(['gunicorn', '--config=deploy/gunicorn.conf.py', 'app:app'], {}).configRef, { ref: { value: 'deploy/gunicorn.conf.py', index: 1, start: 9, end: 32 }, flag: '--config' });
      assert.equal(parseEntrypoint(['gunicorn', '-c', '$CONF', 'app:app'], {}, { expanded: { unknown: [false, false, true, false] } }).configRef, undefined);
      assert.equal(parseEntrypoint(['uwsgi', '--master'], { UWSGI_INI: '/etc/uwsgi/app.ini' }, { readFile: () => undefined }).unreadConfig?.path, '/etc/uwsgi/app.ini');
      for (const v of ['app.ini:prod', 'http://config.local/app.ini', '$CONF']) {
        assert.equal(parseEntrypoint(['uwsgi', '--ini', v], {}, { readFile: () => undefined }).unreadConfig, undefined, v);
      }
    });
  });

  describe('fastapi and pyproject.toml', () => {
    // fastapi-cli: `-e`, then the path argument (with or without --app), then [tool.fastapi] entrypoint, then main.py, app.py ...
    const pyproject = (text: string) => (p: string, cwd?: string) => (p === 'pyproject.toml' ? { path: `${cwd ?? '/code'}/pyproject.toml`, text } : undefined);
    const at = (line: number, from: number, to: number) => ({ start: { line, character: from }, end: { line, character: to } });
    it('takes [tool.fastapi] entrypoint when no path, -e or --app is given, keeping its place in the file', () => {
      const ep = parseEntrypoint(['fastapi', 'run'], {}, { readFile: pyproject('[project]\nname = "x"\n\n[tool.fastapi]\nentrypoint = "backend.main:api"  # the app\n') });
      assert.deepEqual(pick(ep, { module: 'backend.main', callable: 'api', moduleCandidates: undefined, uncertain: undefined }), { module: 'backend.main', callable: 'api', moduleCandidates: undefined, uncertain: undefined });
      assert.deepEqual(ep.targetArg, { value: 'backend.main:api', index: -1, range: at(4, 14, 30) });
      assert.deepEqual(ep.iniFile, { path: '/code/pyproject.toml', ranges: [at(4, 14, 30)] });
      const dotted = parseEntrypoint(['fastapi', 'dev'], {}, { readFile: pyproject("[tool]\nfastapi.entrypoint = 'svc:app'\n") });
      assert.deepEqual(pick(dotted, { module: 'svc', callable: 'app' }), { module: 'svc', callable: 'app' });
    });
    it('is overridden by -e, the path argument and --app; unreadable forms are uncertain; absent: the default paths', () => {
      const read = pyproject('[tool.fastapi]\nentrypoint = "backend.main:api"\n');
      assert.equal(parseEntrypoint(['fastapi', 'run', '-e', 'svc.web:app'], {}, { readFile: read }).module, 'svc.web');
      assert.equal(parseEntrypoint(['fastapi', 'run', 'web.py'], {}, { readFile: read }).module, 'web');
      const app = parseEntrypoint(['fastapi', 'run', '--app', 'api'], {}, { readFile: read });
      assert.deepEqual(pick(app, { module: undefined, callable: 'api', moduleCandidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'] }),
        { module: undefined, callable: 'api', moduleCandidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'] });
      const inline = parseEntrypoint(['fastapi', 'run'], {}, { readFile: pyproject('[tool]\nfastapi = { entrypoint = "a:b" }\n') });
      assert.deepEqual(pick(inline, { module: undefined, uncertain: '' }), { module: undefined, uncertain: 'pyproject.toml [tool.fastapi] entrypoint is written in a form not followed' });
      const noAttr = parseEntrypoint(['fastapi', 'run'], {}, { readFile: pyproject('[tool.fastapi]\nentrypoint = "backend.main"\n') });
      assert.equal(noAttr.uncertain, 'pyproject.toml [tool.fastapi] entrypoint backend.main is not module:attribute');
      const other = parseEntrypoint(['fastapi', 'run'], {}, { readFile: pyproject('[tool.ruff]\nentrypoint = "x:y"\n') });
      assert.deepEqual(pick(other, { module: undefined, moduleCandidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'] }), { module: undefined, moduleCandidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'] });
    });
  });

  describe('supervisord', () => {
    it('is a process starter, not a server: each program is followed by the starters layer (test/unit/entrypoint/starters.test.ts)', () => {
      const ep = parseEntrypoint(['supervisord', '-n'], {}, { readFile: (p) => ({ path: p, text: '[program:w]\ncommand=python -m worker\n' }) });
      assert.deepEqual(pick(ep, { kind: 'unknown', uncertain: undefined }), { kind: 'unknown', uncertain: undefined });
    });
  });

  describe('parseAppTarget / parseAddress', () => {
    const targets: Array<[string, string | undefined, ReturnType<typeof parseAppTarget>]> = [
      ['a:b', undefined, { module: 'a', callable: 'b' }],
      ['a.b.c', 'application', { module: 'a.b.c', callable: 'application' }],
      ['a.b.c', undefined, { module: 'a.b.c' }],
      ['a:', 'application', { module: 'a', callable: 'application' }],
      ['a:f()', undefined, { module: 'a', callable: 'f', factory: true, factoryArgs: '' }],
      ['a:f(1, "x")', undefined, { module: 'a', callable: 'f', factory: true, factoryArgs: '1, "x"' }],
      ['a:obj.app', undefined, { module: 'a', callable: 'obj.app' }],
    ];
    for (const [t, def, expected] of targets) it(`target ${t}`, () => assert.deepEqual(parseAppTarget(t, def), expected));
    const addrs: Array<[string, ReturnType<typeof parseAddress>]> = [
      ['0.0.0.0:80', { host: '0.0.0.0', port: '80' }],
      [':8080', { host: '', port: '8080' }],
      ['localhost', { host: 'localhost', port: '8000' }],
      ['[::]:9000', { host: '::', port: '9000' }],
      ['[::1]', { host: '::1', port: '8000' }],
      ['tcp://0.0.0.0:81', { host: '0.0.0.0', port: '81' }],
      ['unix:/tmp/x.sock', { unix: '/tmp/x.sock' }],
      ['unix:///tmp/x.sock', { unix: '/tmp/x.sock' }],
      ['fd://3', { fd: '3' }],
      ['', { host: '0.0.0.0', port: '8000' }],
    ];
    for (const [a, expected] of addrs) it(`address ${JSON.stringify(a)}`, () => assert.deepEqual(parseAddress(a, '8000'), expected));
  });

  describe('console scripts', () => {
    const scripts = new Map([['myapp', { module: 'myapp.cli', func: 'main', file: '/app/pyproject.toml', line: 12 }]]);
    const cs = (argv: string[]) => parseEntrypoint(argv, {}, { consoleScripts: scripts });
    const want = { kind: 'console-script' as const, module: 'myapp.cli', callable: 'main', consoleScript: { name: 'myapp', file: '/app/pyproject.toml', line: 12 } };
    for (const argv of [['myapp', 'serve'], ['/venv/bin/myapp'], ['/opt/venv/bin/myapp', '--port', '80'], ['uv', 'run', '--frozen', '--no-dev', 'myapp'], ['poetry', 'run', 'myapp'], ['pipenv', 'run', 'myapp'], sh('exec myapp serve')]) {
      it(argv.join(' '), () => assert.deepEqual(pick(cs(argv), want), want));
    }
    it('known servers win over a declared name; undeclared names stay unknown', () => {
      assert.equal(parseEntrypoint(['gunicorn', 'a:b'], {}, { consoleScripts: new Map([['gunicorn', { module: 'x', func: 'y', file: 'f', line: 0 }]]) }).kind, 'gunicorn');
      assert.equal(cs(['other']).kind, 'unknown');
      assert.equal(parseEntrypoint(['myapp'], {}).kind, 'unknown');
    });
    it('uv run / poetry run before python or a server unwrap to it', () => {
      assert.deepEqual(pick(cs(['uv', 'run', 'python', '-m', 'svc']), { kind: 'python-module', module: 'svc' }), { kind: 'python-module', module: 'svc' });
      assert.deepEqual(pick(cs(['poetry', 'run', 'gunicorn', 'a:b']), { kind: 'gunicorn', module: 'a' }), { kind: 'gunicorn', module: 'a' });
    });
  });
  describe('AWS Lambda: the base image entrypoint and the runtime interface client', () => {
    const LAMBDA_ENV = { LAMBDA_TASK_ROOT: '/var/task' };
    run([
      {
        name: "the base image's /lambda-entrypoint.sh HANDLER imports from LAMBDA_TASK_ROOT, not the working folder",
        argv: ['/lambda-entrypoint.sh', 'app.handler'], env: LAMBDA_ENV,
        expect: { kind: 'lambda', module: 'app', callable: 'handler', pythonPath: ['/var/task', '/opt/python'], safePath: true },
      },
      {
        name: 'a slash in the handler is a dot of the module; the function is after the last dot',
        argv: ['/lambda-entrypoint.sh', 'src/handlers/api.v2.main'], env: LAMBDA_ENV,
        expect: { kind: 'lambda', module: 'src.handlers.api.v2', callable: 'main' },
      },
      {
        name: 'PYTHONPATH set: no /opt/python (the bootstrap adds it only without one)',
        argv: ['/lambda-entrypoint.sh', 'app.handler'], env: { ...LAMBDA_ENV, PYTHONPATH: '/app' },
        expect: { pythonPath: ['/var/task'] },
      },
      {
        name: 'python -m awslambdaric HANDLER: the working folder is first, as for any -m',
        argv: ['/usr/local/bin/python', '-m', 'awslambdaric', 'app.lambda_handler'],
        expect: { kind: 'lambda', module: 'app', callable: 'lambda_handler', pythonPath: [], interpreter: '/usr/local/bin/python' },
      },
      {
        name: 'the runtime interface emulator runs the command after its options',
        argv: ['/usr/local/bin/aws-lambda-rie', '--log-level', 'debug', 'python3', '-m', 'awslambdaric', 'app.h'],
        expect: { kind: 'lambda', module: 'app', callable: 'h' },
      },
      {
        name: 'more than one argument (a shell-form CMD): the script exits, so they are recorded and no handler is read',
        argv: ['/lambda-entrypoint.sh', '/bin/sh', '-c', 'app.handler'], env: LAMBDA_ENV,
        expect: { kind: 'lambda', lambdaArgs: ['/bin/sh', '-c', 'app.handler'], module: undefined, uncertain: undefined },
      },
      {
        name: 'a handler without a dot is not module.function: not judged',
        argv: ['/lambda-entrypoint.sh', 'handler'], env: LAMBDA_ENV,
        expect: { kind: 'lambda', uncertain: 'the handler handler is not module.function' },
      },
      {
        name: 'no known LAMBDA_TASK_ROOT: where the handler is imported from is not known',
        argv: ['/lambda-entrypoint.sh', 'app.handler'],
        expect: { uncertain: 'LAMBDA_TASK_ROOT, the folder the Lambda runtime imports the handler from, has no known value' },
      },
    ]);
    it('a lambda-entrypoint.sh the image holds (copied by the Dockerfile) is a script to follow, not the runtime', () => {
      const readFile = (path: string) => (path === '/lambda-entrypoint.sh' ? { path, text: '#!/bin/sh\nexec python -m awslambdaric "$@"\n' } : undefined);
      assert.equal(parseEntrypoint(['/lambda-entrypoint.sh', 'app.handler'], LAMBDA_ENV, { readFile }).kind, 'unknown');
      assert.equal(parseEntrypoint(['/lambda-entrypoint.sh', 'app.handler'], LAMBDA_ENV, { readFile: () => undefined }).kind, 'lambda');
    });
  });
  describe('a word with no known value among a server\'s arguments', () => {
    it('makes the defaults it may override uncertain (the bind; the timeout)', () => {
      const ep = parseEntrypoint(['gunicorn', 'app:app', '$(eval echo "$args")'], {}, { expanded: { unknown: [false, false, true] } });
      assert.deepEqual([ep.module, ep.bind?.uncertain, ep.timeout], ['app', '$(eval echo "$args") has no known value here and may set options', undefined]);
    });
    it('leaves a bind given in full alone', () => {
      const ep = parseEntrypoint(['gunicorn', '-b', '0.0.0.0:80', 'app:app', '$EXTRA'], {}, { expanded: { unknown: [false, false, false, false, true] } });
      assert.deepEqual([ep.bind?.raw, ep.bind?.uncertain], ['0.0.0.0:80', undefined]);
    });
  });
});
