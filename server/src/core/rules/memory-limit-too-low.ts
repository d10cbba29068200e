// memory-limit-too-low: a Kubernetes / Cloud Run / compose memory limit below what the container holds once its app is imported.
import type { Analysis } from '../analysis';
import { Deployment, describeDeployment } from '../deployments';
import type { ImportAnalysis } from '../imports';
import {
  findFlagValue, formatMemoryLike, formatMiB, GiB, isDecimalStyle, MemorySetting, MiB, parseKubeQuantity, QuantitySyntax, roundUpMemory,
} from '../manifests';
import { importMemory, MemoryNeed, memoryNeed } from '../memory';
import { entryLabel, perContainer, running } from '../runtime';
import type { Fix, Location, Range, TextEdit } from '../types';
import type { Draft, Rule } from './rule';
import { insertLinesAfter, linesOf } from './yaml-edits';

/** The fix aims for the estimate times this margin (requests allocate too), rounded up to a round size. */
export const MEMORY_MARGIN = 1.25;

/** Cloud Run's memory limit when a service YAML sets none (cloud.google.com/run/docs/configuring/services/memory-limits). */
export const CLOUD_RUN_DEFAULT_MEMORY = 512 * MiB;

/** Cloud Run's minimum CPUs above a memory size, and its maximum memory (same page). */
const CLOUD_RUN_MIN_CPU: [number, number][] = [[24 * GiB, 8], [16 * GiB, 6], [8 * GiB, 4], [4 * GiB, 2]];
const CLOUD_RUN_MAX_MEMORY = 32 * GiB;

export const rule: Rule = {
  id: 'memory-limit-too-low',
  meta: {
    description: 'A Kubernetes, Cloud Run or compose memory limit is below what the container holds once its app is imported: the frameworks it imports at module level plus the models it loads at import.',
    severity: 'warning',
    fixable: true,
    docs: {
      why: 'An app that imports torch, tensorflow or transformers and loads a model at import needs hundreds of MiB to several GiB before it serves its first request. Under a lower limit the kernel OOM-kills the container during start-up (Kubernetes: OOMKilled, CrashLoopBackOff; Cloud Run: "Memory limit exceeded", the instance is terminated; compose: exit 137), every time. deploylint adds up the interpreter, a measured baseline for each framework the entrypoint imports at module level (docs/assumptions.md lists every figure and its source), and the size of each model file loaded at import (modelMemoryMB, default 100, when the file is not in the image), times the workers that each import the app (gunicorn without --preload, uvicorn --workers). Figures are lower bounds: a finding means the limit cannot be enough. Cloud Run service YAML without a limit gets its 512 MiB default; `gcloud run deploy` without --memory keeps the previous revision\'s limit, so it is not judged.',
      bad: '# app.py: from transformers import pipeline; clf = pipeline("sentiment-analysis", model="/models/clf")\nresources:\n  limits:\n    memory: 256Mi',
      good: 'resources:\n  limits:\n    memory: 2Gi',
    },
  },
  check(a: Analysis): Draft[] {
    return perContainer(running(a), (c) => {
      const d = c.runner.deployment;
      // Only deployments set limits; an unknown base image may bring its own server settings (workers, preload) and Python.
      if (!d || d.init || !c.stage.baseKnown) return [];
      const mem = importMemory(a, c);
      if (!mem.informative) return [];
      const draft = checkDeployment(a, c, d, memoryNeed(mem, c.ep));
      return draft ? [draft] : [];
    });
  },
};

/** The limit that applies to a deployment and where it is written. */
interface Limit {
  bytes: number;
  /** For messages: `512Mi (resources.limits.memory)`, `Cloud Run's default 512 MiB`. */
  label: string;
  /** Where the finding goes (`file`: when not the deployment's own, e.g. a compose override's `mem_limit`). */
  range: Range;
  file?: string;
  /** Edits that set the limit (and any request above it) to a new size; undefined when no safe edit exists. */
  edits?: (bytes: number) => TextEdit[] | undefined;
  /** Written in decimal units (`500M`, `2G`): the fix rounds in those. */
  decimal: boolean;
  cpu?: number;
  note?: string;
}

function checkDeployment(a: Analysis, ia: ImportAnalysis, d: Deployment, need: MemoryNeed): Draft | undefined {
  const limit = limitOf(a, d);
  if (!limit || limit.bytes >= need.bytes) return undefined;
  const target = roundUpMemory(need.bytes * MEMORY_MARGIN, limit.decimal);
  const fixes: Fix[] = [];
  let cloudRunNote = '';
  if (d.platform === 'cloudrun') {
    const cpu = CLOUD_RUN_MIN_CPU.find(([above]) => target > above)?.[1];
    if (target > CLOUD_RUN_MAX_MEMORY) cloudRunNote = '; Cloud Run allows at most 32 GiB';
    else if (cpu !== undefined && (limit.cpu ?? 1) < cpu) cloudRunNote = `; above ${formatMiB(CLOUD_RUN_MIN_CPU.find(([, c]) => c === cpu)![0])} Cloud Run needs at least ${cpu} CPUs`;
  }
  const edits = cloudRunNote ? undefined : limit.edits?.(target);
  if (edits?.length) fixes.push({ title: `Raise the memory limit to ${edits[0].newText.trim().split(/\s+/).pop()}`, edits, isPreferred: true });
  const consequence = d.platform === 'kubernetes'
    ? 'the kernel OOM-kills the container (OOMKilled) before it serves'
    : d.platform === 'cloudrun'
      ? 'Cloud Run terminates the instance (memory limit exceeded) before it serves'
      : 'the container is OOM-killed (exit 137) before it serves';
  return {
    message: `memory limit ${limit.label} < ~${formatMiB(need.bytes)} needed ${need.perProcess.parts.some((p) => p.during) ? 'by the time it serves (imports and startup handlers)' : 'at import'}: ${need.arithmetic}; ${consequence}${limit.note ?? ''}${cloudRunNote} (${describeDeployment(a, d)}; ${d.evidence})`,
    file: limit.file ?? d.file,
    range: limit.range,
    related: related(a, ia, need),
    fixes,
  };
}

/** The entry, then each import statement (with what it brings in) and each model load that makes up the estimate. */
function related(a: Analysis, ia: ImportAnalysis, need: MemoryNeed): Location[] {
  const out: Location[] = [{ file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }];
  const byStatement = new Map<string, { loc: Location; module: string; terms: string[] }>();
  for (const p of need.perProcess.parts) {
    if (!p.source || !p.range) continue;
    if (p.kind === 'model') {
      out.push({ file: p.source, range: p.range, message: `${a.rel(p.source)} loads a model ${p.during ? `in ${p.during}` : 'at import'} (${p.label.replace(/^model /, '').replace(/ model$/, '')}, ~${formatMiB(p.bytes)}, ${p.note})` });
      continue;
    }
    const key = `${p.source}\0${p.range.start.line}:${p.range.start.character}\0${p.statement}`;
    let hit = byStatement.get(key);
    if (!hit) {
      hit = { loc: { file: p.source, range: p.range }, module: p.statement ?? p.label, terms: [] };
      byStatement.set(key, hit);
      out.push(hit.loc);
    }
    hit.terms.push(`${p.label} ${formatMiB(p.bytes)}`);
  }
  for (const s of byStatement.values()) {
    const only = s.terms.length === 1 && s.terms[0].startsWith(`${s.module} `);
    s.loc.message = `${a.rel(s.loc.file)} imports ${s.module} at module level (${only ? `~${s.terms[0].slice(s.module.length + 1)}` : s.terms.join(' + ')})`;
  }
  return out;
}

function limitOf(a: Analysis, d: Deployment): Limit | undefined {
  if (d.gcloud) return gcloudLimit(a, d);
  const c = d.container;
  if (!c) return undefined;
  const res = c.resources;
  const limits = res?.memoryLimits ?? [];
  if (limits.length) {
    const min = limits.reduce((x, y) => (y.bytes < x.bytes ? y : x));
    const milli = min.syntax === 'kubernetes' && /\dm$/.test(min.value.trim());
    return {
      bytes: min.bytes,
      label: `${min.value} (${min.key})`,
      range: min.range,
      file: min.file,
      decimal: isDecimalStyle(min.value, min.syntax),
      cpu: res?.cpuLimit?.value,
      note: milli ? `; note that \`m\` is milli: ${min.value} is ${formatMiB(min.bytes)}, not mebibytes (Mi)` : undefined,
      edits: (bytes) => [
        ...limits.map((s) => replaceSetting(s.file ?? d.file, s, bytes)),
        ...(res?.memoryRequests ?? []).filter((r) => r.bytes > bytes).map((r) => replaceSetting(r.file ?? d.file, r, bytes)),
      ],
    };
  }
  if (d.platform !== 'cloudrun') return undefined;
  // A service YAML is the whole revision: without a limit, Cloud Run's default applies.
  const range = c.image?.keyRange ?? c.image?.range ?? d.range;
  return {
    bytes: CLOUD_RUN_DEFAULT_MEMORY,
    label: `${formatMiB(CLOUD_RUN_DEFAULT_MEMORY)} (Cloud Run's default: no resources.limits.memory)`,
    range,
    decimal: false,
    cpu: res?.cpuLimit?.value,
    edits: (bytes) => addLimitEdit(a, d, bytes),
  };
}

function replaceSetting(file: string, s: MemorySetting, bytes: number): TextEdit {
  return { file, range: s.range, newText: formatMemoryLike(bytes, s.value, s.syntax) };
}

/** Adds `memory:` under an existing block `limits:`, or a `resources: limits: memory:` block after the image line. */
function addLimitEdit(a: Analysis, d: Deployment, bytes: number): TextEdit[] | undefined {
  const c = d.container!;
  const lines = linesOf(a, d.file);
  const value = formatMemoryLike(bytes, '512Mi', 'kubernetes');
  const res = c.resources;
  if (res?.limitsKey && res.limitsIndent !== undefined) {
    return [insertLinesAfter(d.file, lines, res.limitsKey.start.line, [`${' '.repeat(res.limitsIndent)}memory: ${value}`])];
  }
  if (res?.resourcesKey || !c.image || c.image.range.start.line !== c.image.range.end.line) return undefined;
  const pad = ' '.repeat(c.indent);
  return [insertLinesAfter(d.file, lines, c.image.range.end.line, [`${pad}resources:`, `${pad}  limits:`, `${pad}    memory: ${value}`])];
}

/** `gcloud run deploy --memory X`; without the flag an existing service keeps its previous revision's limit, so nothing is known. */
function gcloudLimit(a: Analysis, d: Deployment): Limit | undefined {
  const g = d.gcloud!;
  const value = g.flags.memory;
  if (value === undefined) return undefined;
  const bytes = parseKubeQuantity(value);
  if (bytes === undefined) return undefined;
  const range = findFlagValue(a.text(d.file) ?? '', g.line, 'memory', value);
  const cpu = g.flags.cpu !== undefined ? parseKubeQuantity(g.flags.cpu) : undefined;
  const syntax: QuantitySyntax = 'kubernetes';
  return {
    bytes,
    label: `${value} (--memory)`,
    range: range ?? d.range,
    decimal: isDecimalStyle(value, syntax),
    ...(cpu !== undefined ? { cpu } : {}),
    edits: range ? (b) => [{ file: d.file, range, newText: formatMemoryLike(b, value, syntax) }] : undefined,
  };
}
