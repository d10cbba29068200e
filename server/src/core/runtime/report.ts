// Reporting over containers: a rule's check runs per container; a finding identical across containers is reported once, saying where else it applies, and one only an override causes is reported where the override is written.
import { sourceOfArg } from '../container';
import { firstLineRange } from '../docker/image';
import type { Draft, Location } from '../types';
import type { Container } from './types';

/** The container runs a command of its own: a deployment's override, or another stage than the image's. */
export function hasOwnCommand(c: Container): boolean {
  // By index: a deployment's mounts give the container its own view of the stage.
  return !!c.entry?.overridden || c.stage.index !== c.target.model.final?.index;
}

/**
 * Runs `check` for each container; drafts with the same file, range and message are merged into the
 * first, with their related locations, and a related location for each further container that runs
 * a command of its own ("also in compose.yaml: service worker").
 */
export function perContainer<C extends Container>(list: readonly C[], check: (c: C) => Draft[]): Draft[] {
  const byKey = new Map<string, { draft: Draft; from: C[]; who: string[] }>();
  for (const c of list) {
    for (const d of check(c)) {
      const r = d.range;
      const key = `${d.file}\0${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\0${d.across ? '\0' + d.across.key : d.message}`;
      const hit = byKey.get(key);
      if (!hit) {
        byKey.set(key, { draft: d, from: [c], who: d.across ? [d.across.who] : [] });
        continue;
      }
      if (hit.from.includes(c)) continue;
      hit.from.push(c);
      if (d.across && hit.draft.across && !hit.who.includes(d.across.who)) {
        hit.who.push(d.across.who);
        hit.draft.message = hit.draft.across.render(hit.who);
      }
      const seen = (l: Location) => hit.draft.related.some((p) => p.file === l.file && p.range.start.line === l.range.start.line && p.message === l.message);
      for (const l of d.related) if (!seen(l)) hit.draft.related.push(l);
      if (hasOwnCommand(c) && c.runner.kind !== 'image') {
        const also: Location = { file: c.runner.file, range: c.runner.range, message: `also in ${c.runner.describe()}` };
        if (!seen(also)) hit.draft.related.push(also);
      }
    }
  }
  return [...byKey.values()].map((v) => {
    const { across: _a, ...draft } = v.draft;
    return withBase(relocate(draft, v.from), v.from[0]);
  });
}

/**
 * A finding written in a file merged into a compose service (an override file, a file it `extends`) names
 * the service's base definition as related information.
 */
function withBase(d: Draft, c: Container): Draft {
  const w = c.runner.deployment?.workload;
  if (!w?.compose?.layers?.some((l) => l.file === d.file) || d.file === c.runner.file) return d;
  if (d.related.some((l) => l.file === c.runner.file && l.range.start.line === c.runner.range.start.line)) return d;
  const base: Location = { file: c.runner.file, range: c.runner.range, message: `service ${w.name} is defined here; the file of this finding is merged over it` };
  return { ...d, related: [...d.related, base] };
}

/**
 * A Dockerfile finding that only commands written in deployments cause is reported where the
 * command is written (the argument naming the server's target, else the key), with the Dockerfile
 * place as related information; its fixes are unchanged.
 */
function relocate(d: Draft, from: Container[]): Draft {
  const c = from[0];
  const entry = c.entry;
  if (!entry || !from.every((x) => x.entry?.overridden)) return d;
  if (d.file !== c.target.dockerfile) {
    // In the manifest: the image it runs is related information.
    if (d.file !== entry.at.file || d.related.some((l) => l.file === c.target.dockerfile)) return d;
    const from: Location = { file: c.target.dockerfile, range: firstLineRange(c.stage.from, c.target.parsed.lines), message: `the image ${c.runner.describe()} runs is built here` };
    return { ...d, related: [...d.related, from] };
  }
  const target = entry.ep.targetArg?.range;
  const range = target && sourceOfArg(entry, target) === entry.at ? target : entry.at.range;
  const here: Location = { file: d.file, range: d.range, message: `${c.runner.describe()} runs the image built here` };
  return { ...d, file: entry.at.file, range, related: [here, ...d.related] };
}
