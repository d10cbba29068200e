// The runtime model's types: a container is a Dockerfile stage run by one thing (the bare image, a compose service, a k8s container, Cloud Run, gcloud).
import type { DockerTarget } from '../analysis';
import type { ContainerEntry } from '../container';
import type { Deployment } from '../deployments';
import type { StageModel } from '../docker/image';
import type { Bind, Entrypoint, ShellEnv } from '../entrypoint';
import type { ImportAnalysis } from '../imports';
import type { CliRun } from './cli';
import type { ClosureResult } from '../python/closure';
import type { ImageView, Resolution } from '../python/resolver';
import type { StartupEstimate } from '../startup';
import type { MountSpec } from '../manifests';
import type { Range } from '../types';

/** What starts the container: `docker run` of the image, or a deployment of it. */
export type RunnerKind = 'image' | 'compose' | 'k8s' | 'k8s-init' | 'cloudrun' | 'gcloud' | 'procfile' | 'lambda';

export interface Runner {
  kind: RunnerKind;
  /** The Dockerfile (kind `image`) or the manifest, workflow or script that deploys the image. */
  file: string;
  /** The command instruction or FROM (image), the container / service mapping, or the `gcloud run deploy` line. */
  range: Range;
  /** Absent for the bare image. */
  deployment?: Deployment;
  /** For messages: `Dockerfile`, `compose.yaml: service worker`, `k8s/w.yaml: Deployment w, container api`. */
  describe(): string;
}

/** A Dockerfile stage as one runner runs it. Every rule that looks at what runs iterates these. */
export interface Container {
  /** Stable within a lint: `Dockerfile#app @ compose.yaml: service worker`. */
  id: string;
  runner: Runner;
  target: DockerTarget;
  /** The stage that runs: the build's final stage, or the one compose `build.target` names. */
  stage: StageModel;
  /** The parsed command with its provenance (`entry.sources`, `entry.at`); undefined when nothing readable runs (see `quiet`). */
  entry?: ContainerEntry;
  /** The server or script the command runs (`entry.ep`). */
  ep?: Entrypoint;
  /** The argv the container starts with (ENTRYPOINT + CMD after overrides), before any script is followed. */
  argv: string[];
  /** Image ENV, then compose env_file, then the deployment's env; a name mapped to undefined is set to an unknown value. */
  env: ShellEnv;
  /** The folder the server starts in (WORKDIR, workingDir/working_dir, `cd` in a script, --chdir). */
  cwd: string;
  /** The user it starts as (`startUser`: compose `user`, Kubernetes `runAsUser`, USER, root for a known base); absent when not known. */
  user?: string;
  sysPath: string[];
  view: ImageView;
  /** Top-level names the project declares as dependencies: never local. */
  thirdParty: Set<string>;
  entryResolution?: Resolution;
  entryFile?: string;
  closure?: ClosureResult;
  sysPathChangedBy?: string;
  /** Where the server listens (`ep.bind`), when it says. */
  bind?: Bind;
  /** Variables the deployment sets that the model cannot see (`envFrom`, an unreadable `env_file`, `--env-vars-file`). */
  hiddenEnv?: string;
  /** What the deployment mounts over the image's files (compose volumes, k8s volumeMounts), as applied to `stage.tree`. */
  mounts?: AppliedMount[];
  /** The bare image, when every deployment of it mounts the host's code over its working folder: why its own files are not judged. */
  onlyWithHostCode?: string;
  /** The command is a process starter (s6-overlay, supervisord): a container per process it runs, which the lint lists instead of this one. */
  processes?: Container[];
  /** The entry is a command-line app (click, typer, argparse): what the argv selects in it. */
  cli?: CliRun;
  /** Every reason the model stayed uncertain about this container, for `--explain`. */
  quiet: string[];
  /** How long the entry takes to import (computed on first use, shared by containers with one closure and folder). */
  startup(): StartupEstimate;
}

/** A mount as the runtime model applied it: the host's files at `target`, or `uncertain` contents. */
export interface AppliedMount {
  /** The manifest and the volumes entry / volumeMount that mounts it. */
  file: string;
  range: Range;
  /** Absolute path in the container. */
  target: string;
  kind: MountSpec['kind'];
  /** `./project`, `volume app-code`, `configMap volume settings (subPath app.py)`. */
  describe: string;
  /** Workspace-relative host folder or file whose contents the container sees at `target`. */
  host?: string;
  /** Why the contents at `target` are not known (absent when `host` is set). */
  uncertain?: string;
  /** The mount starts empty and nothing else writes into it before the container starts (why, for messages): the image's files there are gone. */
  empty?: string;
}

/** A container whose command deploylint can follow: what the Python rules check. */
export interface RunningContainer extends Container, ImportAnalysis {
  entry: ContainerEntry;
  ep: Entrypoint;
}
