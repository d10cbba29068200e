// followCommand: scripts at any depth, exec "$@", case dispatch, functions, exports, cd, source, and honest uncertainty.
import { strict as assert } from 'assert';
import { FollowOptions, evaluateScript, followCommand, globMatch, isShellScript, pythonShebang } from '../../../server/src/core/entrypoint/follow';
import { parseEntrypoint } from '../../../server/src/core/entrypoint/parse';
import { ShellEnv, expandWord, splitShellOps } from '../../../server/src/core/entrypoint/shell';

function image(files: Record<string, string>): FollowOptions['image'] {
  return {
    text: (p) => files[p],
    stat: (p) => (p in files ? 'file' : Object.keys(files).some((f) => f.startsWith(`${p}/`)) ? 'dir' : undefined),
  };
}
const opts = (files: Record<string, string>, env: ShellEnv = {}, cwd = '/app'): FollowOptions => ({ env, cwd, image: image(files) });

describe('entrypoint/follow', () => {
  it('sh -c CODE ARG0 ARGS: $0 is ARG0 (a shell-form ENTRYPOINT given CMD), so exec ./entry.sh $0 $@ is followed, and bash\'s case "${@:1:2}" picks its arm', () => {
    const files = {
      '/etc/app/entry.sh': '#!/bin/bash\nset -e\ncase "${@:1:2}" in\n  "server start" | "db upgrade" )\n    set -- opsdesk "$@"\n    ;;\nesac\nexec "$@"\n',
    };
    const f = followCommand(['/bin/sh', '-c', 'exec $CONF/entry.sh $0 $@', 'server', 'start'], opts(files, { CONF: '/etc/app' }));
    assert.deepEqual([f.argv, f.uncertain, f.chain.map((c) => `${c.file}:${c.line + 1}`)], [['opsdesk', 'server', 'start'], undefined, ['(sh -c):1', '/etc/app/entry.sh:8']]);
  });

  describe('splitShellOps', () => {
    it('keeps the operator that ends each command', () => {
      const ops = splitShellOps('a && b || c; d | e & f\ng;;').map((c) => [c.words.map((w) => w.text).join(' '), c.op]);
      assert.deepEqual(ops, [['a', '&&'], ['b', '||'], ['c', ';'], ['d', '|'], ['e', '&'], ['f', '\n'], ['g', ';;'], ['', '']].slice(0, 7));
    });
    it('skips here-document bodies', () => {
      const ops = splitShellOps('cat <<EOF > /x\nexec not-a-command\nEOF\nexec gunicorn app\n', true).filter((c) => c.words.length);
      assert.deepEqual(ops.map((c) => c.words.map((w) => w.text)), [['cat'], ['exec', 'gunicorn', 'app']]);
    });
    it("bash's named descriptors ({fd}< file, {fd}<&-) are redirections and process substitution is one /dev/fd word", () => {
      const ops = splitShellOps("exec {psfd}< <(./manage.py showmigrations 2>&1)\nread -rd '' ERR <&$psfd || :\nexec {psfd}<&-\ndiff <(a) >(b c)\nexec \"$@\"\n", true);
      assert.deepEqual(ops.map((c) => c.words.map((w) => w.text)), [['exec'], ['read', '-rd', '', 'ERR'], [':'], ['exec'], ['diff', '/dev/fd/63', '/dev/fd/63'], ['exec', '$@']]);
    });
  });

  describe('expandWord with positional parameters', () => {
    it('expands $1, ${2:-d}, $#, $0 and substrings only when the arguments are known', () => {
      const o = { positional: ['worker', ''], name: '/start' };
      assert.equal(expandWord('$1', {}, o).value, 'worker');
      assert.equal(expandWord('${2:-beat}', {}, o).value, 'beat');
      assert.equal(expandWord('$#', {}, o).value, '2');
      assert.equal(expandWord('$0', {}, o).value, '/start');
      assert.equal(expandWord('${1:0:1}', {}, o).value, 'w');
      assert.equal(expandWord('"${@:1:2}"', {}, { positional: ['server', 'start', 'x'], name: 'sh' }).value, 'server start');
      assert.equal(expandWord('${@:0:1}', {}, { positional: ['a'], name: 'prog' }).value, 'prog');
      assert.equal(expandWord('${@:1}', {}).unknown, true);
      assert.equal(expandWord('${1:-x}', {}).unknown, true);
      assert.equal(expandWord('${PORT:-8000}', {}, { opaque: true }).unknown, true);
      assert.equal(expandWord('${PORT:-8000}', {}).value, '8000');
    });
  });

  describe('globMatch / isShellScript', () => {
    it('matches case patterns', () => {
      assert.ok(globMatch('gun*', 'gunicorn'));
      assert.ok(globMatch('-?', '-w'));
      assert.ok(globMatch('[0-9]*', '8000'));
      assert.ok(!globMatch('server', 'server2'));
      assert.ok(globMatch('\\*', '*'));
    });
    it('recognises shell scripts by #! line or .sh name', () => {
      assert.ok(isShellScript('/start', '#!/bin/bash\n'));
      assert.ok(isShellScript('/start', '#!/usr/bin/env sh\n'));
      assert.ok(isShellScript('/x.sh', 'echo\n'));
      assert.ok(!isShellScript('/x.sh', '#!/usr/bin/env python3\n'));
      assert.ok(!isShellScript('/usr/local/bin/gunicorn', '#!/usr/local/bin/python\nimport re\n'));
    });
  });

  describe('followCommand', () => {
    it('an exec that only opens a descriptor does not end the script: exec "$@" after it runs the CMD (netbox-docker layout)', () => {
      const files = { '/entrypoint.sh': '#!/bin/bash\nwhile true; do\n  exec {fd}< <(./manage.py check 2>&1)\n  read -rd \'\' OUT <&$fd || :\n  exec {fd}<&-\n  break\ndone\nexec "$@"\n' };
      assert.deepEqual(followCommand(['/entrypoint.sh', 'gunicorn', 'app:app'], opts(files)).argv, ['gunicorn', 'app:app']);
    });

    it('says which arguments "$@" passed on from the followed argv, through two scripts (and none the scripts wrote)', () => {
      const files = {
        '/tini-wrap': '#!/bin/sh\nexec "$@"\n',
        '/entrypoint.sh': '#!/bin/sh\nexec gosu app "$@" --log-level info\n',
      };
      const r = followCommand(['/tini-wrap', '/entrypoint.sh', 'gunicorn', 'shop.wsgi:application'], opts(files));
      assert.deepEqual(r.argv, ['gosu', 'app', 'gunicorn', 'shop.wsgi:application', '--log-level', 'info']);
      assert.deepEqual(r.passedFrom, [undefined, undefined, 2, 3, undefined, undefined]);
    });

    it('follows /entrypoint -> exec "$@" -> /start (no extension) -> exec gunicorn (cookiecutter-django layout)', () => {
      const files = {
        '/entrypoint': '#!/bin/bash\nset -o errexit\nset -o pipefail\nset -o nounset\n\nexport DATABASE_URL="postgres://${POSTGRES_USER}@${POSTGRES_HOST}:5432/db"\npython << END\nimport sys\nEND\n>&2 echo "PostgreSQL is available"\n\nexec "$@"\n',
        '/start': '#!/bin/bash\n\nset -o errexit\n\npython /app/manage.py collectstatic --noinput\nexec /usr/local/bin/gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app\n',
      };
      const r = followCommand(['/entrypoint', '/start'], opts(files, { POSTGRES_USER: 'u', POSTGRES_HOST: undefined }));
      assert.equal(r.uncertain, undefined);
      assert.deepEqual(r.argv, ['/usr/local/bin/gunicorn', 'config.wsgi', '--bind', '0.0.0.0:5000', '--chdir=/app']);
      assert.deepEqual(r.chain.map((s) => [s.file, s.line, s.what]), [
        ['/entrypoint', 11, 'exec "$@"'],
        ['/start', 5, 'exec /usr/local/bin/gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app'],
      ]);
      assert.deepEqual(r.words!.map((w) => files['/start'].slice(w.start, w.end)), r.argv);
      assert.equal(r.env.DATABASE_URL, undefined);
      assert.ok('DATABASE_URL' in r.env);
      assert.equal(r.shell, true);
    });

    it('follows three levels, finding the scripts on PATH and relative to the working directory', () => {
      const files = {
        '/usr/local/bin/docker-entrypoint.sh': '#!/bin/sh\nset -e\nexport APP_ENV=prod\nexec "$@"\n',
        '/app/scripts/run': '#!/bin/sh\ncd /srv\nexec ./serve.sh --workers 2\n',
        '/srv/serve.sh': 'PORT=${PORT:-8000}\nexec uvicorn main:app --host 0.0.0.0 --port $PORT "$@"\n',
      };
      const r = followCommand(['docker-entrypoint.sh', 'scripts/run'], opts(files));
      assert.equal(r.uncertain, undefined);
      assert.deepEqual(r.argv, ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8000', '--workers', '2']);
      assert.equal(r.cwd, '/srv');
      assert.equal(r.env.APP_ENV, 'prod');
      assert.deepEqual(r.chain.map((s) => s.file), ['/usr/local/bin/docker-entrypoint.sh', '/app/scripts/run', '/srv/serve.sh']);
    });

    it('picks the case arm the CMD selects, with | patterns and the *) default', () => {
      const script = '#!/bin/bash\nset -e\ncase "$1" in\n  server|web)\n    exec gunicorn app.wsgi:application --bind 0.0.0.0:8000\n    ;;\n  worker)\n    exec celery -A app worker -l info\n    ;;\n  *)\n    exec "$@"\n    ;;\nesac\n';
      const files = { '/docker-entrypoint.sh': script };
      const f = (cmd: string[]) => followCommand(['/docker-entrypoint.sh', ...cmd], opts(files));
      assert.deepEqual(f(['worker']).argv, ['celery', '-A', 'app', 'worker', '-l', 'info']);
      assert.deepEqual(f(['web']).argv, ['gunicorn', 'app.wsgi:application', '--bind', '0.0.0.0:8000']);
      assert.deepEqual(f(['python', 'manage.py', 'shell']).argv, ['python', 'manage.py', 'shell']);
      assert.equal(f(['worker']).chain[0].line, 7);
    });

    it('runs shell functions called from the chosen arm, with their own arguments', () => {
      const script = 'start_web() {\n  exec gunicorn "$1" --workers "${2:-3}"\n}\nstart_worker() { exec celery -A proj worker; }\ncase "$1" in\n  web) start_web proj.wsgi ;;\n  worker) start_worker ;;\nesac\n';
      const r = followCommand(['/run.sh', 'web'], opts({ '/run.sh': script }));
      assert.deepEqual(r.argv, ['gunicorn', 'proj.wsgi', '--workers', '3']);
    });

    it('expands $PORT at run time: unknown stays a reference (never literal) and a default applies when unset', () => {
      const script = '#!/bin/sh\nexec gunicorn app:app --bind "0.0.0.0:$PORT"\n';
      const set = followCommand(['/start.sh'], opts({ '/start.sh': script }, { PORT: undefined }));
      assert.deepEqual(set.argv, ['gunicorn', 'app:app', '--bind', '0.0.0.0:$PORT']);
      assert.deepEqual(set.unknown, [false, false, false, true]);
      const ep = parseEntrypoint(set.argv, set.env, { expanded: { unknown: set.unknown } });
      assert.equal(ep.bind?.literalVariable, undefined);
      assert.equal(ep.bind?.unresolved, true);
      const dflt = followCommand(['/start.sh'], opts({ '/start.sh': 'exec uvicorn m:app --port ${PORT:-8080}\n' }));
      assert.deepEqual(dflt.argv, ['uvicorn', 'm:app', '--port', '8080']);
    });

    it('follows sh -c strings, bash SCRIPT and wrappers (tini, gosu)', () => {
      const files = { '/entrypoint.sh': '#!/bin/bash\nexec "$@"\n', '/app/start.sh': 'exec hypercorn app:app -b 0.0.0.0:80\n' };
      assert.deepEqual(followCommand(['tini', '--', '/entrypoint.sh', 'bash', 'start.sh'], opts(files)).argv, ['hypercorn', 'app:app', '-b', '0.0.0.0:80']);
      assert.deepEqual(followCommand(['/bin/sh', '-c', 'python manage.py migrate && exec /entrypoint.sh gosu app gunicorn a:b'], opts(files)).argv, ['gosu', 'app', 'gunicorn', 'a:b']);
    });

    it('a waiter runs what follows its --, even when the image has its script (DefectDojo: /wait-for-it.sh db:5432 -t 30 -- /entrypoint-uwsgi.sh)', () => {
      const waiter = '#!/usr/bin/env bash\nwhile [[ $# -gt 0 ]]; do\n  case "$1" in\n    --) shift; CLI=("$@"); break;;\n    *) shift;;\n  esac\ndone\nif [[ $CLI != "" ]]; then\n  exec "${CLI[@]}"\nfi\n';
      const files = { '/wait-for-it.sh': waiter, '/entrypoint-uwsgi.sh': '#!/bin/sh\nexec uwsgi --http 0.0.0.0:8081 --module dojo.wsgi:application\n' };
      assert.deepEqual(followCommand(['/wait-for-it.sh', 'postgres:5432', '-t', '30', '--', '/entrypoint-uwsgi.sh'], opts(files)).argv, ['uwsgi', '--http', '0.0.0.0:8081', '--module', 'dojo.wsgi:application']);
      const inShell = followCommand(['/bin/sh', '-c', 'wait-for-it.sh postgres:5432 -- gunicorn app:app'], opts(files));
      assert.deepEqual(inShell.argv, ['wait-for-it.sh', 'postgres:5432', '--', 'gunicorn', 'app:app']);
      assert.deepEqual([parseEntrypoint(inShell.argv, {}).kind, parseEntrypoint(['wait-for-it.sh', 'postgres:5432'], {}).uncertain], ['gunicorn', 'wait-for-it.sh waits for a port and runs nothing after it (no `--` command)']);
    });

    it("cd to the script's own folder ($(dirname \"$0\"), BASH_SOURCE, cd ... && pwd) is a known folder; an unknown command substitution is not", () => {
      const exec = 'exec uvicorn svc.main:app --host 0.0.0.0 --port 8080\n';
      const cwdOf = (argv: string[], script: string) => {
        const r = followCommand(argv, opts({ '/app/backend/start.sh': script, '/app/backend/svc/main.py': '' }, {}, '/app/backend'));
        return [r.argv?.[0], r.cwd, r.uncertain];
      };
      assert.deepEqual(cwdOf(['bash', 'start.sh'], 'cd "$(dirname "$0")"\n' + exec), ['uvicorn', '/app/backend', undefined]);
      assert.deepEqual(cwdOf(['/app/backend/start.sh'], 'cd "$(dirname "$0")/.."\n' + exec), ['uvicorn', '/app', undefined]);
      assert.deepEqual(cwdOf(['/app/backend/start.sh'], 'SCRIPT_DIR=$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )" &> /dev/null && pwd )\ncd "$SCRIPT_DIR" || exit\n' + exec), ['uvicorn', '/app/backend', undefined]);
      // `cd DIR; pwd -P` (study h9/h10: LibreTranslate's entrypoint), run by a relative path from WORKDIR.
      assert.deepEqual(cwdOf(['./start.sh'], '__dirname=$(cd "$(dirname "$0")"; pwd -P)\ncd "${__dirname}/.."\n' + exec), ['uvicorn', '/app', undefined]);
      assert.deepEqual(cwdOf(['/app/backend/start.sh'], 'cd "$(git rev-parse --show-toplevel)"\n' + exec), ['/app/backend/start.sh', '/app/backend', 'cd to "$(git rev-parse --show-toplevel)", whose value is not known']);
    });

    it('a server started in the background (then wait) or piped to tee is what the script runs, when nothing serves in the foreground', () => {
      const run = (script: string) => followCommand(['/start.sh'], opts({ '/start.sh': script })).argv;
      assert.deepEqual(run('gunicorn --bind=0.0.0.0:8000 wsgi:app &\ncelery -A proj worker &\nwait\n'), ['celery', '-A', 'proj', 'worker']);
      assert.deepEqual(run('gunicorn --bind=0.0.0.0:8000 wsgi:app &\nwhile true; do sleep 10; done\n'), ['gunicorn', '--bind=0.0.0.0:8000', 'wsgi:app']);
      assert.deepEqual(run('uvicorn svc.main:app --host 0.0.0.0 --port 8080 2>&1 | tee server.log\n'), ['uvicorn', 'svc.main:app', '--host', '0.0.0.0', '--port', '8080']);
      assert.deepEqual(run('python -m http.server 9000 &\nexec gunicorn wsgi:app\n'), ['gunicorn', 'wsgi:app']);
      assert.deepEqual(run('gunicorn wsgi:app &\npython worker.py\n'), ['python', 'worker.py']);
      assert.deepEqual(run('gunicorn --bind=0.0.0.0:8000 wsgi:app &\ntail -f /dev/null\n'), ['gunicorn', '--bind=0.0.0.0:8000', 'wsgi:app']);
      // In the foreground one command runs after another: a later command is what runs last (feast's entrypoint).
      assert.deepEqual(run('python materialize.py\nfeast serve_transformations --port 8080\n'), ['feast', 'serve_transformations', '--port', '8080']);
      assert.deepEqual(run('python init_db.py\ngunicorn wsgi:app\necho stopped\n'), ['gunicorn', 'wsgi:app']);
    });

    it('a subshell runs its commands in turn in the container; its cd, variables and exit stay inside (doccano prod-celery.sh)', () => {
      const run = (script: string) => { const r = followCommand(['/start.sh'], opts({ '/start.sh': script })); return [r.argv, r.cwd]; };
      assert.deepEqual(run('cd /app\n(\n  echo starting\n  python manage.py wait_for_db\n  celery -A config worker -l info\n)\n'), [['celery', '-A', 'config', 'worker', '-l', 'info'], '/app']);
      assert.deepEqual(run('(cd /srv && exec gunicorn wsgi:app)\n'), [['gunicorn', 'wsgi:app'], '/srv']);
      assert.deepEqual(run('(cd /tmp; exit 3)\nexec gunicorn wsgi:app\n'), [['gunicorn', 'wsgi:app'], '/app']);
    });

    it('a guard that exits with a failure unless a variable is set is passed (the deployment sets it); other exits are not', () => {
      const run = (script: string) => followCommand(['/start.sh'], { ...opts({ '/start.sh': script }), envComplete: true });
      const guard = 'if [ -z "${ADMIN_PASSWORD}" ]; then\n  echo "ADMIN_PASSWORD is required" >&2\n  exit 1\nfi\nexec gunicorn --bind=0.0.0.0:8000 wsgi:app\n';
      assert.deepEqual(run(guard).argv, ['gunicorn', '--bind=0.0.0.0:8000', 'wsgi:app']);
      assert.deepEqual(run(guard.replace('exit 1', 'exit 0')).argv, ['/start.sh']);
      assert.deepEqual(run('if [ -z "${MIGRATE_ONLY}" ]; then\n  python manage.py migrate\n  exit 1\nfi\nexec gunicorn wsgi:app\n').argv, ['python', 'manage.py', 'migrate']);
    });

    it('takes decidable if/test branches and && / || lists', () => {
      const script = 'if [ "$1" = "dev" ]; then\n  exec flask run --host 0.0.0.0\nelif [ -z "${WORKERS:-}" ]; then\n  WORKERS=2\nfi\n[ -n "${HOST:-}" ] || HOST=0.0.0.0\nexec gunicorn app:app -w "$WORKERS" -b "$HOST:8000"\n';
      assert.deepEqual(followCommand(['/s.sh', 'prod'], opts({ '/s.sh': script })).argv, ['gunicorn', 'app:app', '-w', '2', '-b', '0.0.0.0:8000']);
      assert.deepEqual(followCommand(['/s.sh', 'prod'], opts({ '/s.sh': script }, { WORKERS: '5', HOST: '::' })).argv, ['gunicorn', 'app:app', '-w', '5', '-b', ':::8000']);
      assert.deepEqual(followCommand(['/s.sh', 'dev'], opts({ '/s.sh': script })).argv, ['flask', 'run', '--host', '0.0.0.0']);
      // A bare $X that the known environment does not set may still be set by the platform: undecidable.
      const bare = 'if [ -z "$WORKERS" ]; then WORKERS=2; fi\nexec gunicorn app:app -w "$WORKERS"\n';
      assert.deepEqual(followCommand(['/b.sh'], opts({ '/b.sh': bare })).unknown, [false, false, false, true]);
    });

    it('sources readable files; an unreadable one makes unset variables unknown', () => {
      const files = { '/app/.env.sh': 'export PORT=9000\n', '/s.sh': '. /app/.env.sh\nexec uvicorn m:app --port ${PORT:-8000}\n', '/t.sh': '. /etc/profile.d/app.sh\nexec uvicorn m:app --port ${PORT:-8000}\n', '/v.sh': 'cd /srv\nsource .venv/bin/activate\nexec uvicorn m:app --port ${PORT:-8000}\n' };
      assert.deepEqual(followCommand(['/s.sh'], opts(files)).argv, ['uvicorn', 'm:app', '--port', '9000']);
      const t = followCommand(['/t.sh'], opts(files));
      assert.deepEqual(t.argv, ['uvicorn', 'm:app', '--port', '${PORT:-8000}']);
      assert.deepEqual(t.unknown, [false, false, false, true]);
      // A virtualenv's activate (made by a RUN, so not readable) does what it always does: its bin first on PATH.
      const v = followCommand(['/v.sh'], opts(files, { PATH: '/usr/local/bin:/usr/bin' }));
      assert.deepEqual([v.argv, v.env.PATH, v.env.VIRTUAL_ENV], [['uvicorn', 'm:app', '--port', '8000'], '/srv/.venv/bin:/usr/local/bin:/usr/bin', '/srv/.venv']);
    });

    it('uses set -- and shift to rewrite the arguments (official-image style)', () => {
      const script = '#!/bin/sh\nset -e\nif [ "${1:0:1}" = \'-\' ]; then\n  set -- gunicorn "$@"\nfi\nif [ "$1" = "gunicorn" ]; then\n  shift\n  set -- gunicorn app:app "$@"\nfi\nexec "$@"\n';
      assert.deepEqual(followCommand(['/e.sh', '-w', '4'], opts({ '/e.sh': script })).argv, ['gunicorn', 'app:app', '-w', '4']);
    });

    it('ignores the script re-executing itself as another user', () => {
      const script = '#!/bin/bash\nif [ "$(id -u)" = "0" ]; then\n  exec gosu app "$0" "$@"\nfi\nexec "$@"\n';
      const r = followCommand(['/e.sh', 'gunicorn', 'a:b'], opts({ '/e.sh': script }));
      assert.equal(r.uncertain, undefined);
      assert.deepEqual(r.argv, ['gunicorn', 'a:b']);
    });

    it('without exec, takes the service the script starts last', () => {
      const script = 'python manage.py migrate\npython wait_for_db.py\ngunicorn app:app\necho done\n';
      assert.deepEqual(followCommand(['/s.sh'], opts({ '/s.sh': script })).argv, ['gunicorn', 'app:app']);
    });

    it('an undecidable if whose branches all exec the same program through different wrappers execs it either way', () => {
      const same = 'cd /srv\nif [[ -n "${NON_ROOT}" ]]; then\n\texec granian --interface asgi "app.asgi:application"\nelse\n\texec s6-setuidgid app granian --interface asgi "app.asgi:application"\nfi\n';
      const f = followCommand(['/run'], opts({ '/run': `#!/bin/bash\n${same}` }, { NON_ROOT: undefined }));
      assert.deepEqual([f.argv, f.cwd, f.uncertain, f.chain.map((c) => c.line)], [['granian', '--interface', 'asgi', 'app.asgi:application'], '/srv', undefined, [3]]);
      // Different programs, or a branch that may not exec at all: still undecided.
      const differ = 'if [ -n "$X" ]; then exec gunicorn a:b; else exec s6-setuidgid app gunicorn a:c; fi\n';
      assert.match(followCommand(['/d'], opts({ '/d': `#!/bin/sh\n${differ}` }, { X: undefined })).uncertain!, /condition the model cannot decide/);
      const noElse = 'if [ -n "$X" ]; then exec gunicorn a:b; fi\nexec gosu app gunicorn a:b\n';
      assert.match(followCommand(['/e'], opts({ '/e': `#!/bin/sh\n${noElse}` }, { X: undefined })).uncertain!, /condition the model cannot decide/);
      const disabled = 'if [ -n "$OFF" ]; then s6-svc -Od .; else exec python3 manage.py consume; fi\n';
      assert.match(followCommand(['/c'], opts({ '/c': `#!/bin/sh\n${disabled}` }, { OFF: undefined })).uncertain!, /condition the model cannot decide/);
    });

    it('with the environment known in full, a test of a variable nothing sets sees it empty (the branch a plain docker run takes)', () => {
      const script = '#!/bin/bash\nif [ "$APP_SUPERVISED" = "True" ]; then\n  exec supervisord -c s.conf\nelse\n  exec uwsgi --ini u.ini\nfi\n';
      const run = (env: ShellEnv, envComplete: boolean, pre = '') => followCommand(['/b'], { ...opts({ '/b': script.replace('#!/bin/bash\n', `#!/bin/bash\n${pre}`) }, env), envComplete });
      assert.deepEqual(run({}, true).argv, ['uwsgi', '--ini', 'u.ini']);
      assert.deepEqual(run({ APP_SUPERVISED: 'True' }, true).argv, ['supervisord', '-c', 's.conf']);
      // Not known in full (envFrom, an unreadable env_file), set to an unknown value, or after an unreadable `source`: undecided.
      assert.match(run({}, false).uncertain!, /condition the model cannot decide/);
      assert.match(run({ APP_SUPERVISED: undefined }, true).uncertain!, /condition the model cannot decide/);
      assert.match(run({}, true, '. /missing.env\n').uncertain!, /condition the model cannot decide/);
      // Only tests see unset names as empty: in a command they stay unknown, never "passed literally".
      const f = followCommand(['/c'], { ...opts({ '/c': '#!/bin/sh\nif [ -z "$MODE" ]; then exec gunicorn --bind $BIND a:b; fi\nexec flask run\n' }), envComplete: true });
      assert.deepEqual([f.argv, f.unknown], [['gunicorn', '--bind', '$BIND', 'a:b'], [false, false, true, false]]);
    });

    it('the user the container starts as decides $(id -u)/$(whoami) tests; a user switcher re-running the script changes it', () => {
      // The privilege drop of many entrypoints: as root, chown and re-run as app; as app, exec the command.
      const drop = '#!/bin/sh\nset -e\nif [ "$(id -u)" = "0" ]; then\n  chown -R app:app /data\n  exec gosu app "$0" "$@"\nfi\nexec "$@"\n';
      const run = (user: string | undefined, script = drop) => followCommand(['/entrypoint.sh', 'gunicorn', 'a:b'], { ...opts({ '/entrypoint.sh': script }), ...(user !== undefined ? { user } : {}) });
      // The re-run as app is the same script again, which then execs the command.
      const root = run('root');
      assert.deepEqual([root.argv, root.uncertain, root.chain.map((c) => `${c.file}:${c.line + 1}`)], [['gunicorn', 'a:b'], undefined, ['/entrypoint.sh:7']]);
      assert.deepEqual(run('app').argv, ['gunicorn', 'a:b']);
      assert.deepEqual(run('1000:1000').argv, ['gunicorn', 'a:b']);
      // Where the branches run different programs, the user decides which one runs (chatgpt-on-wechat's su -c shape).
      const su = '#!/bin/bash\nif [ "$(id -u)" = "0" ]; then\n  exec su agent -s /bin/bash -c "cd /srv && python app.py"\nfi\ncd /srv\nexec python worker.py\n';
      assert.deepEqual(run('root', su).argv, ['python', 'app.py']);
      assert.deepEqual(run('agent', su).argv, ['python', 'worker.py']);
      // Not known (a Kubernetes securityContext may set it): undecided, as before.
      assert.match(run(undefined, su).uncertain!, /condition the model cannot decide/);
      // -eq, whoami, backticks.
      assert.deepEqual(run('root', su.replace('[ "$(id -u)" = "0" ]', '[ "$(id -u)" -eq 0 ]')).argv, ['python', 'app.py']);
      assert.deepEqual(run('agent', su.replace('[ "$(id -u)" = "0" ]', '[ $(id -u) -ne 0 ]')).argv, ['python', 'app.py']);
      assert.deepEqual(run('root', su.replace('[ "$(id -u)" = "0" ]', '[ "`whoami`" = root ]')).argv, ['python', 'app.py']);
      // A named user's uid is only known not to be 0: a test against another number stays undecided, and in a command it is unknown.
      assert.match(run('agent', su.replace('[ "$(id -u)" = "0" ]', '[ "$(id -u)" = "1000" ]')).uncertain!, /condition the model cannot decide/);
      const uid = followCommand(['/u.sh'], { ...opts({ '/u.sh': '#!/bin/sh\nexec uvicorn a:b --uid $(id -u)\n' }), user: 'app' });
      assert.deepEqual([uid.argv, uid.unknown], [['uvicorn', 'a:b', '--uid', '$(id -u)'], [false, false, false, true]]);
    });

    it('file tests are decided against the image where it is known (tiangolo start.sh picks the module by which main.py exists)', () => {
      const start = '#! /usr/bin/env sh\nset -e\nif [ -f /app/app/main.py ]; then\n    DEFAULT_MODULE_NAME=app.main\nelif [ -f /app/main.py ]; then\n    DEFAULT_MODULE_NAME=main\nfi\nMODULE_NAME=${MODULE_NAME:-$DEFAULT_MODULE_NAME}\nPRE=${PRE_START_PATH:-/app/prestart.sh}\nif [ -f $PRE ] ; then\n    . "$PRE"\nfi\nif [ -d /app/static ] && [ -s /app/app/main.py ]; then\n    exec gunicorn --static /app/static "$MODULE_NAME:app"\nfi\nexec gunicorn "$MODULE_NAME:app"\n';
      const known = (files: Record<string, string>, unsure: string[] = []) => {
        const img = image(files);
        return { ...opts(files), image: { ...img, uncertain: (p: string) => unsure.some((u) => p === u || p.startsWith(`${u}/`)) } };
      };
      assert.deepEqual(followCommand(['/start.sh'], known({ '/start.sh': start, '/app/main.py': 'app = 1\n' })).argv, ['gunicorn', 'main:app']);
      assert.deepEqual(followCommand(['/start.sh'], known({ '/start.sh': start, '/app/app/main.py': 'app = 1\n', '/app/static/x.css': '' })).argv, ['gunicorn', '--static', '/app/static', 'app.main:app']);
      // An empty file is not -s; a sourced prestart script that exists is read.
      assert.deepEqual(followCommand(['/start.sh'], known({ '/start.sh': start, '/app/app/main.py': '', '/app/static/x.css': '' })).argv, ['gunicorn', 'app.main:app']);
      assert.deepEqual(followCommand(['/start.sh'], known({ '/start.sh': start, '/app/main.py': '', '/app/prestart.sh': 'MODULE_NAME=jobs\n' })).argv, ['gunicorn', 'jobs:app']);
      // Where the image is not known (a folder an unseen step wrote), or without that knowledge at all: undecided.
      assert.match(followCommand(['/start.sh'], known({ '/start.sh': start }, ['/app'])).uncertain!, /condition the model cannot decide/);
      assert.match(followCommand(['/start.sh'], opts({ '/start.sh': start, '/app/main.py': '' })).uncertain!, /condition the model cannot decide/);
      // Modes are not modelled: -x of a file that exists is undecided, of one that does not is false.
      const x = '#!/bin/sh\nif [ -x /usr/local/bin/pre ]; then exec /usr/local/bin/pre; fi\nexec gunicorn a:b\n';
      assert.deepEqual(followCommand(['/x.sh'], known({ '/x.sh': x })).argv, ['gunicorn', 'a:b']);
      assert.match(followCommand(['/x.sh'], known({ '/x.sh': x, '/usr/local/bin/pre': '#!/bin/sh\nexec flask run\n' })).uncertain ?? '', /condition the model cannot decide/);
    });

    it('says why when a branch cannot be chosen or a value is unknown (never guesses)', () => {
      const dispatch = 'case "$ROLE" in\n web) exec gunicorn a:b;;\n worker) exec celery -A a worker;;\nesac\n';
      assert.match(followCommand(['/d.sh'], opts({ '/d.sh': dispatch }, { ROLE: undefined })).uncertain!, /case on "\$ROLE", whose value is not known \(line 1\)/);
      const cond = 'if [ -f /app/dev ]; then exec flask run; fi\nexec gunicorn a:b\n';
      assert.match(followCommand(['/c.sh'], opts({ '/c.sh': cond })).uncertain!, /may exec flask run under a condition the model cannot decide/);
      const loop = 'for f in /docker-entrypoint.d/*.sh; do . "$f"; done\nexec gunicorn a:b --bind ${BIND:-0.0.0.0:8000}\n';
      assert.deepEqual(followCommand(['/l.sh'], opts({ '/l.sh': loop })).unknown, [false, false, false, true]);
      assert.match(followCommand(['/x.sh'], opts({ '/x.sh': 'echo hi\n' }, {})).uncertain!, /no command found in \/x.sh/);
      assert.match(followCommand(['/a.sh'], opts({ '/a.sh': 'exec /b.sh\n', '/b.sh': 'exec /a.sh\n' })).uncertain!, /\/a.sh runs itself again/);
    });

    it('a script that cannot be read, or a command that is no script, ends the chain unchanged', () => {
      const r = followCommand(['gunicorn', 'a:b'], opts({ '/usr/local/bin/gunicorn': '#!/usr/bin/perl\n' }));
      assert.deepEqual(r, { argv: ['gunicorn', 'a:b'], unknown: [false, false], shell: false, env: {}, cwd: '/app', chain: [] });
      assert.match(followCommand(['bash', '/gone.sh'], { ...opts({}), image: { text: () => undefined, stat: () => 'file' } }).uncertain!, /not visible/);
    });
  });

  describe('evaluateScript', () => {
    it('exports only exported variables to the command; prefix assignments reach it', () => {
      const r = evaluateScript('LOCAL=1\nexport A=2\nB=3 exec gunicorn a:b\n', { env: {}, cwd: '/', positional: [], name: 's', image: image({}) });
      assert.deepEqual(r.env, { A: '2', B: '3' });
      assert.deepEqual(r.args!.map((a) => a.value), ['gunicorn', 'a:b']);
    });

    // What the script execs, with CMD `python worker.py --x` as its arguments and the container's environment known in full.
    const runs = (text: string, files: Record<string, string> = {}): string => {
      const r = evaluateScript(text, { env: {}, cwd: '/', positional: ['python', 'worker.py', '--x'], name: '/s.sh', file: '/s.sh', image: image(files), envComplete: true });
      return r.uncertain ? `uncertain: ${r.uncertain}` : r.args ? `${r.args.map((a) => a.value).join(' | ')} @${(r.line ?? 0) + 1}` : 'nothing';
    };
    const cases: [string, string, string][] = [
      ["[[ a || b ]] is one test (the archive's `if [[ \"$1\" == /* || \"$1\" == python ]]`)", '#!/bin/bash\nif [[ "$1" == /* || "$1" == "python" ]]; then\n  exec "$@"\nfi\nexec python -m app "$@"\n', 'python | worker.py | --x @3'],
      ['[[ a || b ]] false on both sides takes the path after it', '#!/bin/bash\nif [[ "$1" == /* || "$1" == "gunicorn" ]]; then\n  exec "$@"\nfi\nexec python -m app "$@"\n', 'python | -m | app | python | worker.py | --x @5'],
      ['[[ ]] with && binding tighter than ||, parentheses and =~', '#!/bin/bash\nif [[ ( "$1" == x && -n "$2" ) || "$1" =~ ^py ]]; then\n  exec "$@"\nfi\nexec python -m app\n', 'python | worker.py | --x @3'],
      ['[[ ]] over two lines, with < comparing strings', '#!/bin/bash\nif [[ "$1" < "q" &&\n  "$2" == *.py ]]; then exec "$@"; fi\nexec python -m app\n', 'python | worker.py | --x @3'],
      ['an undecidable side of || leaves the test undecided', '#!/bin/bash\nif [[ "$1" == x || "$UNKNOWN_TO_ME" == y ]]; then exec "$@"; fi\nexec python -m app\n', 'python | -m | app @3'],
      ["the official images' ${1#-} idiom: a first argument that is not an option runs as given", '#!/bin/sh\nif [ "${1#-}" != "$1" ]; then set -- gunicorn "$@"; fi\nexec "$@"\n', 'python | worker.py | --x @3'],
      ['"$*" is one word: su -c "$*" runs the whole command line', '#!/bin/sh\nexec su nobody -s /bin/sh -c "$*"\n', 'su | nobody | -s | /bin/sh | -c | python worker.py --x @2'],
      ['x="$@" joins the arguments; unquoted $x splits them again', '#!/bin/bash\nargs="$@"\nexec uvicorn svc:app $args\n', 'uvicorn | svc:app | python | worker.py | --x @3'],
      ['$* inside a longer word', '#!/bin/sh\nexec sh -c "exec $*"\n', 'sh | -c | exec python worker.py --x @2'],
      ['a bash array over two lines is an assignment, not a command', '#!/bin/bash\nkeys=("A" "B"\n  "C" "D")\nlocal more=(x)\narr+=(y)\nexec python -m app\n', 'python | -m | app @6'],
      ['`[ -n "$X" ] || exit 1` is a guard, as the if form is: the deployment sets X', '#!/bin/bash\n[ -n "$DATABASE_URL" ] || exit 1\nexec python -m app\n', 'python | -m | app @3'],
      ['`[ -z "$X" ] && { echo ...; exit 1; }` too', '#!/bin/bash\n[ -z "$DATABASE_URL" ] && { echo "set it" >&2; exit 1; }\nexec python -m app\n', 'python | -m | app @3'],
      ['a file under /run/secrets is mounted when the container starts', '#!/bin/bash\n[ -f /run/secrets/db ] || exit 1\nexec python -m app\n', 'python | -m | app @3'],
      ['a test without variables that fails still stops the script', '#!/bin/bash\n[ 1 = 2 ] || exit 1\nexec python -m app\n', 'nothing'],
    ];
    for (const [name, text, want] of cases) it(name, () => assert.equal(runs(text, { '/s.sh': text, '/other': '' }), want));
  });

  describe('executable Python files', () => {
    it('#! lines that run Python, and ones that do not', () => {
      assert.deepEqual(['#!/usr/bin/env python3\n', '#!/opt/venv/bin/python\n', '#! /usr/bin/python3.11 -u\n', '#!/usr/bin/env bash\n', 'import os\n'].map(pythonShebang), ['python3', '/opt/venv/bin/python', '/usr/bin/python3.11', undefined, undefined]);
    });
    it('a #!/usr/bin/env python3 file on PATH runs as python3 FILE ARGS', () => {
      const f = followCommand(['fetch-model', '--target', '/m'], opts({ '/usr/local/bin/fetch-model': '#!/usr/bin/env python3\nimport x\n' }, { PATH: '/usr/local/bin:/usr/bin' }));
      assert.deepEqual([f.argv, f.chain.map((c) => c.what)], [['python3', '/usr/local/bin/fetch-model', '--target', '/m'], ['python3 /usr/local/bin/fetch-model']]);
    });
  });

  describe('expandWord: prefix and suffix removal', () => {
    const cases: [string, Record<string, string>, string[], string][] = [
      ['${1#-}', {}, ['-v'], 'v'],
      ['${1#-}', {}, ['serve'], 'serve'],
      ['${X##*/}', { X: '/a/b/c.py' }, [], 'c.py'],
      ['${X#*/}', { X: 'a/b/c' }, [], 'b/c'],
      ['${X%.py}', { X: 'c.py' }, [], 'c'],
      ['${X%%:*}', { X: 'a:b:c' }, [], 'a'],
      ['${X%:*}', { X: 'a:b:c' }, [], 'a:b'],
      ['${X%"*"}', { X: 'a*' }, [], 'a'],
    ];
    for (const [word, env, positional, want] of cases) it(`${word} of ${JSON.stringify(env.X ?? positional[0])}`, () => assert.equal(expandWord(word, env, { positional }).value, want));
    it('unknown when the variable has no known value', () => assert.equal(expandWord('${NOPE%%:*}', {}).unknown, true));
  });
});
