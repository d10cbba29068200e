// worker-timeout-too-short: gunicorn kills its workers (--timeout, default 30 s) while they are still importing an app that loads models at import.
import type { Analysis } from '../analysis';
import { describeDeployment } from '../deployments';
import { argFile, insertCommandOptions, replaceCommandArg } from './command-edits';
import type { Entrypoint } from '../entrypoint';
import { basename } from '../fs';
import type { ImportAnalysis } from '../imports';
import { installedVersion, specifierBelow } from '../packages/installs';
import { containers, entryLabel, hasOwnCommand, perContainer, running, RunningContainer } from '../runtime';
import { loadWhen, type StartupEstimate } from '../startup';
import type { Fix, Location, Range } from '../types';
import { gunicornConfigSource } from './python-common';
import type { Draft, Rule } from './rule';

/** The timeout fix aims for the estimate times this margin, rounded up to 10 s. */
export const TIMEOUT_MARGIN = 1.5;

export const rule: Rule = {
  id: 'worker-timeout-too-short',
  meta: {
    description: 'gunicorn before 22.0 (pinned so by the image) kills workers after --timeout (default 30 s), shorter than the model loading the app does at import, and --preload is not set.',
    severity: 'warning',
    fixable: true,
    docs: {
      why: 'Without --preload every gunicorn worker imports the app itself after it is forked, and up to gunicorn 21.2 the arbiter kills a worker that has not checked in for --timeout seconds (default 30; 0 disables the check). A worker that loads a model at import for longer than that is killed ("[CRITICAL] WORKER TIMEOUT") and replaced by another that meets the same fate: the service never answers. deploylint compares the timeout with the start-up estimate (modelLoadSeconds per module-level model load, default 60; a load that reads a model file the image holds takes the size of the file at 50 MB/s instead, at least 1 s). An ASGI app\'s lifespan startup (FastAPI lifespan=, on_startup, @app.on_event("startup")) runs in each UvicornWorker before it first checks in, with or without --preload. Fix it with a larger --timeout, or --preload so the app loads once in the master before the workers fork. Since gunicorn 22.0 (the fix for benoitc/gunicorn#1965) the arbiter compares a monotonic clock with the worker\'s wall-clock heartbeat file until the worker first checks in, so a booting worker is never timed out: the rule reports only when the image pins gunicorn below 22 (a requirement specifier, a lock file or a Dockerfile pip argument); unpinned, 22 or later, or unknown, it stays quiet and --explain says why.',
      bad: '# requirements.txt: gunicorn==21.2.0\n# worker.py: model = xgboost.Booster(); model.load_model("model.json")\nCMD exec gunicorn --bind :$PORT --workers 2 worker:app',
      good: 'CMD exec gunicorn --bind :$PORT --workers 2 --timeout 90 worker:app',
    },
  },
  check(a: Analysis): Draft[] {
    const sets = (c: RunningContainer) => Object.prototype.hasOwnProperty.call(c.runner.deployment?.env ?? {}, 'GUNICORN_CMD_ARGS');
    /** Deployments that run the image's own gunicorn command as the image has it. */
    const asImage = (c: RunningContainer) => containers(a).some((x) => x.target === c.target && x.runner.deployment && !x.runner.deployment.init && !hasOwnCommand(x) && !sets(x as RunningContainer));
    const deployed = (c: RunningContainer) => containers(a).some((x) => x.target === c.target && x.runner.deployment && !x.runner.deployment.init);
    return perContainer(running(a), (c) => {
      const ep = c.ep;
      if (ep.kind !== 'gunicorn' || c.runner.kind === 'k8s-init') return [];
      const est = c.startup();
      if (est.seconds <= 0 || !tooShort(ep, est)) return [];
      const old = oldGunicorn(a, c);
      if (typeof old !== 'string') {
        c.quiet.push(`worker-timeout-too-short: ${old.quiet}`);
        return [];
      }
      const d = c.runner.deployment;
      if (!d) {
        const draft = deployed(c) && !asImage(c) ? undefined : draftFor(a, c, est, ep, old);
        return draft ? [draft] : [];
      }
      const env = d.container?.env.find((e) => e.name === 'GUNICORN_CMD_ARGS');
      if (c.entry.overridden && !(ep.timeout?.from === 'GUNICORN_CMD_ARGS' && env)) {
        const draft = draftFor(a, c, est, ep, old);
        return draft ? [{ ...draft, message: `${describeDeployment(a, d)}: ${draft.message}` }] : [];
      }
      // GUNICORN_CMD_ARGS set by the deployment.
      if (!sets(c) || !tooShort(ep, est)) return [];
      return [{ message: `${describeDeployment(a, d)}: ${explain(ep, est, entryLabel(c), old)}`, file: env?.file ?? d.file, range: env?.itemRange ?? d.range, related: related(a, est), fixes: [] }];
    });
  },
};

/**
 * Seconds a worker spends before it first checks in with the arbiter: importing the app (unless
 * --preload imports it in the master) and the ASGI lifespan startup, which UvicornWorker runs in
 * each worker before its first notify, --preload or not.
 */
function bootSeconds(ep: Entrypoint, est: StartupEstimate): number {
  return ep.preload ? est.hookSeconds : est.seconds;
}

function tooShort(ep: Entrypoint, est: StartupEstimate): boolean {
  return ep.kind === 'gunicorn' && ep.timeout !== undefined && ep.timeout.seconds > 0 && ep.timeout.seconds < bootSeconds(ep, est);
}

/** First gunicorn release whose arbiter does not time out a booting worker (benoitc/gunicorn 54d35d73, "Fix #1965"). */
const FIXED_IN = '22';

/**
 * The evidence that the stage's gunicorn is older than 22.0 ("gunicorn 21.2.0 (requirements.txt:3)"),
 * or why the rule stays quiet: unpinned (pip installs the latest), 22 or later, or not known.
 */
function oldGunicorn(a: Analysis, c: RunningContainer): string | { quiet: string } {
  const v = installedVersion(c.stage, 'gunicorn');
  const fixed = `gunicorn >= ${FIXED_IN} does not time out a booting worker`;
  if (!v) return { quiet: `${fixed}, and where the image's gunicorn comes from is not known` };
  const { dist } = v;
  if (dist.base) return { quiet: `${fixed}, and the base image ${c.stage.rootBase} brings gunicorn in a version deploylint does not know` };
  // Debian/Ubuntu python3-gunicorn: the release decides the version (a table of known ones), nothing pins it.
  if (dist.record?.apt && !v.exact) return { quiet: `${fixed}, and gunicorn comes from the python3-gunicorn package of ${dist.record.apt}, whose version deploylint does not know` };
  if (dist.via) return { quiet: `${fixed}, and gunicorn comes unpinned as a dependency of ${dist.via} (the installer picks the latest)` };
  if (!v.spec) return { quiet: `${fixed} (gunicorn is unpinned: the installer picks the latest)` };
  if (!specifierBelow(v.spec, FIXED_IN)) return { quiet: `${fixed} (${v.exact ? `the image pins gunicorn ${v.exact}` : `gunicorn${v.spec} allows 22 or later`})` };
  const s = dist.source;
  const where = s?.kind === 'argv' || !s?.file ? `${a.rel(c.target.dockerfile)}:${(dist.record?.instr.line ?? 0) + 1}`
    : s.contextFile ? `${a.rel(s.contextFile)}${s.kind === 'lock' ? '' : `:${v.line + 1}`}`
    : s.kind === 'lock' ? basename(s.file) : `${s.file}:${v.line + 1}`;
  return `gunicorn ${v.exact ?? v.spec} (${dist.record?.apt ? `the python3-gunicorn package of ${dist.record.apt}, ` : ''}${where})`;
}

function explain(ep: Entrypoint, est: StartupEstimate, label: string, version: string): string {
  const t = ep.timeout!;
  const where = t.isDefault ? ' (the default)' : t.from === 'config' ? ' (gunicorn config file)' : t.from === 'GUNICORN_CMD_ARGS' ? ' (GUNICORN_CMD_ARGS)' : '';
  const app = label.replace(/^gunicorn /, '');
  const each = ep.preload ? `each worker runs the lifespan startup of ${app} itself (--preload imports the app in the master, but the ASGI worker starts it after forking)` : `without --preload each worker imports ${app} itself`;
  return `${version} kills a worker that is silent for --timeout ${t.seconds} s${where}, and ${each}; ${est.summary}: workers are killed while loading ([CRITICAL] WORKER TIMEOUT) and the app never serves`;
}

function related(a: Analysis, est: StartupEstimate): Location[] {
  const out: Location[] = [];
  for (const l of est.loads) {
    if (l.source) out.push({ file: l.source, range: l.range, message: `${a.rel(l.source)} loads a model ${loadWhen(l)} (${l.callee}, ~${l.seconds} s)` });
  }
  return out;
}

function draftFor(a: Analysis, ia: ImportAnalysis, est: StartupEstimate, ep: Entrypoint, version: string): Draft | undefined {
  if (!tooShort(ep, est)) return undefined;
  const t = ep.timeout!;
  const seconds = Math.ceil((bootSeconds(ep, est) * TIMEOUT_MARGIN) / 10) * 10;
  const df = ia.entry.at.file;
  const fixes: Fix[] = [];
  let range: Range = ia.entry.at.range;
  let file = df;
  if (t.from === 'argv' && t.arg) {
    const edit = replaceCommandArg(ia.entry, t.arg, String(seconds));
    const at = argFile(ia.entry, t.arg);
    if (t.arg.range && at) {
      range = t.arg.range;
      file = at.file;
    }
    if (edit) fixes.push({ title: `Set --timeout ${seconds}`, edits: [edit], isPreferred: true });
  } else if (t.from === 'config' && t.configRange) {
    const src = gunicornConfigSource(ia);
    if (src) {
      file = src;
      range = t.configRange;
      if (!t.fromEnvDefault) fixes.push({ title: `Set timeout = ${seconds}`, edits: [{ file: src, range: t.configRange, newText: String(seconds) }], isPreferred: true });
    }
  } else {
    const edit = insertCommandOptions(ia.entry, ep.targetArg, ['--timeout', String(seconds)], 'before');
    if (edit) fixes.push({ title: `Add --timeout ${seconds}`, edits: [edit], isPreferred: true });
  }
  // --preload helps only when the import is what takes long: the lifespan startup still runs in each worker.
  const preload = !ep.preload && est.hookSeconds < t.seconds ? insertCommandOptions(ia.entry, ep.targetArg, ['--preload'], 'before') : undefined;
  if (preload) fixes.push({ title: 'Add --preload (load the app once in the master, before forking workers)', edits: [preload], isPreferred: fixes.length === 0 });
  return {
    message: explain(ep, est, entryLabel(ia), version),
    file,
    range,
    related: file === df ? related(a, est) : [{ file: df, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }, ...related(a, est)],
    fixes,
  };
}

/** The build-context file of the gunicorn config the entry read. */
