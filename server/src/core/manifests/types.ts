// Typed, range-carrying models of deploy manifests (Kubernetes, Cloud Run / Knative, docker-compose).
import type { Range } from '../types';
import type { QuantitySyntax } from './memory';

/** A value read from YAML together with where it was written (the value node; `keyRange` is its key). */
export interface Located<T> {
  value: T;
  range: Range;
  /** The key the value belongs to, for fixes that rewrite or insert next to it. */
  keyRange?: Range;
  /** The file it is written in when that is not its workload's `file` (a compose override, `extends` or `include` merged in). */
  file?: string;
}

/**
 * An argv override. `shell: true` marks compose's string form (`command: gunicorn app:app`): `value`
 * then holds the one raw string, which Compose splits into words (shell-style quoting, but no shell runs).
 */
export type CommandSpec = Located<string[]> & {
  shell?: boolean;
  /**
   * Where each element is written (list form: each item; string form: each word compose splits it into),
   * `range` with its quotes and `content` inside them; absent when an element cannot be placed exactly.
   */
  items?: ({ range: Range; content: Range } | undefined)[];
};

/** A Kubernetes / Cloud Run probe as written; absent fields take the platform defaults (see budget.ts). */
export interface ProbeSpec {
  kind: 'startup' | 'liveness' | 'readiness';
  handler: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc' | 'unknown';
  /** httpGet.port / tcpSocket.port / grpc.port: a number or a named port. */
  port?: Located<string | number>;
  path?: Located<string>;
  initialDelaySeconds?: Located<number>;
  periodSeconds?: Located<number>;
  timeoutSeconds?: Located<number>;
  failureThreshold?: Located<number>;
  successThreshold?: Located<number>;
  /** The whole probe mapping (the key alone when the value is empty). */
  range: Range;
  /** The `livenessProbe:` key. */
  keyRange: Range;
  /** Column of the probe's child keys, for fixes that insert lines (key column + 2 when it has none). */
  indent: number;
  /** The mapping is written in flow style (`{...}`): inserting block lines would break it. */
  flow?: boolean;
}

/** A compose `healthcheck:` (durations already in seconds); absent fields take Docker's defaults. */
export interface HealthcheckSpec {
  interval?: Located<number>;
  timeout?: Located<number>;
  retries?: Located<number>;
  startPeriod?: Located<number>;
  startInterval?: Located<number>;
  /** `test:` normalised to exec form: a string becomes `['CMD-SHELL', string]`. */
  test?: Located<string[]>;
  /** `disable: true` or `test: ["NONE"]`. */
  disabled: boolean;
  range: Range;
  keyRange: Range;
  indent: number;
  /** The file of the `healthcheck:` key (a compose override's), when not the workload's. */
  file?: string;
}

export interface EnvVar {
  name: string;
  /** Undefined for `valueFrom`, and for compose entries without a value (taken from the shell). */
  value?: Located<string>;
  valueFrom?: boolean;
  nameRange: Range;
  /** The whole entry (list item or `KEY: value` pair). */
  itemRange: Range;
  /** The file it is written in, when not the workload's (a compose override). */
  file?: string;
}

export interface PortSpec {
  /** The container side (compose: the target of `host:container`, or of the long form). */
  containerPort: Located<number>;
  name?: string;
}

/** One place that sets a memory size (k8s `resources.limits.memory`, compose `mem_limit`, ...), with its value in bytes. */
export interface MemorySetting extends Located<string> {
  bytes: number;
  syntax: QuantitySyntax;
  /** The key path as written, for messages: `resources.limits.memory`, `mem_limit`, `deploy.resources.limits.memory`. */
  key: string;
}

/** Resource settings of a container: memory limits and requests (compose: reservations), CPU limit. */
export interface ResourcesSpec {
  /** Every place that sets the memory limit (compose may set it twice); the smallest applies. */
  memoryLimits: MemorySetting[];
  memoryRequests: MemorySetting[];
  /** k8s / Cloud Run `resources.limits.cpu`, in cores. */
  cpuLimit?: Located<number>;
  /** The `resources:` key (k8s / Cloud Run), for fixes that add a limit. */
  resourcesKey?: Range;
  /** The `limits:` key under it and the column of its child keys (absent when written in flow style). */
  limitsKey?: Range;
  limitsIndent?: number;
}

export interface ContainerSpec {
  name?: Located<string>;
  image?: Located<string>;
  /** Replaces the image's ENTRYPOINT (k8s `command`, compose `entrypoint`). */
  command?: CommandSpec;
  /** Replaces the image's CMD (k8s `args`, compose `command`). */
  args?: CommandSpec;
  /** Replaces the image's WORKDIR (k8s `workingDir`, compose `working_dir`). */
  workingDir?: Located<string>;
  env: EnvVar[];
  /** k8s/Cloud Run `ports`; compose `ports` (container side) and `expose`. */
  ports: PortSpec[];
  probes: ProbeSpec[];
  /** compose only. */
  healthcheck?: HealthcheckSpec;
  /** compose `env_file` paths as written (relative to the compose file). */
  envFiles?: Located<string>[];
  /** compose `user`; Kubernetes `securityContext.runAsUser` (the container's, else the pod's) as a uid. */
  user?: Located<string>;
  /** Memory and CPU settings; absent when the container sets none. */
  resources?: ResourcesSpec;
  /** compose `volumes:` / k8s `volumeMounts`: what is mounted over the image's files. */
  mounts?: MountSpec[];
  range: Range;
  /** Column of the container's keys, for inserting keys such as startupProbe. */
  indent: number;
  initContainer?: boolean;
}

/**
 * A mount over part of the container's filesystem: its files replace the image's at `target`.
 * `bind`: a host path (compose; `source` as written, relative to the compose file); `volume`: a named or
 * anonymous volume (compose) or a persistent volume claim / other persistent volume (k8s); `tmpfs`;
 * `emptyDir`; `configMap`/`secret`/`projected`/`downwardAPI`: files from the API server; `hostPath`: a node path.
 */
export interface MountSpec {
  kind: 'bind' | 'volume' | 'tmpfs' | 'emptyDir' | 'configMap' | 'secret' | 'projected' | 'downwardAPI' | 'hostPath' | 'other';
  /** The host path (bind), the volume's name (compose named volume, k8s volume), absent for an anonymous volume. */
  source?: string;
  /** Absolute path in the container (compose target, k8s mountPath). */
  target: string;
  /** k8s `subPath`: only that entry of the volume is mounted at `target`. */
  subPath?: string;
  /** The volume entry / volumeMount item. */
  range: Range;
  /** The file it is written in, when not the workload's (a compose override). */
  file?: string;
  /** k8s: the other containers of the pod (initContainers included) that mount the same volume, and so may write into it. */
  sharedWith?: string[];
}

/** compose `build:`; paths as written (context relative to the compose file, dockerfile to the context). */
export interface BuildSpec {
  context: Located<string>;
  dockerfile?: Located<string>;
  target?: string;
  /** `build.args` (list or map form) by name; undefined: passed, but from an interpolation (`${VERSION}`) whose value is not known here. */
  args?: Record<string, string | undefined>;
}

export type Platform = 'kubernetes' | 'cloudrun' | 'compose';

export interface Workload {
  platform: Platform;
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod, Service (Knative); compose: the service name. */
  kind: string;
  name?: string;
  /** Absolute path of the manifest (as passed in). */
  file: string;
  containers: ContainerSpec[];
  /** Object and pod-template annotations merged; the template's win on a clash. */
  annotations: Record<string, Located<string>>;
  /** compose only. */
  build?: BuildSpec;
  /** compose only: what the service says about how it is assembled, and (once merged) the files it was assembled from. */
  compose?: ComposeServiceInfo;
  range: Range;
}

/**
 * A compose service beyond its container: `extends`, `profiles`, keys tagged `!reset` / `!override`, and,
 * once the project's files are merged (compose-project.ts), every other definition merged into it.
 */
export interface ComposeServiceInfo {
  extends?: { service: string; file?: string; range: Range };
  profiles?: string[];
  /** Keys tagged `!reset` (removed from what is merged so far) and `!override` (replace instead of merge). */
  reset?: string[];
  override?: string[];
  /** The service names `image:` or `build:` (else it only makes sense merged on another definition, or via `extends`). */
  complete: boolean;
  /** The other definitions merged into this one, in merge order (set by the project merge). */
  layers?: { file: string; range: Range; how: 'override' | 'extends' | 'include' }[];
  /** How the project's files were chosen, when not by `docker compose`'s own default (for --explain). */
  note?: string;
}

export interface ManifestProblem {
  message: string;
  range: Range;
}

export interface ParsedManifests {
  workloads: Workload[];
  /** YAML syntax errors; the documents that parsed still yield workloads. */
  errors: ManifestProblem[];
  /** Why (part of) a file was not modelled, e.g. TEMPLATE_SKIPPED. */
  notices: string[];
  /** compose top-level `include:` paths as written (relative to the file). */
  includes?: Located<string>[];
}
