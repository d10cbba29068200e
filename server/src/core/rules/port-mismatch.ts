// port-mismatch: the server listens on loopback, on a port other than the one the platform sends to or probes, or on a literal "$PORT".
import type { Analysis } from '../analysis';
import { sourceOfArg } from '../container';
import { sourceOf } from './python-common';
import { Deployment, describeDeployment } from '../deployments';
import { insertCommandOptions, replaceCommandArg } from './command-edits';
import { firstLineRange } from '../docker/image';
import type { Entrypoint } from '../entrypoint';
import type { ImportAnalysis } from '../imports';
import { containers, entryLabel, perContainer, running, RunningContainer } from '../runtime';
import type { ContainerSpec } from '../manifests';
import type { CodeValue, ServerStart } from '../python/servers';
import { codeServerStarts } from '../runtime/code-servers';
import { healthcheckTarget } from '../entrypoint/healthcheck';
import { parseAddress } from '../entrypoint/address';
import type { Fix, Location, Range, Severity, TextEdit } from '../types';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'port-mismatch',
  meta: {
    description: 'The server binds 127.0.0.1/localhost, a port other than the one the platform sends requests to or probes (Cloud Run $PORT, containerPort, probe port, compose ports, EXPOSE, the URL a HEALTHCHECK calls), or a literal "$PORT" in exec form.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'A server that listens on loopback inside a container cannot be reached from outside it, and one that listens on another port than the platform expects fails its probes: on Cloud Run the revision never becomes ready ("Default STARTUP TCP probe failed"). Defaults bite: uvicorn, hypercorn, `flask run` and Flask\'s app.run() listen on 127.0.0.1; gunicorn on 127.0.0.1:8000 unless the PORT variable is set (then 0.0.0.0:$PORT, which is why it works on Cloud Run, which sets PORT, default 8080). Docker does not expand variables in exec-form CMD, so ["gunicorn", "--bind", "0.0.0.0:$PORT"] passes the text $PORT. A mismatch with EXPOSE alone is only a warning: EXPOSE does not publish anything.',
      bad: 'CMD ["uvicorn", "main:app"]',
      good: 'CMD exec uvicorn main:app --host 0.0.0.0 --port ${PORT:-8080}',
    },
  },
  check(a: Analysis): Draft[] {
    // Each deployment as it runs; the bare image only when nothing in the repository deploys it. initContainers serve nothing.
    const deployed = new Set(containers(a).filter((c) => c.runner.deployment && !c.runner.deployment.init).map((c) => c.target));
    const list = running(a).filter((c) => (c.runner.kind === 'image' ? !deployed.has(c.target) : c.runner.kind !== 'k8s-init'));
    return perContainer(list, (c) => checkContext(a, c, c.runner.deployment));
  },
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\]|ip6-localhost)$/i;

/** Where and how the server listens, with the handles a fix needs. */
interface Listen {
  host?: string;
  port?: string;
  hostDefault: boolean;
  portDefault: boolean;
  /** For messages: `uvicorn`, `Flask's app.run()`. */
  server: string;
  /** Every address when the server binds several (gunicorn `-b` repeated, uwsgi `--socket` and `--http`): it listens on each. */
  all?: { host?: string; port?: string }[];
  /** Set when the address comes from a Python call (`app.run()`, `uvicorn.run()`): the call and the context files holding it and its values. */
  call?: { start: ServerStart; source: string; hostWhy?: string; portWhy?: string };
}

/** An expected port and why. */
interface Expect {
  ports: number[];
  why: string;
  /** A deployment's expectation as its parts: `why` is `${what} (${where})`, so several deployments expecting the same read as one. */
  what?: string;
  where?: string;
  severity?: Severity;
  at?: Location;
}

function listenOf(ia: RunningContainer, ep: Entrypoint): Listen | undefined {
  // uvicorn without an app exits before it listens (entrypoint-target reports it).
  if (ep.kind === 'uvicorn' && !ep.module && !ep.targetArg) return undefined;
  if (ep.bind) {
    const b = ep.bind;
    if (b.unix || b.uncertain) return undefined;
    const all = b.all?.filter((x) => !x.startsWith('unix:') && !(x.includes('/') && !x.includes(':'))).map((x) => parseAddress(x, b.port ?? ''));
    return { host: b.host, port: b.port, hostDefault: b.isDefault || (!!b.portArg && !b.hostArg && !b.arg), portDefault: b.isDefault, server: ep.kind, ...(all && all.length > 1 ? { all } : {}) };
  }
  // A server started from code: reachable from the console script's function (or its CLI subcommand's), or the script's / module's __main__ code.
  const cli = ia.cli;
  const starts = codeServerStarts(ia);
  if (starts.length !== 1 || starts[0].bind.uncertain) return undefined;
  const start = starts[0];
  const source = ia.stage.tree.lookup(start.file)?.source;
  if (!source) return undefined;
  const why = (v: CodeValue | undefined): string | undefined => {
    if (v?.kind === 'server-default') return `the default of ${start.label}`;
    if (v?.kind === 'env-default') return `the default of os.getenv("${v.envName}"), which is not set in the container`;
    if (v?.kind === 'env') return `${v.envName} set in the container`;
    if (v?.kind === 'argv') return `given on ${cli?.label ?? 'the command line'}'s command line`;
    if (v?.kind === 'setting' && v.setting) return `the default of ${v.setting.name}${v.setting.fromEnv ? `, which ${v.setting.name.split('.').pop()} in the environment would override` : ''}`;
    return undefined;
  };
  const dflt = (v: CodeValue | undefined) => v?.kind === 'server-default' || v?.kind === 'env-default';
  return {
    host: start.bind.host, port: start.bind.port, hostDefault: dflt(start.host), portDefault: dflt(start.port), server: start.label,
    call: { start, source, hostWhy: why(start.host), portWhy: why(start.port) },
  };
}

/** The ports a deployment sends to or probes. */
function expectations(a: Analysis, d: Deployment): Expect[] {
  const where = `${describeDeployment(a, d)}; ${d.evidence}`;
  if (d.platform === 'cloudrun' && d.platformPort) {
    const p = d.platformPort;
    const what = `Cloud Run sends requests and its startup probe to $PORT = ${p.port}`;
    return [{ ports: [p.port], why: `${what} (${p.why}; ${where})`, what, where: `${p.why}; ${where}`, at: p.range ? { file: d.file, range: p.range, message: 'the port Cloud Run uses' } : undefined }];
  }
  const c = d.container;
  if (!c) return [];
  const ports = new Set<number>();
  const why: string[] = [];
  let at: Location | undefined;
  for (const p of c.probes) {
    const n = probePort(c, p.port?.value);
    if (n === undefined) continue;
    ports.add(n);
    why.push(`the ${p.kind}Probe checks port ${n}`);
    at ??= { file: d.file, range: p.port!.range, message: `the ${p.kind}Probe's port` };
  }
  for (const p of c.ports) {
    ports.add(p.containerPort.value);
    why.push(`${d.platform === 'compose' ? 'the service publishes container port' : 'containerPort'} ${p.containerPort.value}`);
    at ??= { file: p.containerPort.file ?? d.file, range: p.containerPort.range, message: 'the declared port' };
  }
  if (!ports.size) return [];
  const what = [...new Set(why)].join(', ');
  return [{ ports: [...ports], why: `${what} (${where})`, what, where, at }];
}

/**
 * A script on the way to the server starts another program in the background (`mailpit --listen 0.0.0.0:8025 &`,
 * then `exec uvicorn ... --port 8090`) that names `port`: the container has two listeners, and the published or
 * probed port may be the other one's (openlibrary's mockservices: mailpit's web UI on 8025).
 */
function servedInBackground(a: Analysis, ia: RunningContainer, port: number): boolean {
  const names = new RegExp(`(?:[:=\\s])${port}(?![\\d.])`);
  for (const step of ia.entry.chain) {
    const text = ia.stage.tree.text(step.file, a.fs);
    if (!text) continue;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trimEnd();
      if (/(?:^|[^&])&$/.test(line) && names.test(line.slice(0, -1))) return true;
    }
  }
  return false;
}

function probePort(c: ContainerSpec, v: string | number | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const named = c.ports.find((p) => p.name === v);
  return named?.containerPort.value;
}

function checkContext(a: Analysis, ia: RunningContainer, d: Deployment | undefined): Draft[] {
  const out: Draft[] = [];
  const ep = ia.ep;
  const overridden = ia.entry.overridden;
  const df = ia.target.dockerfile;
  const lines = ia.target.parsed.lines;
  const label = entryLabel(ia);
  const instrRange = firstLineRange(ia.entry.instr, lines);
  const where = d ? `${describeDeployment(a, d)}; ${d.evidence}` : undefined;
  const rel: Location[] = d ? [{ file: d.file, range: d.range, message: `deployed by ${describeDeployment(a, d)}` }] : [];
  /** Where the finding goes: the argument that sets the address (in the Dockerfile or the manifest), else the command. */
  const place = (r: Range | undefined): { file: string; range: Range } => {
    const s = sourceOfArg(ia.entry, r);
    if (r && s) return { file: s.file, range: r };
    return overridden ? { file: ia.entry.at.file, range: ia.entry.at.range } : { file: df, range: instrRange };
  };

  // Exec form passes `$PORT` as text.
  if (ep.bind?.literalVariable && !overridden) {
    const expected = d ? expectations(a, d)[0]?.ports : undefined;
    const port = expected?.length === 1 ? expected[0] : exposed(ia).length === 1 ? exposed(ia)[0] : 8080;
    const fix = shellFormFix(ia, port);
    const arg = ep.bind.arg ?? ep.bind.portArg ?? ep.bind.hostArg;
    out.push({
      message: `${label}: the exec-form ${ia.entry.instr.keyword} passes '${ep.bind.raw}' to ${ep.kind} literally (Docker expands variables only in shell form), so it cannot listen there`,
      file: df, range: arg?.range ?? instrRange, related: rel, fixes: fix ? [fix] : [],
    });
    return out;
  }
  const listen = listenOf(ia, ep);
  if (!listen) return out;
  // A proxy the start script runs in front of the server (the runtime model records it) may hold the published port.
  const proxy = ia.entry.proxies?.[0];
  if (proxy) {
    const why = `port-mismatch: ${a.rel(sourceOf(ia.stage, proxy.file) ?? proxy.file)}:${proxy.line + 1} also starts ${proxy.prog}, which may listen on the published and probed ports and pass requests on to ${label}; their ports are not compared`;
    if (!ia.quiet.includes(why)) ia.quiet.push(why);
    return out;
  }
  const adapter = d ? undefined : webAdapter(ia);
  if (adapter) return adapterDraft(ia, listen, adapter, label, place, rangeOfBind(ep, true));
  const hidden = !!ia.hiddenEnv;
  const exps = d ? expectations(a, d) : [];
  const expectedPort = exps.length === 1 && exps[0].ports.length === 1 ? exps[0].ports[0] : undefined;
  const cloudRun = d?.platform === 'cloudrun';

  // Loopback.
  const gunicornDefault = ep.kind === 'gunicorn' && listen.hostDefault;
  const quietDefault = listen.hostDefault && (hidden || (gunicornDefault && !d));
  // One reachable address among several is enough for a client outside the container.
  const reachableToo = listen.all?.some((x) => x.host !== undefined && !LOOPBACK.test(x.host));
  if (listen.host !== undefined && LOOPBACK.test(listen.host) && !quietDefault && !reachableToo) {
    const why = listen.call?.hostWhy ? ` (${listen.call.hostWhy})` : listen.hostDefault ? ` (${ep.kind === 'gunicorn' ? "gunicorn's default when PORT is not set" : `${listen.server}'s default`})` : '';
    const after = d ? `; ${exps[0]?.why ?? where}` : '';
    const port = expectedPort !== undefined && String(expectedPort) !== listen.port ? String(expectedPort) : undefined;
    const fix = listenFix(ia, ep, listen, '0.0.0.0', port, cloudRun);
    const head = `${listen.server === ep.kind ? label : listen.server} listens on ${listen.host}:${listen.port ?? '?'}${why} inside the container, so nothing outside it can connect`;
    out.push({
      message: `${head}${after}`,
      // Several deployments of one image publishing it (a compose file per variant): one finding naming each.
      ...(d && exps[0]?.what ? across(head, '; ', exps[0]) : {}),
      ...(listen.call ? { file: listen.call.source, range: listen.call.start.host?.range ?? listen.call.start.call.range } : place(listen.hostDefault ? undefined : rangeOfBind(ep))),
      related: [...(listen.call ? [{ file: df, range: instrRange, message: `the container runs ${label}` }] : []), ...rel, ...(exps[0]?.at ? [exps[0].at] : [])],
      fixes: fix ? [fix] : [],
    });
    return out;
  }

  // The health check Docker runs inside the container calls another port.
  const health = healthcheckDraft(ia, listen, d);
  if (health) out.push(health);

  // Port.
  if (listen.port === undefined || !/^\d+$/.test(listen.port)) return out;
  const port = Number(listen.port);
  const ports = [port, ...(listen.all ?? []).map((x) => Number(x.port)).filter((n) => Number.isInteger(n))];
  let exp = exps.find((e) => !e.ports.some((p) => ports.includes(p)));
  if (!d || !exps.length) {
    if (exps.length || (d && hidden)) return out;
    const ex = exposed(ia);
    if (!ex.length || ex.some((p) => ports.includes(p)) || listen.portDefault && ep.kind === 'gunicorn') return out;
    exp = { ports: ex, why: `the Dockerfile EXPOSEs ${ex.join(', ')}`, severity: 'warning', at: ia.stage.expose[0] ? { file: df, range: ia.stage.expose[0].word.range, message: 'EXPOSE' } : undefined };
    if (d) exp.why += ` and ${where} says nothing else`;
  }
  if (!exp) return out;
  if (listen.portDefault && ep.kind === 'gunicorn' && hidden) return out;
  if (exp.ports.some((p) => servedInBackground(a, ia, p))) return out;
  const target = exp.ports.length === 1 ? exp.ports[0] : undefined;
  // Several binds: which one should move is the user's call, so no fix.
  const fix = target !== undefined && !listen.all ? listenFix(ia, ep, listen, undefined, String(target), cloudRun) : undefined;
  const dflt = listen.call?.portWhy && listen.call.start.port?.kind !== 'env' ? ` (${listen.call.portWhy})` : listen.portDefault ? ` (${listen.server}'s default)` : ep.bind?.env ? ` (set by ${ep.bind.env.join(' and ')})` : '';
  const head = `${listen.server === ep.kind ? label : listen.server} listens on ${ports.length > 1 ? `ports ${[...new Set(ports)].join(' and ')}` : `port ${port}`}${dflt}`;
  out.push({
    severity: exp.severity,
    message: `${head}, but ${exp.why}`,
    ...(d && exp.what ? across(head, ', but ', exp) : {}),
    ...(listen.call ? { file: listen.call.source, range: listen.call.start.port?.range ?? listen.call.start.call.range } : place(rangeOfBind(ep, true))),
    related: [...(listen.call ? [{ file: df, range: instrRange, message: `the container runs ${label}` }] : []), ...rel, ...(exp.at ? [exp.at] : [])],
    fixes: fix ? [fix] : [],
  });
  return out;
}

/**
 * AWS Lambda Web Adapter: an extension the image carries in /opt/extensions (copied from
 * public.ecr.aws/awsguru/aws-lambda-adapter). In Lambda it runs beside the server in the same sandbox and forwards each
 * invocation to 127.0.0.1 on AWS_LWA_PORT, else PORT, else 8080, after its readiness check on that port
 * (AWS_LWA_READINESS_CHECK_PORT when set). A loopback bind is what it reaches; another port never becomes ready.
 * Undefined when the image has no adapter, or the port it uses is not known (a variable set to something unknown).
 */
function webAdapter(ia: RunningContainer): { port: number; why: string; instr: RunningContainer['stage']['instructions'][number] } | undefined {
  const instr = ia.stage.instructions.find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && /\/opt\/extensions\/?(?:lambda-adapter)?\s*$/.test(i.argText) && /aws-lambda-(?:web-)?adapter|lambda-adapter/.test(i.argText));
  if (!instr) return undefined;
  const env = ia.entry.env;
  for (const name of ['AWS_LWA_READINESS_CHECK_PORT', 'AWS_LWA_PORT', 'PORT']) {
    if (!Object.prototype.hasOwnProperty.call(env, name)) continue;
    const v = env[name];
    if (v === undefined || !/^\d+$/.test(v)) return undefined;
    return { port: Number(v), why: `${name}=${v}`, instr };
  }
  return ia.hiddenEnv ? undefined : { port: 8080, why: 'its default, with AWS_LWA_PORT and PORT unset', instr };
}

function adapterDraft(ia: RunningContainer, listen: Listen, adapter: NonNullable<ReturnType<typeof webAdapter>>, label: string, place: (r: Range | undefined) => { file: string; range: Range }, bindRange: Range | undefined): Draft[] {
  if (listen.port === undefined || !/^\d+$/.test(listen.port) || Number(listen.port) === adapter.port || listen.all) return [];
  // It connects to 127.0.0.1: a server on another address is not the model's to judge.
  if (listen.host !== undefined && !LOCAL.test(listen.host)) return [];
  const dflt = listen.portDefault ? ` (${listen.server}'s default)` : '';
  const fix = listenFix(ia, ia.ep, listen, undefined, String(adapter.port), false);
  return [{
    message: `${listen.server === ia.ep.kind ? label : listen.server} listens on port ${listen.port}${dflt}, but the Lambda Web Adapter this image carries forwards requests and its readiness check to port ${adapter.port} (${adapter.why}), so the function never becomes ready`,
    ...(listen.call ? { file: listen.call.source, range: listen.call.start.port?.range ?? listen.call.start.call.range } : place(bindRange)),
    related: [{ file: ia.target.dockerfile, range: firstLineRange(adapter.instr, ia.target.parsed.lines), message: 'the Lambda Web Adapter extension' }],
    fixes: fix ? [fix] : [],
  }];
}

/**
 * The same finding for several deployments that expect the same of the image (a compose file per cpu/gpu variant):
 * one, `${head}${sep}${what} in each of N deployments: (where1), (where2)`.
 */
function across(head: string, sep: string, exp: Expect): Pick<Draft, 'across'> {
  return { across: { key: `${head}\0${exp.what}\0${exp.severity ?? ''}`, who: exp.where!, render: (who: string[]) => `${head}${sep}${exp.what} in each of ${who.length} deployments: ${who.map((w) => `(${w})`).join(', ')}` } };
}

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?|ip6-localhost)$/i;

/**
 * Docker's HEALTHCHECK (for `docker run` and compose services without their own) or a compose
 * `healthcheck.test` that requests a local URL on another port than the server's: the check never
 * passes and the container stays unhealthy. The fix points the URL at the server's port.
 */
function healthcheckDraft(ia: RunningContainer, listen: Listen, d: Deployment | undefined): Draft | undefined {
  if (ia.runner.kind !== 'image' && ia.runner.kind !== 'compose') return undefined;
  if (listen.port === undefined || !/^\d+$/.test(listen.port)) return undefined;
  const own = d?.container?.healthcheck;
  let cmd: string[] | string | undefined;
  let where: { file: string; range: Range; words?: { raw: string; text: string; range: Range }[] } | undefined;
  if (own) {
    if (own.disabled || !own.test) return undefined;
    cmd = own.test.value;
    where = { file: own.test.file ?? d!.file, range: own.test.range };
  } else {
    const hc = ia.stage.healthcheck;
    if (!hc || hc.args[0]?.text.toUpperCase() !== 'CMD') return undefined;
    const rest = hc.commandText.replace(/^\s*CMD\s+/i, '');
    if (rest.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) cmd = parsed as string[];
      } catch {
        return undefined;
      }
    } else cmd = rest;
    where = { file: ia.target.dockerfile, range: hc.keywordRange, words: hc.args };
  }
  if (cmd === undefined) return undefined;
  const t = healthcheckTarget(cmd, ia.env);
  if (!t || !LOCAL.test(t.host) || t.port === listen.port) return undefined;
  const word = where.words?.find((w) => w.text.includes(t.url));
  const range = word?.range ?? where.range;
  const label = listen.server === ia.ep.kind ? entryLabel(ia) : listen.server;
  const fixes: Fix[] = [];
  const hostPort = `${/:/.test(t.host) ? `[${t.host}]` : t.host}:${t.port}`;
  if (word && word.raw.split(hostPort).length === 2 && /^\d+$/.test(t.port) && t.url.includes(hostPort)) {
    const newText = word.raw.replace(hostPort, `${hostPort.slice(0, -t.port.length)}${listen.port}`);
    fixes.push({ title: `Check port ${listen.port}`, edits: [{ file: where.file, range: word.range, newText }], isPreferred: true });
  }
  return {
    message: `the health check calls ${t.url} (port ${t.port}), but ${label} listens on port ${listen.port}: the check never passes and the container stays unhealthy`,
    file: where.file, range,
    related: [{ file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }],
    fixes,
  };
}

function exposed(ia: ImportAnalysis): number[] {
  return [...new Set(ia.stage.expose.map((e) => e.port).filter((p) => /^\d+$/.test(p)).map(Number))];
}

function rangeOfBind(ep: Entrypoint, port = false): Range | undefined {
  const b = ep.bind;
  if (!b) return undefined;
  return (port ? b.portArg?.range : b.hostArg?.range) ?? b.arg?.range ?? b.portArg?.range ?? b.hostArg?.range;
}

/** A fix that makes the server listen on `host` (when given) and `port` (when given), in the instruction's own form. */
function listenFix(ia: ImportAnalysis, ep: Entrypoint, l: Listen, host: string | undefined, port: string | undefined, cloudRun: boolean): Fix | undefined {
  // Only a Dockerfile's shell form expands $PORT; manifests and scripts get the number.
  const shell = !ia.entry.overridden && !ia.entry.instr.json && !ia.entry.script;
  const portText = port === undefined ? undefined : cloudRun && shell ? '$PORT' : port;
  const title = `Listen on ${host ?? l.host ?? ''}${host || l.host ? ':' : ''}${portText ?? l.port}`;
  const edits: TextEdit[] = [];
  if (l.call) {
    const { start, source } = l.call;
    const c = start.call;
    // Host and port in one string (waitress listen, hypercorn bind), or a value the environment sets: no code edit.
    if (!start.keywords || !start.host || !start.port || start.host.range === start.port.range) return undefined;
    const set = (v: CodeValue, name: string, value: string, quoted: boolean): boolean => {
      if (v.kind === 'env' || v.kind === 'argv' || v.kind === 'setting') return false;
      if (v.kind !== 'server-default') {
        edits.push({ file: source, range: v.range, newText: quoted ? JSON.stringify(value) : value });
        return true;
      }
      const end = { line: c.range.end.line, character: c.range.end.character - 1 };
      const sep = c.args.length || edits.length ? ', ' : '';
      edits.push({ file: source, range: { start: end, end }, newText: `${sep}${name}=${quoted ? JSON.stringify(value) : value}` });
      return true;
    };
    if (host && !set(start.host, start.keywords.host, host, true)) return undefined;
    if (port && !set(start.port, start.keywords.port, port, start.port.quoted === true)) return undefined;
    return edits.length ? { title, edits, isPreferred: true } : undefined;
  }
  const b = ep.bind;
  if (!b) return undefined;
  if (b.arg) {
    const h = host ?? b.host ?? '0.0.0.0';
    const e = replaceCommandArg(ia.entry, b.arg, `${h.includes(':') ? `[${h}]` : h}:${portText ?? b.port}`);
    return e ? { title, edits: [e], isPreferred: true } : undefined;
  }
  if (ep.kind === 'gunicorn' && b.isDefault) {
    const e = insertCommandOptions(ia.entry, ep.targetArg, ['--bind', `${host ?? '0.0.0.0'}:${portText ?? b.port}`], 'before');
    return e ? { title, edits: [e], isPreferred: true } : undefined;
  }
  if (ep.kind !== 'uvicorn' && !(b.hostArg || b.portArg)) return undefined;
  const add: string[] = [];
  if (host) {
    if (b.hostArg) {
      const e = replaceCommandArg(ia.entry, b.hostArg, host);
      if (!e) return undefined;
      edits.push(e);
    } else add.push('--host', host);
  }
  if (portText) {
    if (b.portArg) {
      const e = replaceCommandArg(ia.entry, b.portArg, portText);
      if (!e) return undefined;
      edits.push(e);
    } else add.push('--port', portText);
  }
  if (add.length) {
    const e = insertCommandOptions(ia.entry, ep.targetArg, add, 'after');
    if (!e) return undefined;
    edits.push(e);
  }
  return edits.length ? { title, edits, isPreferred: true } : undefined;
}

/** Rewrites an exec-form CMD as shell form (`CMD exec ...`) so `$PORT` expands, with `${PORT:-N}` for when it is not set. */
function shellFormFix(ia: ImportAnalysis, port: number): Fix | undefined {
  const ins = ia.entry.instr;
  if (!ins.json || ia.entry.script || (ins.keyword === 'CMD' && ia.stage.entrypoint) || (ins.keyword === 'ENTRYPOINT' && ia.stage.cmd)) return undefined;
  const words = ins.args.map((w) => w.text);
  if (!words.length) return undefined;
  const quoted = words.map((w) => {
    if (/\$(\{PORT\}|PORT\b)/.test(w)) return `"${w.replace(/\$(\{PORT\}|PORT\b)/g, `\${PORT:-${port}}`).replace(/["\\`]/g, '\\$&')}"`.replace(/^"([\w@%+=:,./{}$-]*)"$/, '$1');
    return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
  });
  const text = `${ins.keyword} exec ${quoted.join(' ')}`;
  return { title: `Use the shell form so $PORT expands (${text})`, edits: [{ file: ia.target.dockerfile, range: ins.range, newText: text }], isPreferred: true };
}
