// processStarter: the processes s6-overlay and supervisord start, read from an in-memory image.
import { strict as assert } from 'assert';
import { StarterReader, expandPercent, processStarter } from '../../../server/src/core/entrypoint/starters';
import { ShellEnv } from '../../../server/src/core/entrypoint/shell';

function image(files: Record<string, string>, uncertain: string[] = []): StarterReader {
  const isDir = (p: string) => Object.keys(files).some((f) => f.startsWith(p === '/' ? '/' : `${p}/`));
  return {
    text: (p) => files[p],
    stat: (p) => (p in files ? 'file' : isDir(p) ? 'dir' : undefined),
    readDir: (p) => {
      if (!isDir(p)) return undefined;
      const names = new Set(Object.keys(files).filter((f) => f.startsWith(`${p}/`)).map((f) => f.slice(p.length + 1).split('/')[0]));
      return [...names].sort();
    },
    isUncertain: (p) => uncertain.some((u) => p === u || p.startsWith(`${u}/`)),
  };
}

/** Each process as `name: file:line (cwd) script|words`, and the notes. */
function summary(argv: string[], files: Record<string, string>, env: ShellEnv = {}, uncertain: string[] = []): { processes: string[]; notes: string[]; mainFrom?: number } | undefined {
  const s = processStarter(argv, env, '/app', image(files, uncertain));
  if (!s) return undefined;
  const out: { processes: string[]; notes: string[]; mainFrom?: number } = {
    processes: s.processes.map((p) => `${p.name}: ${p.file}:${p.line + 1} (${p.cwd}) ${p.uncertain ? `uncertain: ${p.uncertain}` : p.script ? `script ${p.script}` : (p.words ?? []).map((w) => w.text).join(' ')}`),
    notes: s.notes,
  };
  if (s.mainFrom !== undefined) out.mainFrom = s.mainFrom;
  return out;
}

const RC = '/etc/s6-overlay/s6-rc.d';
const contenv = '#!/command/with-contenv bash\nexec gunicorn app:app\n';

describe('entrypoint/starters', () => {
  it('is undefined for programs that start one process', () => {
    assert.equal(summary(['gunicorn', 'app:app'], {}), undefined);
    assert.equal(summary(['/init-db.sh'], {}), undefined);
  });

  describe('s6-overlay', () => {
    const cases: { name: string; files: Record<string, string>; argv?: string[]; env?: ShellEnv; uncertain?: string[]; want: ReturnType<typeof summary> }[] = [
      {
        name: 'v3: longruns of the user bundle (s6-rc.d/user and user-bundles.d/user), with dependencies; oneshots listed in a note',
        files: {
          [`${RC}/user/contents.d/svc-web`]: '', [`${RC}/user/type`]: 'bundle\n',
          [`${RC}/svc-web/type`]: 'longrun\n', [`${RC}/svc-web/run`]: contenv, [`${RC}/svc-web/dependencies.d/init-db`]: '', [`${RC}/svc-web/dependencies.d/svc-redis`]: '',
          [`${RC}/init-db/type`]: 'oneshot\n', [`${RC}/init-db/up`]: '/etc/s6-overlay/s6-rc.d/init-db/run\n',
          [`${RC}/svc-redis/type`]: 'longrun\n', [`${RC}/svc-redis/run`]: '#!/command/with-contenv sh\nexec redis-server\n',
          '/etc/s6-overlay/user-bundles.d/user/contents.d/svc-worker': '',
          [`${RC}/svc-worker/type`]: 'longrun', [`${RC}/svc-worker/run`]: contenv,
          [`${RC}/svc-unused/type`]: 'longrun', [`${RC}/svc-unused/run`]: contenv,
        },
        want: {
          processes: [
            `svc-worker: ${RC}/svc-worker/run:1 (/run/service/svc-worker) script ${RC}/svc-worker/run`,
            `svc-web: ${RC}/svc-web/run:1 (/run/service/svc-web) script ${RC}/svc-web/run`,
            `svc-redis: ${RC}/svc-redis/run:1 (/run/service/svc-redis) script ${RC}/svc-redis/run`,
          ],
          notes: ['s6-rc oneshots run once at boot and are not followed: init-db'],
        },
      },
      {
        name: 'v2 service folders in /etc/services.d, and the CMD after /init',
        argv: ['/init', 'python', 'manage.py', 'runserver'],
        files: { '/etc/services.d/nginx/run': '#!/command/execlineb -P\nnginx -g "daemon off;"\n', '/etc/services.d/.s6-svscan/finish': '' },
        want: { processes: ['nginx: /etc/services.d/nginx/run:2 (/run/service/nginx) nginx -g daemon off;'], notes: ['s6 service nginx (/etc/services.d): it does not use with-contenv, so the image ENV may not reach it (values taken as unknown)'], mainFrom: 1 },
      },
      {
        name: 'a longrun without a visible run script is listed, uncertain',
        files: { [`${RC}/user/contents.d/svc-api`]: '', [`${RC}/svc-api/type`]: 'longrun' },
        want: { processes: [`svc-api: ${RC}/svc-api/run:1 (/run/service/svc-api) uncertain: ${RC}/svc-api/run is not visible in the image`], notes: [] },
      },
      {
        name: 'no service and s6-rc.d uncertain (a base image brings them)',
        files: {},
        uncertain: ['/etc/s6-overlay'],
        want: { processes: [], notes: ['s6-overlay services may come from files the model cannot see (the base image or an unmodelled RUN)'] },
      },
      {
        name: 'a user bundle entry whose folder the model cannot see',
        files: { [`${RC}/user/contents.d/svc-base`]: '' },
        uncertain: [`${RC}/svc-base`],
        want: { processes: [], notes: [`the s6-rc service svc-base is not visible in the image (${RC}/svc-base): what it runs is not known`, 's6-overlay runs no longrun service the model can see'] },
      },
    ];
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(summary(c.argv ?? ['/init'], c.files, c.env, c.uncertain), c.want));
    }

    it('reads execline run scripts: chain-loading builtins, cd, export, foreground blocks; substitution is uncertain', () => {
      const files = {
        '/etc/services.d/api/run': '#!/command/execlineb -P\n# the API\nwith-contenv\nfdmove -c 2 1\nforeground { echo "starting api" }\ncd /srv/api\nexport PORT 9000\ns6-setuidgid app\nuvicorn main:app --host 0.0.0.0 --port 9000\n',
        '/etc/services.d/worker/run': '#!/command/execlineb -P\nimportas -D 2 N WORKERS\ncelery -A tasks worker -c $N\n',
      };
      const s = processStarter(['/init'], { LANG: 'C' }, '/', image(files))!;
      assert.deepEqual(s.processes.map((p) => [p.name, p.line + 1, p.cwd, p.words?.map((w) => w.text).join(' '), p.env.PORT, p.uncertain]), [
        ['api', 8, '/srv/api', 's6-setuidgid app uvicorn main:app --host 0.0.0.0 --port 9000', '9000', undefined],
        ['worker', 1, '/run/service/worker', undefined, undefined, 'the execline script uses importas, which the model does not evaluate'],
      ]);
      const text = files['/etc/services.d/api/run'];
      const w = s.processes[0].words!;
      assert.equal(text.slice(w[2].start, w[2].end), 'uvicorn');
    });

    it('a name a oneshot writes once, unindented, as a literal into container_environment has that value', () => {
      const files = {
        [`${RC}/user/contents.d/web`]: '', [`${RC}/web/type`]: 'longrun', [`${RC}/web/run`]: contenv,
        [`${RC}/user/contents.d/init`]: '', [`${RC}/init/type`]: 'oneshot',
        [`${RC}/init/run`]: '#!/command/with-contenv bash\nprintf "/srv/app" > /var/run/s6/container_environment/APP_DIR\necho $(date +%s) > /var/run/s6/container_environment/STARTED\nif [ "$(id -u)" != 0 ]; then\n\tprintf "true" > /var/run/s6/container_environment/NON_ROOT\nfi\necho -n a > /run/s6/container_environment/TWICE\necho -n b > /run/s6/container_environment/TWICE\n',
      };
      const e = processStarter(['/init'], {}, '/', image(files))!.processes[0].env;
      assert.deepEqual(e, { APP_DIR: '/srv/app', STARTED: undefined, NON_ROOT: undefined, TWICE: undefined });
    });

    it('hands with-contenv services the image ENV and what oneshots write into container_environment; others get unknown values', () => {
      const files = {
        [`${RC}/user/contents.d/a`]: '', [`${RC}/a/type`]: 'longrun', [`${RC}/a/run`]: contenv,
        [`${RC}/user/contents.d/b`]: '', [`${RC}/b/type`]: 'longrun', [`${RC}/b/run`]: '#!/bin/sh\nexec gunicorn app:app\n',
        [`${RC}/user/contents.d/c`]: '', [`${RC}/c/type`]: 'longrun', [`${RC}/c/run`]: '#!/command/execlineb -P\nwith-contenv\ngunicorn app:app\n',
        [`${RC}/user/contents.d/init`]: '', [`${RC}/init/type`]: 'oneshot', [`${RC}/init/up`]: 'printf /srv > /var/run/s6/container_environment/SRC_DIR\n',
      };
      const s = processStarter(['/init'], { PORT: '8000', SRC_DIR: '/app', PATH: '/command:/usr/bin' }, '/', image(files))!;
      const env = Object.fromEntries(s.processes.map((p) => [p.name, p.env]));
      assert.deepEqual(env.a, { PORT: '8000', SRC_DIR: '/srv', PATH: '/command:/usr/bin' });
      assert.deepEqual(env.b, { PORT: undefined, SRC_DIR: undefined, PATH: '/command:/usr/bin' });
      assert.deepEqual(env.c, env.a);
      const kept = processStarter(['/init'], { PORT: '8000', S6_KEEP_ENV: '1' }, '/', image(files))!;
      assert.equal(kept.processes.find((p) => p.name === 'b')!.env.PORT, '8000');
    });
  });

  describe('supervisord', () => {
    const main = '/etc/supervisor/supervisord.conf';
    const cases: { name: string; argv?: string[]; files: Record<string, string>; env?: ShellEnv; want: ReturnType<typeof summary> }[] = [
      {
        name: 'every program, in file order, with directory= and an inline comment dropped',
        files: { [main]: '[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=gunicorn -b :8000 app:app ; the site\ndirectory=/srv\n\n[program:worker]\ncommand = celery -A app worker # queue\n' },
        want: { processes: ['web: /etc/supervisor/supervisord.conf:5 (/srv) gunicorn -b :8000 app:app', 'worker: /etc/supervisor/supervisord.conf:9 (/app) celery -A app worker'], notes: [] },
      },
      {
        name: '[include] files= globs relative to the config, one process per included program',
        argv: ['supervisord', '-n', '-c', '/etc/supervisor/supervisord.conf'],
        files: {
          [main]: '[supervisord]\n[include]\nfiles = conf.d/*.conf extra.ini\n',
          '/etc/supervisor/conf.d/b.conf': '[program:b]\ncommand=python -m b\n',
          '/etc/supervisor/conf.d/a.conf': '[program:a]\ncommand=python -m a\n',
          '/etc/supervisor/conf.d/readme.txt': '[program:no]\ncommand=python -m no\n',
          '/etc/supervisor/extra.ini': '[program:x]\ncommand=python /opt/x.py\n',
        },
        want: {
          processes: ['a: /etc/supervisor/conf.d/a.conf:2 (/app) python -m a', 'b: /etc/supervisor/conf.d/b.conf:2 (/app) python -m b', 'x: /etc/supervisor/extra.ini:2 (/app) python /opt/x.py'],
          notes: [],
        },
      },
      {
        name: '%(ENV_X)s, %(here)s and %(program_name)s expand; one without a value leaves the process uncertain',
        argv: ['supervisord', '--configuration=/etc/sup.conf'],
        env: { APP_DIR: '/srv/app', WORKERS: undefined },
        files: { '/etc/sup.conf': '[program:api]\ncommand=uvicorn %(program_name)s.main:app --app-dir %(here)s\ndirectory=%(ENV_APP_DIR)s\n[program:jobs]\ncommand=celery -A jobs worker -c %(ENV_WORKERS)s\n[program:off]\ncommand=python -m off\nautostart=false\n' },
        want: {
          processes: ['api: /etc/sup.conf:2 (/srv/app) uvicorn api.main:app --app-dir /etc', 'jobs: /etc/sup.conf:5 (/app) uncertain: its command= holds %(ENV_WORKERS)s, which has no known value'],
          notes: ['supervisord [program:off] has autostart=false: not started with the container'],
        },
      },
      {
        name: 'no config visible',
        files: {},
        want: { processes: [], notes: ['no supervisord config is visible'] },
      },
    ];
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(summary(c.argv ?? ['supervisord', '-n'], c.files, c.env), c.want));
    }

    it('gives each program the environment, [supervisord] environment= and its own environment= (quotes removed, expanded)', () => {
      const text = '[supervisord]\nenvironment=TIER="prod"\n[program:api]\ncommand=python -m api\nenvironment=DJANGO_SETTINGS_MODULE="api.settings",HOME_DIR=%(ENV_HOME)s,NAME=\'%(program_name)s\',BAD=%(ENV_NOPE)s\n';
      const s = processStarter(['supervisord', '-c', '/s.conf'], { HOME: '/root' }, '/', image({ '/s.conf': text }))!;
      assert.deepEqual(s.processes[0].env, { HOME: '/root', TIER: 'prod', DJANGO_SETTINGS_MODULE: 'api.settings', HOME_DIR: '/root', NAME: 'api', BAD: undefined });
    });

    it('keeps the offsets of words that expansion did not change', () => {
      const text = '[program:w]\ncommand=gunicorn %(ENV_APP)s --bind :80\n';
      const s = processStarter(['supervisord', '-c', '/s.conf'], { APP: 'web:app' }, '/', image({ '/s.conf': text }))!;
      const words = s.processes[0].words!;
      assert.deepEqual(words.map((w) => [w.text, text.slice(w.start, w.end), !!w.expanded]), [['gunicorn', 'gunicorn', false], ['web:app', '%(ENV_APP)s', true], ['--bind', '--bind', false], [':80', ':80', false]]);
    });

    it('expandPercent: %% is a literal percent sign; unknown names are reported', () => {
      assert.deepEqual(expandPercent('100%% %(here)s', {}, { here: '/etc' }), { value: '100% /etc' });
      assert.deepEqual(expandPercent('%(host_node_name)s', {}, {}), { unknown: '%(host_node_name)s' });
      assert.deepEqual(expandPercent('%(ENV_HOME)s', {}, {}), { unknown: '%(ENV_HOME)s' });
      assert.deepEqual(expandPercent('--port=80%(process_num)02d', {}, { process_num: '0' }), { value: '--port=8000' });
    });
  });

  describe('NGINX Unit', () => {
    const config = (apps: string, listeners = '"*:8080": { "pass": "applications/web" }') => `{\n  "listeners": { ${listeners} },\n  "applications": {\n${apps}\n  }\n}\n`;
    const web = '    "web": { "type": "python 3.12", "path": ["/srv", "lib"], "working_directory": "/srv", "module": "shop.wsgi", "callable": "app", "home": "/venv", "environment": { "MODE": "prod" } }';
    const apps = (s: ReturnType<typeof processStarter>) => s!.processes.map((p) => ({ name: p.name, line: p.line, cwd: p.cwd, uncertain: p.uncertain, app: p.app && { ...p.app, moduleAt: undefined, listenAt: undefined } }));

    it('each Python application of the config a start script names (path resolved, callable, listeners) is a process', () => {
      const text = config(`${web},\n    "php": { "type": "php", "root": "/www" }`);
      const s = processStarter(['unitd', '--no-daemon'], {}, '/', image({ '/etc/unit/config.json': text, '/start.sh': 'curl -X PUT --data-binary @/etc/unit/config.json --unix-socket /run/c.sock http://localhost/config\nexec unitd --no-daemon\n' }), { scripts: ['/start.sh'] });
      assert.deepEqual(apps(s), [{ name: 'web', line: 3, cwd: '/srv', uncertain: undefined, app: { module: 'shop.wsgi', callable: 'app', factory: false, path: ['/srv', '/srv/lib'], home: '/venv', listen: ['*:8080'], moduleAt: undefined, listenAt: undefined } }]);
      const p = s!.processes[0];
      assert.equal(text.slice(p.app!.moduleAt!.start, p.app!.moduleAt!.end), 'shop.wsgi');
      assert.equal(text.slice(p.app!.listenAt!.start, p.app!.listenAt!.end), '*:8080');
      assert.equal(p.env.MODE, 'prod');
    });

    it('the official images apply /docker-entrypoint.d/*.json; targets are one process each; listeners through routes count', () => {
      const t = '    "api": { "type": "python", "path": "/app", "targets": { "v1": { "module": "v1.main", "callable": "app" }, "v2": { "module": "v2.main" } } }';
      const s = processStarter(['unitd'], {}, '/', image({ '/docker-entrypoint.d/config.json': config(t, '"0.0.0.0:80": { "pass": "routes" }').replace('"applications"', '"routes": [{ "action": { "pass": "applications/api/v1" } }],\n  "applications"') }));
      assert.deepEqual(s!.processes.map((p) => [p.name, p.app?.module, p.app?.callable, p.app?.listen]), [['api/v1', 'v1.main', 'app', ['0.0.0.0:80']], ['api/v2', 'v2.main', 'application', ['0.0.0.0:80']]]);
    });

    it('says why when no config or several are visible', () => {
      assert.deepEqual(processStarter(['unitd'], {}, '/', image({}))!.notes, ['unitd is configured at run time through its control socket, and no config JSON the model can see says with what']);
      const two = processStarter(['unitd'], {}, '/', image({ '/docker-entrypoint.d/a.json': config(web), '/docker-entrypoint.d/b.json': config(web) }))!;
      assert.deepEqual([two.processes.length, two.notes], [0, ['several Unit configs may be applied (/docker-entrypoint.d/a.json, /docker-entrypoint.d/b.json): which one runs is not known']]);
    });
  });

  describe('honcho', () => {
    const procfile = 'web: gunicorn -b 0.0.0.0:$PORT app:app\n# a comment\nworker: celery -A app worker\nclock: python clock.py\n';
    const ports = (s: ReturnType<typeof processStarter>) => s!.processes.map((p) => `${p.name}:${p.line + 1} PORT=${p.env.PORT} ${p.shell?.text}`);

    it('runs each Procfile process with sh -c; PORT starts at 5000 and goes up by 100 per process type', () => {
      const s = processStarter(['honcho', 'start'], {}, '/app', image({ '/app/Procfile': procfile }));
      assert.deepEqual(ports(s), ['web:1 PORT=5000 gunicorn -b 0.0.0.0:$PORT app:app', 'worker:3 PORT=5100 celery -A app worker', 'clock:4 PORT=5200 python clock.py']);
      const w = s!.processes[0].shell!;
      assert.equal(procfile.slice(w.start, w.end), 'gunicorn -b 0.0.0.0:$PORT app:app');
    });

    it('base port: the .env file, then -p, then $PORT; named processes only, in the order named; -f and -d', () => {
      const files = { '/srv/Procfile.prod': procfile, '/srv/.env': 'PORT=7000\nMODE="prod"\n' };
      const s = processStarter(['honcho', 'start', '-d', '/srv', '-f', 'Procfile.prod', '-p', '9000', 'clock', 'web'], { PORT: '8080' }, '/', image(files));
      assert.deepEqual(ports(s), ['clock:4 PORT=7000 python clock.py', 'web:1 PORT=7100 gunicorn -b 0.0.0.0:$PORT app:app']);
      assert.equal(s!.processes[0].env.MODE, 'prod');
      assert.deepEqual(ports(processStarter(['honcho', 'start', '--port=9000', 'web'], { PORT: '8080' }, '/app', image({ '/app/Procfile': procfile }))), ['web:1 PORT=9000 gunicorn -b 0.0.0.0:$PORT app:app']);
      assert.deepEqual(ports(processStarter(['honcho', 'start', 'web'], { PORT: undefined }, '/app', image({ '/app/Procfile': procfile }))), ['web:1 PORT=undefined gunicorn -b 0.0.0.0:$PORT app:app']);
    });

    it('says why when the Procfile is not visible or lacks a named process', () => {
      assert.deepEqual(processStarter(['honcho', 'start'], {}, '/app', image({}))!.notes, ['honcho reads /app/Procfile, which is not visible in the image']);
      assert.deepEqual(processStarter(['honcho', 'start', 'beat'], {}, '/app', image({ '/app/Procfile': procfile }))!.notes, ['honcho start beat: /app/Procfile has no process beat', '/app/Procfile lists no process']);
    });
  });
});
