// compose `volumes:` and Kubernetes `volumeMounts` -> MountSpec: kind, source, target, subPath and the entry's range.
import { strict as assert } from 'assert';
import { parseManifests, type MountSpec } from '../../../server/src/core/manifests';
import { at, lines } from './util';

function mounts(text: string, file: string): string[] {
  const w = parseManifests(file, text).workloads;
  return w.flatMap((x) => x.containers.flatMap((c) => (c.mounts ?? []).map((m: MountSpec) => `${m.kind} ${m.source ?? '-'} -> ${m.target}${m.subPath ? ` (subPath ${m.subPath})` : ''} @${at(m.range)}`)));
}

describe('manifests: compose volumes', () => {
  it('reads short and long syntax: binds (relative, absolute, ~, variable, Windows drive), named and anonymous volumes, tmpfs', () => {
    const text = lines(
      'services:', //                              0
      '  web:', //                                 1
      '    build: .', //                           2
      '    volumes:', //                           3
      '      - ./project:/usr/src/app', //         4
      '      - /srv/data:/data:ro', //             5
      '      - ~/cache:/root/.cache', //           6
      '      - ${CODE_DIR}:/code', //              7
      '      - C:\\src:/win', //                   8
      '      - pgdata:/var/lib/postgresql', //     9
      '      - /var/run/anon', //                  10
      '      - type: bind', //                     11
      '        source: ./conf', //                 12
      '        target: /etc/app', //               13
      '      - type: tmpfs', //                    14
      '        target: /tmp/scratch', //           15
      '      - type: volume', //                   16
      '        source: models', //                 17
      '        target: /models', //                18
      '      - relative/target-ignored', //        19
    );
    assert.deepEqual(mounts(text, '/repo/compose.yaml'), [
      'bind ./project -> /usr/src/app @4:8-4:30',
      'bind /srv/data -> /data @5:8-5:26',
      'bind ~/cache -> /root/.cache @6:8-6:28',
      'bind ${CODE_DIR} -> /code @7:8-7:25',
      'bind C:\\src -> /win @8:8-8:19',
      'volume pgdata -> /var/lib/postgresql @9:8-9:34',
      'volume - -> /var/run/anon @10:8-10:21',
      'bind ./conf -> /etc/app @11:8-13:24',
      'tmpfs - -> /tmp/scratch @14:8-15:28',
      'volume models -> /models @16:8-18:23',
    ]);
  });
});

describe('manifests: kubernetes volumeMounts', () => {
  it('takes each mount\'s kind from the pod volume it names, for containers and initContainers', () => {
    const text = lines(
      'apiVersion: apps/v1', //                    0
      'kind: Deployment', //                       1
      'metadata: {name: web}', //                  2
      'spec:', //                                  3
      '  template:', //                            4
      '    spec:', //                              5
      '      initContainers:', //                  6
      '        - name: fetch', //                  7
      '          image: app', //                   8
      '          volumeMounts:', //                9
      '            - {name: code, mountPath: /app/plugins}', // 10
      '      containers:', //                      11
      '        - name: web', //                    12
      '          image: app', //                   13
      '          volumeMounts:', //                14
      '            - name: settings', //           15
      '              mountPath: /app/settings.py', // 16
      '              subPath: settings.py', //     17
      '            - name: data', //               18
      '              mountPath: /data', //         19
      '            - name: creds', //              20
      '              mountPath: /var/run/creds', // 21
      '            - name: undeclared', //         22
      '              mountPath: /x', //            23
      '      volumes:', //                         24
      '        - name: code', //                   25
      '          emptyDir: {}', //                 26
      '        - name: settings', //               27
      '          configMap: {name: web-settings}', // 28
      '        - name: data', //                   29
      '          persistentVolumeClaim: {claimName: data}', // 30
      '        - name: creds', //                  31
      '          secret: {secretName: creds}', //  32
    );
    assert.deepEqual(mounts(text, '/repo/k8s/web.yaml'), [
      'emptyDir code -> /app/plugins @10:14-10:51',
      'configMap settings -> /app/settings.py (subPath settings.py) @15:14-17:34',
      'volume data -> /data @18:14-19:30',
      'secret creds -> /var/run/creds @20:14-21:39',
      'other undeclared -> /x @22:14-23:27',
    ]);
  });
});
