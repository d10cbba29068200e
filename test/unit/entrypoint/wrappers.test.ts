// Wrappers as data: each runs the command after its own options and arguments; parseEntrypoint sees through them.
import { strict as assert } from 'assert';
import { parseEntrypoint } from '../../../server/src/core/entrypoint/parse';
import { skipWrapper, wrapperFor } from '../../../server/src/core/entrypoint/wrappers';

describe('entrypoint/wrappers', () => {
  const cases: [string, string[], ReturnType<typeof skipWrapper>][] = [
    ['tini -g -s --', ['tini', '-g', '-s', '--', 'gunicorn', 'app:app'], { at: 4 }],
    ['tini -p SIGTERM (value)', ['tini', '-p', 'SIGTERM', 'gunicorn'], { at: 3 }],
    ['tini-static-amd64 --', ['tini-static-amd64', '--', 'python'], { at: 2 }],
    ['dumb-init without --', ['dumb-init', 'python', 'app.py'], { at: 1 }],
    ['dumb-init -r 15:2 --', ['dumb-init', '-r', '15:2', '--', 'python'], { at: 4 }],
    ['gosu user', ['gosu', 'app', 'python', 'app.py'], { at: 2 }],
    ['su-exec user:group', ['su-exec', 'app:app', 'uvicorn', 'main:app'], { at: 2 }],
    ['s6-setuidgid user', ['s6-setuidgid', 'paperless', 'celery'], { at: 2 }],
    ['s6-setlock -n FILE', ['s6-setlock', '-n', '/data/lock', 'python3', 'manage.py'], { at: 3 }],
    ['setpriv --reuid=1000 --regid=1000 --init-groups --', ['setpriv', '--reuid=1000', '--regid=1000', '--init-groups', '--', 'gunicorn'], { at: 5 }],
    ['setpriv --reuid 1000 (separate value)', ['setpriv', '--reuid', '1000', '--clear-groups', 'gunicorn'], { at: 4 }],
    ['chpst -u app:app', ['chpst', '-u', 'app:app', 'python', '-m', 'worker'], { at: 3 }],
    ['chpst -uapp (glued)', ['chpst', '-uapp', 'python'], { at: 2 }],
    ['runuser -u app --', ['runuser', '-u', 'app', '--', 'gunicorn', 'app:app'], { at: 4 }],
    ['runuser -l app -c CMD', ['runuser', '-l', 'app', '-c', 'gunicorn app:app'], { shell: 4 }],
    ['su -c CMD user', ['su', '-c', 'exec gunicorn app:app', 'app'], { shell: 2 }],
    ['su - app -c CMD', ['su', '-', 'app', '-c', 'python app.py'], { shell: 4 }],
    ['su app (a login shell)', ['su', 'app'], undefined],
    ['runuser app without -u or -c (su semantics: a shell)', ['runuser', 'app'], undefined],
    ['nice -n 10', ['nice', '-n', '10', 'celery'], { at: 3 }],
    ['nice -5', ['nice', '-5', 'celery'], { at: 2 }],
    ['nice --adjustment=5', ['nice', '--adjustment=5', 'celery'], { at: 2 }],
    ['ionice -c 3', ['ionice', '-c', '3', 'python'], { at: 3 }],
    ['timeout 30s', ['timeout', '30s', 'python', 'job.py'], { at: 2 }],
    ['timeout -k 5 --preserve-status 1h', ['timeout', '-k', '5', '--preserve-status', '1h', 'python'], { at: 5 }],
    ['timeout --signal=KILL 10', ['timeout', '--signal=KILL', '10', 'python'], { at: 3 }],
    ['nohup', ['nohup', 'python', 'app.py'], { at: 1 }],
    ['stdbuf -oL -e 0', ['stdbuf', '-oL', '-e', '0', 'python'], { at: 4 }],
    ['wait-for-it.sh host:port -t 30 --', ['wait-for-it.sh', 'db:5432', '-t', '30', '--', 'gunicorn', 'app:app'], { at: 5 }],
    ['wait-for host:port -- (eficode)', ['wait-for', 'db:5432', '--', 'python', 'app.py'], { at: 3 }],
    ['wait-for-it -s -t 0 -- (PyPI)', ['wait-for-it', '-s', 'db:5432', '-t', '0', '--', 'celery'], { at: 6 }],
    ['wait-for-it.sh without -- only waits', ['wait-for-it.sh', 'db:5432', '-t', '30'], undefined],
    ['dockerize -wait URL -timeout D', ['dockerize', '-wait', 'tcp://db:5432', '-timeout', '20s', 'gunicorn', 'app:app'], { at: 5 }],
    ['dockerize -template only renders', ['dockerize', '-template', 'a.tmpl:a.conf'], undefined],
  ];
  for (const [name, argv, want] of cases) {
    it(name, () => assert.deepEqual(skipWrapper(wrapperFor(argv[0])!, argv), want));
  }

  it('is no wrapper for servers and shells', () => {
    for (const p of ['gunicorn', 'python', 'sh', 'bash', 'env', 'exec']) assert.equal(wrapperFor(p), undefined, p);
  });

  it('parseEntrypoint runs the command inside nested wrappers, su -c as a shell string', () => {
    const ep = parseEntrypoint(['tini', '--', 'setpriv', '--reuid=app', '--init-groups', 'nice', '-n', '5', 'timeout', '1d', 'gunicorn', '-b', ':8000', 'web:app'], {});
    assert.deepEqual([ep.kind, ep.module, ep.callable, ep.bind?.raw], ['gunicorn', 'web', 'app', ':8000']);
    const su = parseEntrypoint(['su', 'app', '-c', 'cd /srv && exec uvicorn api:app --host 0.0.0.0 --port $PORT'], { PORT: '8080' });
    assert.deepEqual([su.kind, su.module, su.cwd, su.bind?.port], ['uvicorn', 'api', '/srv', '8080']);
    const login = parseEntrypoint(['su', '-', 'app'], {});
    assert.deepEqual([login.kind, login.uncertain], ['unknown', 'su without a command it runs (a login shell)']);
  });
});
