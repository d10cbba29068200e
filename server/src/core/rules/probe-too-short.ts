// probe-too-short: a startup/liveness probe or health check gives up before the entrypoint has finished loading its models.
import type { Analysis } from '../analysis';
import { Deployment, describeDeployment } from '../deployments';
import type { Flag, Instruction } from '../docker/parse';
import { firstLineRange } from '../docker/image';
import type { Entrypoint } from '../entrypoint';
import type { ImportAnalysis } from '../imports';
import { containers, entryLabel, perContainer, running, RunningContainer } from '../runtime';
import {
  Budget, CLOUD_RUN_STARTUP_CAP_SECONDS, cloudRunDefaultStartupBudget, HealthcheckSpec, healthcheckBudget, HealthcheckTiming, K8S_PROBE_DEFAULTS,
  Located, parseDuration, probeBudget, ProbeSpec,
} from '../manifests';
import { loadWhen, type StartupEstimate } from '../startup';
import type { Fix, Location, Range, TextEdit } from '../types';
import type { Draft, Rule } from './rule';
import { insertLinesAfter, linesOf } from './yaml-edits';

/** Fixes aim for the estimate times this margin. */
export const PROBE_MARGIN = 1.5;

export const rule: Rule = {
  id: 'probe-too-short',
  meta: {
    description: 'A startup or liveness probe (Kubernetes, Cloud Run) or a health check (HEALTHCHECK, compose) gives up before the entrypoint has loaded the models it loads at import.',
    severity: 'warning',
    fixable: true,
    docs: {
      why: 'A service that loads a model at import time needs a minute or more before it answers. A probe that fails for longer than initialDelaySeconds + periodSeconds x failureThreshold (Kubernetes defaults 0 + 10 x 3 = 30 s) gets the container killed and restarted before it ever starts: a crash loop that looks like a hang. deploylint estimates the start-up time from the model loads that run before the server serves: at module level in what the entrypoint imports, and in the startup hooks an ASGI server runs before it opens its port (FastAPI/Starlette lifespan=, on_startup=[...], @app.on_event("startup")) (modelLoadSeconds each, default 60; a load that reads a model file the image holds takes the size of the file at 50 MB/s instead, at least 1 s) and compares it with each platform\'s budget: a Kubernetes startupProbe (or the livenessProbe when there is none), a Cloud Run startup probe (its default TCP probe allows 240 s; a configured one is capped at 240 s + 240 s), Docker\'s HEALTHCHECK and compose\'s healthcheck (start_period + interval x retries, defaults 0 + 30 s x 3). Readiness probes never kill and are not checked. A TCP probe is not checked against gunicorn without --preload: its master listens before the workers import the app.',
      bad: '# worker.py: model = SentenceTransformer("all-MiniLM-L6-v2")\nlivenessProbe:\n  httpGet: {path: /health, port: 8080}\n  periodSeconds: 10',
      good: 'startupProbe:\n  httpGet: {path: /health, port: 8080}\n  periodSeconds: 10\n  failureThreshold: 9\nlivenessProbe:\n  httpGet: {path: /health, port: 8080}\n  periodSeconds: 10',
    },
  },
  check(a: Analysis): Draft[] {
    const deployedBy = (c: RunningContainer) => containers(a).filter((x) => x.target === c.target && x.runner.deployment && !x.runner.deployment.init);
    return perContainer(running(a), (c) => {
      const est = c.startup();
      if (est.seconds <= 0) return [];
      const d = c.runner.deployment;
      if (d) {
        if (d.init) return [];
        const draft = checkDeployment(a, c, est, d, c.ep);
        return draft ? [draft] : [];
      }
      // The image's HEALTHCHECK: for `docker run`, and for compose services that set no healthcheck of their own.
      const hc = c.stage.healthcheck;
      const deps = deployedBy(c);
      const relevant = deps.length === 0 || deps.some((x) => x.runner.kind === 'compose' && !x.runner.deployment?.container?.healthcheck);
      const draft = hc && relevant ? checkHealthcheckInstruction(a, c, est, hc) : undefined;
      return draft ? [draft] : [];
    });
  },
};

/** A TCP probe succeeds as soon as the listening socket exists, which these servers open before the app is imported. */
function tcpPassesEarly(ep: Entrypoint): boolean {
  if (ep.kind === 'gunicorn') return !ep.preload;
  if (ep.kind === 'uvicorn') return (ep.workers ?? 1) > 1;
  return false;
}

function related(a: Analysis, ia: ImportAnalysis, est: StartupEstimate): Location[] {
  const out: Location[] = [{ file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }];
  for (const l of est.loads) {
    if (l.source) out.push({ file: l.source, range: l.range, message: `${a.rel(l.source)} loads a model ${loadWhen(l)} (${l.callee}, ~${l.seconds} s)` });
  }
  return out;
}

function message(what: string, budget: Budget, est: StartupEstimate, consequence: string, where?: string): string {
  return `${what} budget: ${budget.formula}; ${est.summary}: ${consequence}${where ? ` (${where})` : ''}`;
}

function checkDeployment(a: Analysis, ia: ImportAnalysis, est: StartupEstimate, d: Deployment, ep: Entrypoint): Draft | undefined {
  const need = Math.ceil(est.seconds * PROBE_MARGIN);
  const where = `${describeDeployment(a, d)}; ${d.evidence}`;
  const rel = [...related(a, ia, est)];
  if (d.platform === 'compose') {
    const h = d.container?.healthcheck;
    const image = ia.stage.healthcheck;
    if (!h || h.disabled || (!h.test && (!image || isNone(image)))) return undefined;
    const timing = composeTiming(h, image);
    const budget = healthcheckBudget(timing, 'compose');
    if (budget.seconds >= est.seconds) return undefined;
    // A healthcheck an override file sets (or changes) is fixed there.
    const fix = composeStartPeriodFix(a, h.file ?? d.file, h, need);
    return {
      message: message('healthcheck', budget, est, 'Docker marks the container unhealthy before it has started', where),
      file: h.file ?? d.file, range: h.keyRange, related: rel, fixes: fix ? [fix] : [],
    };
  }
  const c = d.container;
  if (d.platform === 'cloudrun') {
    const startup = c?.probes.find((p) => p.kind === 'startup');
    if (startup) {
      if (startup.handler === 'tcpSocket' && tcpPassesEarly(ep)) return undefined;
      const budget = probeBudget(startup, 'cloudrun');
      if (budget.seconds >= est.seconds) return undefined;
      const fix = raiseThresholdFix(a, d.file, startup, need, est.seconds, true);
      return {
        message: message('startupProbe', budget, est, 'Cloud Run stops the instance before it has started', where),
        file: d.file, range: startup.keyRange, related: rel, fixes: fix ? [fix] : [],
      };
    }
    if (tcpPassesEarly(ep)) return undefined;
    const budget = cloudRunDefaultStartupBudget();
    if (budget.seconds >= est.seconds) return undefined;
    const fix = c && d.platformPort ? addStartupProbeFix(a, d.file, c.range, c.indent, [`tcpSocket:`, `  port: ${d.platformPort.port}`], need, est.seconds, true) : undefined;
    const range = c?.image?.keyRange ?? c?.image?.range ?? d.range;
    return {
      message: `${budget.formula}; ${est.summary}: Cloud Run stops the instance before it has started (${where})`,
      file: d.file, range, related: rel, fixes: fix ? [fix] : [],
    };
  }
  if (!c) return undefined;
  const startup = c.probes.find((p) => p.kind === 'startup');
  const liveness = c.probes.find((p) => p.kind === 'liveness');
  const probe = startup ?? liveness;
  if (!probe || (probe.handler === 'tcpSocket' && tcpPassesEarly(ep))) return undefined;
  const budget = probeBudget(probe, 'kubernetes');
  if (budget.seconds >= est.seconds) return undefined;
  const fixes: Fix[] = [];
  if (!startup) {
    const add = addStartupProbeFix(a, d.file, probe.range, probe.keyRange.start.character, handlerLines(a, d.file, probe), need, est.seconds, false);
    if (add) fixes.push(add);
  }
  const raise = raiseThresholdFix(a, d.file, probe, need, est.seconds, false);
  if (raise) fixes.push({ ...raise, isPreferred: fixes.length === 0 });
  const what = startup ? 'startupProbe' : 'livenessProbe (no startupProbe)';
  return {
    message: message(what, budget, est, 'the kubelet kills the container before it has started, again and again', where),
    file: d.file, range: probe.keyRange, related: rel, fixes,
  };
}

// ---- YAML fixes ----

/** Sets `key: value` in a block mapping: replaces the value when present, else inserts the line under the mapping's key. */
function setKey(file: string, lines: string[], current: Located<number> | undefined, mapKeyLine: number, indent: number, key: string, value: string): TextEdit {
  if (current) return { file, range: current.range, newText: value };
  return insertLinesAfter(file, lines, mapKeyLine, [`${' '.repeat(indent)}${key}: ${value}`]);
}

/** Block-style content follows the key on its own lines (not `key: {...}` or a value on the key's line). */
function isBlockBelow(lines: string[], keyRange: Range): boolean {
  const rest = (lines[keyRange.end.line] ?? '').slice(keyRange.end.character).replace(/^\s*:/, '').replace(/#.*$/, '').trim();
  return rest === '';
}

/**
 * Raises a probe's failureThreshold (keeping its period) so that initialDelaySeconds + periodSeconds x
 * failureThreshold reaches `need`. On Cloud Run the window is capped at 240 s, so the rest goes to
 * initialDelaySeconds (also capped at 240 s); no fix when even that cannot cover the estimate.
 */
function raiseThresholdFix(a: Analysis, file: string, p: ProbeSpec, need: number, estimate: number, cloudRun: boolean): Fix | undefined {
  const lines = linesOf(a, file);
  if (p.flow || !isBlockBelow(lines, p.keyRange)) return undefined;
  const delay = p.initialDelaySeconds?.value ?? K8S_PROBE_DEFAULTS.initialDelaySeconds;
  const period = p.periodSeconds?.value ?? K8S_PROBE_DEFAULTS.periodSeconds;
  let n = Math.max(1, Math.ceil((need - delay) / period));
  let newDelay: number | undefined;
  if (cloudRun && p.kind === 'startup') {
    const cap = Math.floor(CLOUD_RUN_STARTUP_CAP_SECONDS / period);
    if (n > cap) {
      n = cap;
      newDelay = Math.min(CLOUD_RUN_STARTUP_CAP_SECONDS, Math.max(delay, need - n * period));
      if (newDelay + n * period <= estimate) return undefined;
    }
  }
  const line = p.keyRange.start.line;
  const edits = [setKey(file, lines, p.failureThreshold, line, p.indent, 'failureThreshold', String(n))];
  if (newDelay !== undefined && newDelay !== delay) edits.push(setKey(file, lines, p.initialDelaySeconds, line, p.indent, 'initialDelaySeconds', String(newDelay)));
  const total = (newDelay ?? delay) + n * period;
  return { title: `Raise failureThreshold to ${n}${newDelay !== undefined ? ` and initialDelaySeconds to ${newDelay}` : ''} (${total} s)`, edits, isPreferred: true };
}

/** The lines of a probe that say what it checks (its handler and timeout), without its timing. */
function handlerLines(a: Analysis, file: string, p: ProbeSpec): string[] | undefined {
  const lines = linesOf(a, file);
  if (p.flow || !isBlockBelow(lines, p.keyRange)) return undefined;
  const timing = new RegExp(`^ {${p.indent}}(initialDelaySeconds|periodSeconds|failureThreshold|successThreshold)\\s*:`);
  const out: string[] = [];
  for (let l = p.keyRange.start.line + 1; l <= p.range.end.line; l++) {
    const text = lines[l] ?? '';
    if (timing.test(text)) continue;
    out.push(text.length >= p.indent ? text.slice(p.indent) : text.trimStart());
  }
  return out.length ? out : undefined;
}

/**
 * Adds a `startupProbe` after `afterRange` at column `indent`: the given handler lines, periodSeconds 10
 * and failureThreshold ceil(need / 10) (Cloud Run: capped at 240 s, the rest as initialDelaySeconds).
 */
function addStartupProbeFix(
  a: Analysis, file: string, afterRange: Range, indent: number, handler: string[] | undefined, need: number, estimate: number, cloudRun: boolean,
): Fix | undefined {
  if (!handler) return undefined;
  const lines = linesOf(a, file);
  let n = Math.ceil(need / 10);
  let delay = 0;
  if (cloudRun && n * 10 > CLOUD_RUN_STARTUP_CAP_SECONDS) {
    n = CLOUD_RUN_STARTUP_CAP_SECONDS / 10;
    delay = Math.min(CLOUD_RUN_STARTUP_CAP_SECONDS, need - n * 10);
    if (delay + n * 10 <= estimate) return undefined;
  }
  const pad = ' '.repeat(indent);
  const body = [
    `${pad}startupProbe:`,
    ...handler.map((h) => (h === '' ? '' : `${pad}  ${h}`)),
    ...(delay ? [`${pad}  initialDelaySeconds: ${delay}`] : []),
    `${pad}  periodSeconds: 10`,
    `${pad}  failureThreshold: ${n}`,
  ];
  return { title: `Add a startupProbe that allows ${delay + n * 10} s`, edits: [insertLinesAfter(file, lines, afterRange.end.line, body)], isPreferred: true };
}

function roundUp10(n: number): number {
  return Math.ceil(n / 10) * 10;
}

/** compose `start_period: Ns` covering the estimate with margin. */
function composeStartPeriodFix(a: Analysis, file: string, h: HealthcheckSpec, need: number): Fix | undefined {
  const lines = linesOf(a, file);
  if (!isBlockBelow(lines, h.keyRange)) return undefined;
  const s = roundUp10(Math.max(need, h.startPeriod?.value ?? 0));
  const edit = h.startPeriod ? { file, range: h.startPeriod.range, newText: `${s}s` } : insertLinesAfter(file, lines, h.keyRange.start.line, [`${' '.repeat(h.indent)}start_period: ${s}s`]);
  return { title: `Set start_period to ${s}s`, edits: [edit], isPreferred: true };
}

// ---- Dockerfile HEALTHCHECK ----

function isNone(hc: Instruction): boolean {
  return hc.args[0]?.text.toUpperCase() === 'NONE';
}

function flagSeconds(hc: Instruction, name: string): { value: number; flag: Flag } | undefined {
  const f = [...hc.flags].reverse().find((x) => x.name === name);
  if (!f || f.value === undefined) return undefined;
  const v = name === 'retries' ? (/^\d+$/.test(f.value) ? Number(f.value) : undefined) : parseDuration(f.value);
  return v === undefined ? undefined : { value: v, flag: f };
}

function instructionTiming(hc: Instruction): HealthcheckTiming {
  const t: HealthcheckTiming = {};
  const interval = flagSeconds(hc, 'interval');
  const retries = flagSeconds(hc, 'retries');
  const start = flagSeconds(hc, 'start-period');
  if (interval && interval.value > 0) t.interval = interval;
  if (retries && retries.value > 0) t.retries = retries;
  if (start) t.startPeriod = start;
  return t;
}

/** compose's fields over the image's HEALTHCHECK options (Docker merges them field by field), then the defaults. */
function composeTiming(h: HealthcheckSpec, image: Instruction | undefined): HealthcheckTiming {
  const base = image && !isNone(image) ? instructionTiming(image) : {};
  return {
    interval: h.interval && h.interval.value > 0 ? h.interval : base.interval,
    retries: h.retries && h.retries.value > 0 ? h.retries : base.retries,
    startPeriod: h.startPeriod ?? base.startPeriod,
  };
}

function checkHealthcheckInstruction(a: Analysis, ia: ImportAnalysis, est: StartupEstimate, hc: Instruction): Draft | undefined {
  if (isNone(hc)) return undefined;
  const budget = healthcheckBudget(instructionTiming(hc), 'dockerfile');
  if (budget.seconds >= est.seconds) return undefined;
  const s = roundUp10(Math.ceil(est.seconds * PROBE_MARGIN));
  const start = flagSeconds(hc, 'start-period');
  const df = ia.target.dockerfile;
  const edit: TextEdit = start
    ? { file: df, range: start.flag.range, newText: `--start-period=${s}s` }
    : { file: df, range: { start: hc.keywordRange.end, end: hc.keywordRange.end }, newText: ` --start-period=${s}s` };
  return {
    message: message('HEALTHCHECK', budget, est, 'Docker marks the container unhealthy before it has started'),
    file: df,
    range: firstLineRange(hc, ia.target.parsed.lines),
    related: related(a, ia, est),
    fixes: [{ title: `Set --start-period=${s}s`, edits: [edit], isPreferred: true }],
  };
}
