// ENTRYPOINT + CMD per Docker's table, compose/Kubernetes overrides, and entrypoint scripts.
import { strict as assert } from 'assert';
import {
  CombinedCommand, CommandInstruction, applyOverrides, combineCommand, expandK8sRefs,
} from '../../../server/src/core/entrypoint/combine';
import { startsServer } from '../../../server/src/core/entrypoint/parse';
import { ScriptAnalysis, analyzeScript } from '../../../server/src/core/entrypoint/script';

const exec = (...args: string[]): CommandInstruction => ({ form: 'exec', args });
const shell = (text: string): CommandInstruction => ({ form: 'shell', args: [text] });

describe('entrypoint/combine', () => {
  describe('combineCommand: Docker\'s ENTRYPOINT/CMD table', () => {
    const E_EXEC = exec('exec_entry', 'p1_entry');
    const E_SHELL = shell('exec_entry p1_entry');
    const C_EXEC = exec('exec_cmd', 'p1_cmd');
    const C_SHELL = shell('exec_cmd p1_cmd');
    const cases: Array<[string, CommandInstruction | null, CommandInstruction | null, CombinedCommand]> = [
      ['no ENTRYPOINT, no CMD', null, null, { argv: [], shell: false, fromEntrypoint: false, cmdIgnored: false }],
      ['no ENTRYPOINT, CMD exec', null, C_EXEC, { argv: ['exec_cmd', 'p1_cmd'], shell: false, fromEntrypoint: false, cmdIgnored: false }],
      ['no ENTRYPOINT, CMD shell', null, C_SHELL, { argv: ['/bin/sh', '-c', 'exec_cmd p1_cmd'], shell: true, fromEntrypoint: false, cmdIgnored: false }],
      ['ENTRYPOINT shell, no CMD', E_SHELL, null, { argv: ['/bin/sh', '-c', 'exec_entry p1_entry'], shell: true, fromEntrypoint: true, cmdIgnored: false }],
      ['ENTRYPOINT shell, CMD exec', E_SHELL, C_EXEC, { argv: ['/bin/sh', '-c', 'exec_entry p1_entry'], shell: true, fromEntrypoint: true, cmdIgnored: true }],
      ['ENTRYPOINT shell, CMD shell', E_SHELL, C_SHELL, { argv: ['/bin/sh', '-c', 'exec_entry p1_entry'], shell: true, fromEntrypoint: true, cmdIgnored: true }],
      ['ENTRYPOINT exec, no CMD', E_EXEC, null, { argv: ['exec_entry', 'p1_entry'], shell: false, fromEntrypoint: true, cmdIgnored: false }],
      ['ENTRYPOINT exec, CMD exec', E_EXEC, C_EXEC, { argv: ['exec_entry', 'p1_entry', 'exec_cmd', 'p1_cmd'], shell: false, fromEntrypoint: true, cmdIgnored: false }],
      ['ENTRYPOINT exec, CMD shell', E_EXEC, C_SHELL, { argv: ['exec_entry', 'p1_entry', '/bin/sh', '-c', 'exec_cmd p1_cmd'], shell: false, fromEntrypoint: true, cmdIgnored: false }],
      ['ENTRYPOINT [] counts as none', exec(), C_EXEC, { argv: ['exec_cmd', 'p1_cmd'], shell: false, fromEntrypoint: false, cmdIgnored: false }],
    ];
    for (const [name, e, c, expected] of cases) it(name, () => assert.deepEqual(combineCommand(e, c), expected));

    it('a shell-form ENTRYPOINT that names $0/$@ gets CMD as the shell\'s $0, $1 ... (Docker appends it after -c TEXT; docker/docs#14233)', () => {
      assert.deepEqual(combineCommand(shell('exec /entry.sh $0 $@'), exec('server', 'start')),
        { argv: ['/bin/sh', '-c', 'exec /entry.sh $0 $@', 'server', 'start'], shell: true, fromEntrypoint: true, cmdIgnored: false });
      assert.deepEqual(combineCommand(shell('exec app "${@}"'), shell('serve --port 80')).argv, ['/bin/sh', '-c', 'exec app "${@}"', '/bin/sh', '-c', 'serve --port 80']);
    });

    it('uses the SHELL instruction\'s shell for shell form', () => {
      assert.deepEqual(combineCommand(undefined, shell('gunicorn app:app'), ['/bin/bash', '-o', 'pipefail', '-c']).argv, ['/bin/bash', '-o', 'pipefail', '-c', 'gunicorn app:app']);
    });
  });

  describe('applyOverrides', () => {
    const image = { entrypoint: exec('/entrypoint.sh'), cmd: exec('gunicorn', 'app:app') };
    const cases: Array<[string, Parameters<typeof applyOverrides>[1], ReturnType<typeof applyOverrides>]> = [
      ['nothing overridden', { kind: 'compose' }, { entrypoint: image.entrypoint, cmd: image.cmd }],
      ['compose command (list) replaces CMD', { kind: 'compose', cmd: ['uvicorn', 'main:app'] }, { entrypoint: image.entrypoint, cmd: exec('uvicorn', 'main:app') }],
      [
        'compose command (string) is split, not run through a shell',
        { kind: 'compose', cmd: `gunicorn -b ":8000" 'app:app'` },
        { entrypoint: image.entrypoint, cmd: exec('gunicorn', '-b', ':8000', 'app:app') },
      ],
      ['compose entrypoint replaces ENTRYPOINT and clears CMD', { kind: 'compose', entrypoint: 'python -m app' }, { entrypoint: exec('python', '-m', 'app'), cmd: null }],
      ['compose entrypoint and command', { kind: 'compose', entrypoint: ['tini', '--'], cmd: ['gunicorn', 'x:y'] }, { entrypoint: exec('tini', '--'), cmd: exec('gunicorn', 'x:y') }],
      ['compose entrypoint: [] removes it', { kind: 'compose', entrypoint: [] }, { entrypoint: null, cmd: null }],
      ["compose entrypoint: '' removes it", { kind: 'compose', entrypoint: '' }, { entrypoint: null, cmd: null }],
      ['compose null keeps the image\'s', { kind: 'compose', entrypoint: null, cmd: null }, { entrypoint: image.entrypoint, cmd: image.cmd }],
      ['k8s command replaces ENTRYPOINT and drops CMD', { kind: 'k8s', entrypoint: ['gunicorn', 'app:app'] }, { entrypoint: exec('gunicorn', 'app:app'), cmd: null }],
      ['k8s args replace CMD only', { kind: 'k8s', cmd: ['-b', ':8080'] }, { entrypoint: image.entrypoint, cmd: exec('-b', ':8080') }],
      ['k8s command and args', { kind: 'k8s', entrypoint: ['gunicorn'], cmd: ['app:app'] }, { entrypoint: exec('gunicorn'), cmd: exec('app:app') }],
      ['k8s empty command counts as not given', { kind: 'k8s', entrypoint: [], cmd: ['x'] }, { entrypoint: image.entrypoint, cmd: exec('x') }],
      [
        'k8s $(VAR) references are expanded from the container env',
        { kind: 'k8s', cmd: ['--bind', '0.0.0.0:$(PORT)', '$$(LITERAL)', '$(UNKNOWN)'], env: { PORT: '8080' } },
        { entrypoint: image.entrypoint, cmd: exec('--bind', '0.0.0.0:8080', '$(LITERAL)', '$(UNKNOWN)') },
      ],
    ];
    for (const [name, o, expected] of cases) it(name, () => assert.deepEqual(applyOverrides(image, o), expected));

    it('expandK8sRefs leaves shell-style $VAR alone', () => {
      assert.equal(expandK8sRefs('$PORT $(PORT) $$', { PORT: '1' }), '$PORT 1 $');
    });
  });

  describe('entrypoint scripts', () => {
    /** analyzeScript's result with each argument as its value, `"$@"` standing for the script's arguments. */
    type Summary = Omit<ScriptAnalysis, 'args'> & { argv?: string[] };
    const summarize = (text: string): Summary => {
      const an = analyzeScript(text, {}, { isServer: startsServer });
      const out: Summary = { exec: an.exec, env: an.env };
      if (an.args) out.argv = an.args.map((a) => (a.scriptArgs ? '"$@"' : a.value));
      if (an.cwd !== undefined) out.cwd = an.cwd;
      if (an.uncertain) out.uncertain = an.uncertain;
      return out;
    };
    const cases: Array<[string, string, Summary]> = [
      [
        'exec "$@" after setup',
        '#!/bin/sh\nset -e\n# migrate first\nexport DJANGO_SETTINGS_MODULE=proj.settings\npython manage.py migrate --noinput\nexec "$@"\n',
        { argv: ['"$@"'], exec: true, env: { DJANGO_SETTINGS_MODULE: 'proj.settings' } },
      ],
      [
        'exec gunicorn with the script arguments appended',
        '#!/bin/bash\nset -euo pipefail\nexport PORT="${PORT:-8080}"\nexec gunicorn --bind "0.0.0.0:${PORT}" "$@"\n',
        { argv: ['gunicorn', '--bind', '0.0.0.0:8080', '"$@"'], exec: true, env: { PORT: '8080' } },
      ],
      [
        'a server without exec, after cd and wait-for-it',
        'cd /app\nwait-for-it db:5432 -t 30\nuvicorn main:app --host 0.0.0.0 &\nwait\n',
        { argv: ['uvicorn', 'main:app', '--host', '0.0.0.0'], exec: false, env: {}, cwd: '/app' },
      ],
      [
        'the top-level exec wins over one in a branch',
        'if [ "$1" = "worker" ]; then\n  exec celery -A proj worker\nfi\nexec gunicorn proj.wsgi\n',
        { argv: ['gunicorn', 'proj.wsgi'], exec: true, env: {} },
      ],
      [
        'only under a condition',
        'if [ -n "$WEB" ]; then\n  exec gunicorn app:app\nfi\n',
        { argv: ['gunicorn', 'app:app'], exec: true, env: {}, uncertain: 'the command runs only under a condition' },
      ],
      [
        'set -- rewrites the arguments',
        'if [ "${1#-}" != "$1" ]; then\n  set -- gunicorn "$@"\nfi\nexec "$@"\n',
        { argv: ['"$@"'], exec: true, env: {}, uncertain: 'the script rewrites its arguments (set --)' },
      ],
      ['nothing runs', '#!/bin/sh\necho starting\n', { exec: false, env: {}, uncertain: 'no service command found' }],
      ['empty', '', { exec: false, env: {} }],
    ];
    for (const [name, text, expected] of cases) it(name, () => assert.deepEqual(summarize(text), expected));

    const finds: Array<[string, string[] | undefined]> = [
      ['#!/bin/sh\nexec "$@"', ['"$@"']],
      ['exec gunicorn -b :$PORT app:app', ['gunicorn', '-b', ':$PORT', 'app:app']],
      ['if true; then exec gunicorn a:b; fi', undefined],
      ['echo hi', undefined],
    ];
    for (const [text, expected] of finds) {
      it(`the command of ${JSON.stringify(text)}`, () => {
        const r = summarize(text);
        assert.deepEqual(r.uncertain ? undefined : r.argv, expected);
      });
    }
  });
});
