// Kubernetes and Cloud Run (Knative serving) objects -> workloads with containers, env, ports and probes.
import { YAMLMap, isScalar } from 'yaml';
import type { YamlSource } from './nodes';
import { parseKubeQuantity, readMemorySetting } from './memory';
import type { ContainerSpec, EnvVar, Located, MountSpec, PortSpec, ProbeSpec, ResourcesSpec, Workload } from './types';

/** Kinds whose pod template is at `spec.template`. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

const PROBE_KEYS: [string, ProbeSpec['kind']][] = [
  ['startupProbe', 'startup'],
  ['livenessProbe', 'liveness'],
  ['readinessProbe', 'readiness'],
];

const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;

/** True when a document root looks like a Kubernetes-style object (`apiVersion` + `kind`). */
export function isKubeObject(src: YamlSource, root: YAMLMap): boolean {
  return src.str(root, 'kind') !== undefined && src.str(root, 'apiVersion') !== undefined;
}

/** Workloads of one Kubernetes / Knative object (a `List` yields those of its items). */
export function kubeWorkloads(src: YamlSource, obj: YAMLMap, file: string, depth = 0): Workload[] {
  const kind = src.str(obj, 'kind')?.value;
  const apiVersion = src.str(obj, 'apiVersion')?.value ?? '';
  if (!kind) return [];
  if (kind === 'List') {
    if (depth > 2) return [];
    const items = src.seq(src.get(obj, 'items'))?.items ?? [];
    return items.flatMap((it) => {
      const m = src.map(it);
      return m ? kubeWorkloads(src, m, file, depth + 1) : [];
    });
  }

  const spec = src.map(src.get(obj, 'spec'));
  let template: YAMLMap | undefined;
  let platform: Workload['platform'] = 'kubernetes';
  if (kind === 'Service' && apiVersion.startsWith('serving.knative.dev/')) {
    platform = 'cloudrun';
    template = src.map(src.get(spec, 'template'));
  } else if (kind === 'Job' && apiVersion.startsWith('run.googleapis.com/')) {
    // A Cloud Run job: spec.template (an execution) .spec.template (a task).
    platform = 'cloudrun';
    template = src.map(src.get(src.map(src.get(src.map(src.get(spec, 'template')), 'spec')), 'template'));
  } else if (TEMPLATE_KINDS.has(kind)) {
    template = src.map(src.get(spec, 'template'));
  } else if (kind === 'CronJob') {
    const jobSpec = src.map(src.get(src.map(src.get(spec, 'jobTemplate')), 'spec'));
    template = src.map(src.get(jobSpec, 'template'));
  } else if (kind === 'Pod') {
    template = obj;
  } else {
    return [];
  }

  const podSpec = src.map(src.get(template, 'spec'));
  const annotations = {
    ...readAnnotations(src, src.map(src.get(obj, 'metadata'))),
    ...(template !== obj ? readAnnotations(src, src.map(src.get(template, 'metadata'))) : {}),
  };
  const workload: Workload = {
    platform,
    kind,
    file,
    containers: podContainers(src, podSpec),
    annotations,
    range: src.nodeRange(obj),
  };
  const name = src.str(src.map(src.get(obj, 'metadata')), 'name')?.value;
  if (name !== undefined) workload.name = name;
  return [workload];
}

function readAnnotations(src: YamlSource, metadata: YAMLMap | undefined): Record<string, Located<string>> {
  const out: Record<string, Located<string>> = {};
  for (const p of src.entries(src.map(src.get(metadata, 'annotations')))) {
    const v = src.scalarText(p.value);
    if (v !== undefined) out[String(p.key.value)] = src.located(v, p.value, p.key);
  }
  return out;
}

function podContainers(src: YamlSource, podSpec: YAMLMap | undefined): ContainerSpec[] {
  const out: ContainerSpec[] = [];
  const volumes = podVolumes(src, podSpec);
  // runAsUser: the container's securityContext overrides the pod's (Kubernetes, "Configure a Security Context").
  const podUser = src.num(src.map(src.get(podSpec, 'securityContext')), 'runAsUser');
  for (const key of ['initContainers', 'containers']) {
    for (const it of src.seq(src.get(podSpec, key))?.items ?? []) {
      const m = src.map(it);
      if (!m) continue;
      const c = kubeContainer(src, m);
      const runAsUser = src.num(src.map(src.get(m, 'securityContext')), 'runAsUser') ?? podUser;
      if (runAsUser && Number.isInteger(runAsUser.value) && runAsUser.value >= 0) c.user = { ...runAsUser, value: String(runAsUser.value) };
      const mounts = volumeMounts(src, m, volumes);
      if (mounts.length) c.mounts = mounts;
      if (key === 'initContainers') c.initContainer = true;
      out.push(c);
    }
  }
  // A pod's containers share its volumes: another container mounting the same volume may write into it.
  out.forEach((c, i) => {
    for (const m of c.mounts ?? []) {
      const others = out.filter((o, j) => j !== i && o.mounts?.some((x) => x.source === m.source)).map((o) => `${o.initContainer ? 'initContainer' : 'container'} ${o.name?.value ?? '?'}`);
      if (others.length) m.sharedWith = others;
    }
  });
  return out;
}

const VOLUME_KINDS: [string, MountSpec['kind']][] = [
  ['emptyDir', 'emptyDir'], ['configMap', 'configMap'], ['secret', 'secret'], ['projected', 'projected'],
  ['downwardAPI', 'downwardAPI'], ['hostPath', 'hostPath'], ['persistentVolumeClaim', 'volume'], ['ephemeral', 'volume'],
];

/** The pod's `volumes:` by name, each with its kind (the key that defines it). */
function podVolumes(src: YamlSource, podSpec: YAMLMap | undefined): Map<string, MountSpec['kind']> {
  const out = new Map<string, MountSpec['kind']>();
  for (const it of src.seq(src.get(podSpec, 'volumes'))?.items ?? []) {
    const v = src.map(it);
    const name = src.str(v, 'name')?.value;
    if (!v || name === undefined) continue;
    out.set(name, VOLUME_KINDS.find(([key]) => src.pair(v, key))?.[1] ?? 'other');
  }
  return out;
}

/** A container's `volumeMounts`, each with the kind of the pod volume it names. */
function volumeMounts(src: YamlSource, m: YAMLMap, volumes: Map<string, MountSpec['kind']>): MountSpec[] {
  const out: MountSpec[] = [];
  for (const it of src.seq(src.get(m, 'volumeMounts'))?.items ?? []) {
    const vm = src.map(it);
    const target = src.str(vm, 'mountPath')?.value;
    const name = src.str(vm, 'name')?.value;
    if (!vm || !target?.startsWith('/') || name === undefined) continue;
    const mount: MountSpec = { kind: volumes.get(name) ?? 'other', source: name, target, range: src.nodeRange(it) };
    const subPath = src.str(vm, 'subPath')?.value;
    if (subPath) mount.subPath = subPath;
    out.push(mount);
  }
  return out;
}

function kubeContainer(src: YamlSource, m: YAMLMap): ContainerSpec {
  const range = src.nodeRange(m);
  const c: ContainerSpec = {
    env: kubeEnv(src, m),
    ports: kubePorts(src, m),
    probes: [],
    range,
    indent: src.indentOf(m, range.start.character),
  };
  const name = src.str(m, 'name');
  if (name) c.name = name;
  const image = src.str(m, 'image');
  if (image) c.image = image;
  const command = src.commandList(m, 'command');
  if (command) c.command = command;
  const args = src.commandList(m, 'args');
  if (args) c.args = args;
  const workingDir = src.str(m, 'workingDir');
  if (workingDir) c.workingDir = workingDir;
  for (const [key, kind] of PROBE_KEYS) {
    const probe = kubeProbe(src, m, key, kind);
    if (probe) c.probes.push(probe);
  }
  const resources = kubeResources(src, m);
  if (resources) c.resources = resources;
  return c;
}

/** `resources.limits.memory`, `resources.requests.memory` and `resources.limits.cpu`, with where a fix can add a limit. */
function kubeResources(src: YamlSource, m: YAMLMap): ResourcesSpec | undefined {
  const pair = src.pair(m, 'resources');
  if (!pair) return undefined;
  const resources = src.map(pair.value);
  const out: ResourcesSpec = { memoryLimits: [], memoryRequests: [], resourcesKey: src.nodeRange(pair.key) };
  const limitsPair = src.pair(resources, 'limits');
  const limits = src.map(limitsPair?.value);
  if (limitsPair && (!limits || !limits.flow)) {
    out.limitsKey = src.nodeRange(limitsPair.key);
    out.limitsIndent = src.indentOf(limits, out.limitsKey.start.character + 2);
  }
  const limit = readMemorySetting(src, limits, 'memory', 'resources.limits.memory', 'kubernetes');
  if (limit) out.memoryLimits.push(limit);
  const request = readMemorySetting(src, src.map(src.get(resources, 'requests')), 'memory', 'resources.requests.memory', 'kubernetes');
  if (request) out.memoryRequests.push(request);
  const cpu = src.str(limits, 'cpu');
  const cores = cpu ? parseKubeQuantity(cpu.value) : undefined;
  if (cpu && cores !== undefined) out.cpuLimit = { ...cpu, value: cores };
  return out;
}

function kubeEnv(src: YamlSource, m: YAMLMap): EnvVar[] {
  const out: EnvVar[] = [];
  for (const it of src.seq(src.get(m, 'env'))?.items ?? []) {
    const item = src.map(it);
    const namePair = src.pair(item, 'name');
    const name = namePair ? src.scalarText(namePair.value) : undefined;
    if (!item || !namePair || name === undefined) continue;
    const e: EnvVar = { name, nameRange: src.nodeRange(namePair.value), itemRange: src.nodeRange(item) };
    const value = src.str(item, 'value');
    if (value) e.value = value;
    if (src.pair(item, 'valueFrom')) e.valueFrom = true;
    out.push(e);
  }
  return out;
}

function kubePorts(src: YamlSource, m: YAMLMap): PortSpec[] {
  const out: PortSpec[] = [];
  for (const it of src.seq(src.get(m, 'ports'))?.items ?? []) {
    const item = src.map(it);
    const containerPort = src.num(item, 'containerPort');
    if (!containerPort) continue;
    const p: PortSpec = { containerPort };
    const name = src.str(item, 'name')?.value;
    if (name !== undefined) p.name = name;
    out.push(p);
  }
  return out;
}

function kubeProbe(src: YamlSource, container: YAMLMap, key: string, kind: ProbeSpec['kind']): ProbeSpec | undefined {
  const pair = src.pair(container, key);
  if (!pair) return undefined;
  const keyRange = src.nodeRange(pair.key);
  const m = src.map(pair.value);
  const probe: ProbeSpec = {
    kind,
    handler: 'unknown',
    range: m ? src.nodeRange(m) : src.pairRange(pair),
    keyRange,
    indent: src.indentOf(m, keyRange.start.character + 2),
  };
  if (m?.flow) probe.flow = true;
  for (const h of HANDLERS) {
    const hm = src.get(m, h);
    if (hm === undefined) continue;
    probe.handler = h;
    if (h !== 'exec') {
      const handlerMap = src.map(hm);
      const portPair = src.pair(handlerMap, 'port');
      const portNode = portPair ? src.deref(portPair.value) : undefined;
      if (portPair && isScalar(portNode)) {
        const v = typeof portNode.value === 'number' ? portNode.value : src.scalarText(portNode);
        if (v !== undefined) probe.port = src.located<string | number>(v, portPair.value, portPair.key);
      }
      const path = h === 'httpGet' ? src.str(handlerMap, 'path') : undefined;
      if (path) probe.path = path;
    }
    break;
  }
  for (const field of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    const v = src.num(m, field);
    if (v) probe[field] = v;
  }
  return probe;
}
