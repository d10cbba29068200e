// What a deployment mounts over the image (compose volumes, k8s volumeMounts): a workspace folder bound over a path shows the host's files there; any other mount makes the path uncertain.
import type { Analysis } from '../analysis';
import { BuildContext } from '../docker/context';
import type { StageModel } from '../docker/image';
import type { Instruction } from '../docker/parse';
import { ImageTree, within } from '../docker/tree';
import { dirname, join, normalize, relativeInside } from '../fs';
import type { ImportAnalysis } from '../imports';
import type { MountSpec } from '../manifests';
import type { TextEdit } from '../types';
import type { AppliedMount, Container } from './types';

/**
 * The stage as a deployment's mounts change it. A bind mount of a workspace folder (or file) replaces the
 * image's files at its target with the host's, as Docker does (the image's are hidden, `.dockerignore` does
 * not apply); any other mount (a named or anonymous volume, emptyDir, configMap, PVC, a host path outside
 * the workspace) makes the target's contents uncertain.
 */
export function applyMounts(a: Analysis, manifest: string, stage: StageModel, specs: MountSpec[], opts: { ownWrites?: string } = {}): { stage: StageModel; mounts: AppliedMount[] } {
  if (!specs.length) return { stage, mounts: [] };
  const tree = new ImageTree(stage.tree);
  const mounts: AppliedMount[] = [];
  const at = (m: MountSpec) => ({ file: m.file ?? manifest, range: m.range });
  for (const m of specs) {
    const target = normalize(m.target);
    const written = m.file ?? manifest;
    const origin = { source: undefined as string | undefined };
    if (m.kind === 'bind' && m.source !== undefined) {
      const host = hostPath(a, written, m.source);
      const kind = host ? a.fs.stat(host)?.kind : undefined;
      if (host && (kind === 'dir' || kind === 'file')) {
        origin.source = host;
        tree.add({ kind: 'delete', dest: target, origin });
        if (kind === 'dir') tree.add({ kind: 'ctxdir', dest: target, ctx: new BuildContext(a.fs, host), ctxRel: '', origin });
        else tree.add({ kind: 'ctxfile', dest: target, ctx: new BuildContext(a.fs, dirname(host)), ctxRel: host.slice(host.lastIndexOf('/') + 1), origin });
        mounts.push({ ...at(m), target, kind: m.kind, describe: `${m.source}`, host: a.rel(host) });
        continue;
      }
      const why = host ? `the host path ${m.source} is not in the workspace (Docker creates it empty)` : `the host path ${m.source} is outside the workspace or holds a variable: its files are not known here`;
      tree.add({ kind: 'uncertain', dest: target, reason: why, origin: {} });
      mounts.push({ ...at(m), target, kind: m.kind, describe: m.source, uncertain: why });
      continue;
    }
    const name = m.source ? `${MOUNT_NAMES[m.kind]} ${m.source}` : `an anonymous ${MOUNT_NAMES[m.kind]}`;
    const describe = m.subPath ? `${name} (subPath ${m.subPath})` : name;
    const empty = emptyAtStart(m);
    if (empty && !opts.ownWrites) {
      // Nothing can have put files there: the image's files at the target are hidden, the folder is empty.
      tree.add({ kind: 'delete', dest: target, origin: {} });
      mounts.push({ ...at(m), target, kind: m.kind, describe, empty });
      continue;
    }
    const why = empty ? `${empty}, but the container's own command (${opts.ownWrites}) may write into it first` : m.sharedWith?.length && m.kind === 'emptyDir' ? `an emptyDir volume starts empty, but ${m.sharedWith.join(', ')} of the pod mount${m.sharedWith.length === 1 ? 's' : ''} it too and may write code into it` : `${MOUNT_WHY[m.kind]}`;
    tree.add({ kind: 'uncertain', dest: target, reason: `${describe} is mounted here: ${why}`, origin: {} });
    mounts.push({ ...at(m), target, kind: m.kind, describe, uncertain: why });
  }
  return { stage: { ...stage, tree }, mounts };
}

/**
 * Why a mount is empty when the container starts, or undefined: a tmpfs always is; a Kubernetes emptyDir is
 * created empty with the pod and only the pod's containers can write into it, so when no other container
 * (initContainer or sidecar) mounts it, nothing has (kubernetes.io/docs/concepts/storage/volumes/#emptydir).
 */
export function emptyAtStart(m: MountSpec): string | undefined {
  if (m.kind === 'tmpfs') return 'a tmpfs mount starts empty';
  if (m.kind === 'emptyDir' && !m.sharedWith?.length) return 'an emptyDir volume starts empty and no other container of the pod mounts it';
  return undefined;
}

const MOUNT_NAMES: Record<MountSpec['kind'], string> = {
  bind: 'host path', volume: 'volume', tmpfs: 'tmpfs', emptyDir: 'emptyDir volume', configMap: 'configMap volume',
  secret: 'secret volume', projected: 'projected volume', downwardAPI: 'downwardAPI volume', hostPath: 'hostPath volume', other: 'volume',
};

const MOUNT_WHY: Record<MountSpec['kind'], string> = {
  bind: 'its files are not known here',
  volume: 'a volume holds what earlier containers left in it (Docker seeds a new named volume from the image, later runs keep the old files)',
  tmpfs: 'a tmpfs mount starts empty and hides the image\'s files there',
  emptyDir: 'an emptyDir volume starts empty (or holds what an init container wrote) and hides the image\'s files there',
  configMap: 'a configMap volume holds the ConfigMap\'s keys as files, which the model cannot see, and hides the image\'s files there',
  secret: 'a secret volume holds the Secret\'s keys as files and hides the image\'s files there',
  projected: 'a projected volume holds API objects as files and hides the image\'s files there',
  downwardAPI: 'a downwardAPI volume holds pod fields as files and hides the image\'s files there',
  hostPath: 'a hostPath volume holds the node\'s files, which the model cannot see',
  other: 'its files are not known here',
};

/** A compose bind source as a workspace path: relative to the compose file's folder; `~`, variables and paths outside the workspace give undefined. */
function hostPath(a: Analysis, manifest: string, source: string): string | undefined {
  if (source.includes('$') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source)) return undefined;
  const abs = normalize(source.startsWith('/') ? source : join(dirname(manifest), source));
  return relativeInside(a.root, abs) === undefined ? undefined : abs;
}

/**
 * The code a mount target covers, for messages: the working folder, a sys.path entry, the entry file, a
 * loaded file, or where an import would be found. A mount inside a code folder that nothing is imported
 * from (static files, uploads) covers no code.
 */
export function coveredCode(c: Container, target: string): string | undefined {
  const inside = (p: string, dir: string) => dir === '/' || p === dir || p.startsWith(dir + '/');
  if (inside(c.cwd, target)) return `the working folder ${c.cwd}`;
  const over = c.sysPath.find((p) => inside(p, target));
  if (over) return `${over} on sys.path`;
  if (c.entryFile && inside(c.entryFile, target)) return `the entry file ${c.entryFile}`;
  const files = c.closure?.files ?? new Map();
  for (const f of files.keys()) if (inside(f, target)) return `${f}, which the entry imports`;
  for (const f of files.values()) {
    for (const imp of f.info.imports) {
      if (imp.level || !imp.module) continue;
      const at = c.sysPath.map((root) => join(root, ...imp.module!.split('.'))).find((p) => inside(p, target));
      if (at) return `${at}, where '${imp.module}' would be imported from`;
    }
  }
  return undefined;
}

/**
 * For the bare image: every deployment of it bind-mounts a workspace folder over its working folder (a
 * development compose whose Dockerfile copies little or no code), so `docker run` of the image alone is
 * not how it runs and its own files are not judged. The reason, or undefined. Not when a workflow or
 * script builds the final stage too (`builtElsewhere`, the file that does): that image runs its own files.
 */
export function onlyRunWithHostCode(image: Container, deployed: Container[], builtElsewhere?: string): string | undefined {
  // A CI workflow or script builds the image as well (to push it, or to run its tests): there its own files run.
  if (image.runner.kind !== 'image' || !deployed.length || builtElsewhere) return undefined;
  const over = deployed.map((c) => c.mounts?.find((m) => m.host !== undefined && within(m.target, image.cwd)));
  if (over.some((m) => !m)) return undefined;
  const each = deployed.map((c, i) => `${c.runner.describe()} mounts ${over[i]!.describe} at ${over[i]!.target}`).join('; ');
  return `every deployment of this image runs it with host code over ${image.cwd} (${each}): the image's own files are not what runs, so they are not judged`;
}

/** A mount whose contents are known, so what it lacks is certainly missing: a workspace bind mount, or one that starts empty. */
function hides(m: AppliedMount): boolean {
  return m.host !== undefined || m.empty !== undefined;
}

/** The image file a mount hides from the container at `path` (the image before mounts has it, the container does not). */
export function hiddenPath(c: ImportAnalysis & { mounts?: AppliedMount[] }, path: string): HiddenByMount | undefined {
  const image = c.target.model.stages[c.stage.index]?.tree;
  if (!image || image === c.stage.tree || c.stage.tree.stat(path) !== undefined) return undefined;
  const hit = image.lookup(path);
  const mount = hit && [...(c.mounts ?? [])].reverse().find((m) => within(m.target, path));
  return mount && hides(mount) ? { mount, path, source: hit.source ?? hit.origin.source, instr: hit.origin.instr } : undefined;
}

/** Where the image has a module that a bind mount hides (the host folder lacks it), so the container cannot import it. */
export interface HiddenByMount {
  mount: AppliedMount;
  /** The image path Python would have found (`/app/common`, `/app/util.py`). */
  path: string;
  /** The workspace file or folder the image's copy came from. */
  source?: string;
  /** The instruction that put it in the image. */
  instr?: Instruction;
}

/** The mount that hides `dotted` from a container: the image (before mounts) has it on sys.path, the container does not. */
export function hiddenByMount(c: ImportAnalysis & { mounts?: AppliedMount[] }, dotted: string): HiddenByMount | undefined {
  if (!c.mounts?.some(hides)) return undefined;
  const image = c.target.model.stages[c.stage.index]?.tree;
  if (!image || image === c.stage.tree) return undefined;
  const rel = dotted.split('.').join('/');
  for (const root of c.entry.sysPath) {
    for (const path of [join(root, rel + '.py'), join(root, rel)]) {
      const hit = image.lookup(path);
      if (!hit || c.stage.tree.stat(path) !== undefined) continue;
      const mount = [...c.mounts].reverse().find((m) => within(m.target, path));
      if (mount && hides(mount)) return { mount, path, source: hit.source ?? hit.origin.source, instr: hit.origin.instr };
    }
  }
  return undefined;
}

/**
 * The compose edit that mounts the image's hidden copy too: a `- ./common:/app/common` line after the
 * short-syntax entry that hides it (undefined for long syntax, or when the text cannot be read).
 */
export function mountHiddenEdit(a: Analysis, h: HiddenByMount): { edit: TextEdit; entry: string } | undefined {
  if (!h.source || h.mount.host === undefined) return undefined;
  const lines = (a.text(h.mount.file) ?? '').split('\n');
  const line = h.mount.range.start.line;
  const m = /^(\s*-\s*)(["']?)/.exec(lines[line] ?? '');
  if (!m || h.mount.range.end.line !== line) return undefined;
  const host = relativePath(dirname(h.mount.file), h.source);
  const entry = `${host.startsWith('.') ? host : './' + host}:${h.path}`;
  const newText = `${m[1]}${m[2]}${entry}${m[2]}\n`;
  const at = { line: line + 1, character: 0 };
  return { edit: { file: h.mount.file, range: { start: at, end: at }, newText }, entry };
}

/** `to` relative to the folder `from` (both absolute, normalised). */
function relativePath(from: string, to: string): string {
  const a = from.split('/').filter((x) => x);
  const b = to.split('/').filter((x) => x);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}
