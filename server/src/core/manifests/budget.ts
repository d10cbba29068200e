// How long a probe or health check lets a container start before it is killed, with platform defaults (platform-facts.md).
import type { ContainerSpec, Located, Platform, ProbeSpec } from './types';

/** Kubernetes probe defaults (also Cloud Run's for configured probes). */
export const K8S_PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 } as const;

/** Docker HEALTHCHECK / compose `healthcheck:` defaults, in seconds. */
export const HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 30, startPeriod: 0, startInterval: 5, retries: 3 } as const;

/** Cloud Run's default TCP startup probe when a service configures none. */
export const CLOUD_RUN_DEFAULT_STARTUP_PROBE = { timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1 } as const;

/** Cloud Run services cap a startup probe's periodSeconds x failureThreshold, and its initialDelaySeconds, at 240 s. */
export const CLOUD_RUN_STARTUP_CAP_SECONDS = 240;

/** The port Cloud Run sets in `PORT` when the service declares none. */
export const CLOUD_RUN_DEFAULT_PORT = 8080;

export interface Budget {
  seconds: number;
  /** How the number came about, for messages: `initialDelaySeconds 0 + periodSeconds 10 x failureThreshold 3 = 30 s`. */
  formula: string;
}

/**
 * Seconds of failing a probe tolerates: `initialDelaySeconds + periodSeconds x failureThreshold`,
 * Kubernetes defaults (0, 10, 3) for absent fields. On `cloudrun`, a startup probe's
 * `periodSeconds x failureThreshold` and `initialDelaySeconds` are each capped at 240 s, as the formula then says.
 */
export function probeBudget(p: ProbeSpec, platform?: Platform): Budget {
  const delay = p.initialDelaySeconds?.value ?? K8S_PROBE_DEFAULTS.initialDelaySeconds;
  const period = p.periodSeconds?.value ?? K8S_PROBE_DEFAULTS.periodSeconds;
  const threshold = p.failureThreshold?.value ?? K8S_PROBE_DEFAULTS.failureThreshold;
  const window = period * threshold;
  const seconds = delay + window;
  const formula = `initialDelaySeconds ${fmt(delay)} + periodSeconds ${fmt(period)} x failureThreshold ${fmt(threshold)} = ${fmt(seconds)} s`;
  const cap = CLOUD_RUN_STARTUP_CAP_SECONDS;
  if (platform !== 'cloudrun' || p.kind !== 'startup' || (window <= cap && delay <= cap)) return { seconds, formula };
  const cappedDelay = Math.min(delay, cap);
  const cappedWindow = Math.min(window, cap);
  const capped = cappedDelay + cappedWindow;
  return {
    seconds: capped,
    formula: `${formula}; Cloud Run caps a service's startup probe at ${cap} s (periodSeconds x failureThreshold and initialDelaySeconds each): ${fmt(cappedDelay)} + ${fmt(cappedWindow)} = ${fmt(capped)} s`,
  };
}

/** The parts of a health check the budget needs (compose `HealthcheckSpec`, or a Dockerfile HEALTHCHECK). */
export interface HealthcheckTiming {
  interval?: { value: number };
  retries?: { value: number };
  startPeriod?: { value: number };
  disabled?: boolean;
}

/**
 * Seconds before a failing container turns unhealthy: `start_period + interval x retries`, Docker
 * defaults (0, 30 s, 3) for absent fields. `flavor` picks the option names used in the formula.
 * A disabled check never turns unhealthy (Infinity).
 */
export function healthcheckBudget(h: HealthcheckTiming, flavor: 'compose' | 'dockerfile' = 'compose'): Budget {
  if (h.disabled) return { seconds: Infinity, formula: 'health check disabled' };
  const start = h.startPeriod?.value ?? HEALTHCHECK_DEFAULTS.startPeriod;
  const interval = h.interval?.value ?? HEALTHCHECK_DEFAULTS.interval;
  const retries = h.retries?.value ?? HEALTHCHECK_DEFAULTS.retries;
  const seconds = start + interval * retries;
  const [s, i, r] = flavor === 'compose' ? ['start_period', 'interval', 'retries'] : ['--start-period', '--interval', '--retries'];
  return { seconds, formula: `${s} ${fmt(start)} s + ${i} ${fmt(interval)} s x ${r} ${fmt(retries)} = ${fmt(seconds)} s` };
}

/** Cloud Run's default TCP startup probe (no startup probe configured): 240 s. */
export function cloudRunDefaultStartupBudget(): Budget {
  const { timeoutSeconds, periodSeconds, failureThreshold } = CLOUD_RUN_DEFAULT_STARTUP_PROBE;
  const seconds = periodSeconds * failureThreshold;
  return {
    seconds,
    formula: `Cloud Run default TCP startup probe: timeoutSeconds ${timeoutSeconds}, periodSeconds ${periodSeconds} x failureThreshold ${failureThreshold} = ${seconds} s`,
  };
}

/** The port Cloud Run puts in `PORT` and probes by default: `ports[0].containerPort`, else 8080. */
export function cloudRunPort(container: ContainerSpec): { port: number; located?: Located<number> } {
  const first = container.ports[0]?.containerPort;
  return first ? { port: first.value, located: first } : { port: CLOUD_RUN_DEFAULT_PORT };
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
