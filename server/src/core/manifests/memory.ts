// Memory quantities as Kubernetes / Cloud Run and Compose write them: text -> bytes, and a rounded size back in the same unit style.
import type { YAMLMap } from 'yaml';
import type { YamlSource } from './nodes';
import type { MemorySetting } from './types';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** How a quantity was written, so that a fix writes the new size the same way. */
export type QuantitySyntax = 'kubernetes' | 'compose';

const K8S_BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const K8S_DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const K8S_QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|m|k|M|G|T|P|E)?$/;

/**
 * A Kubernetes resource quantity in bytes (`<signedNumber><suffix>`, suffix one of the binary
 * `Ki Mi Gi Ti Pi Ei`, the decimal `m "" k M G T P E`, or an exponent `e3`/`E3`). Note that `m` is
 * milli: `512m` is 0.512 bytes. Undefined when the text is not a quantity or is negative.
 */
export function parseKubeQuantity(text: string): number | undefined {
  const m = K8S_QUANTITY.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === '-') return undefined;
  const n = Number(m[2]);
  const suffix = m[3] ?? '';
  let factor: number;
  if (suffix in K8S_BINARY) factor = K8S_BINARY[suffix];
  else if (/^[eE][+-]?\d+$/.test(suffix)) factor = 10 ** Number(suffix.slice(1));
  else factor = K8S_DECIMAL[suffix];
  const bytes = n * factor;
  return Number.isFinite(bytes) ? bytes : undefined;
}

const COMPOSE_UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };
const COMPOSE_BYTES = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?([iI])?([bB])?$/;

/**
 * A Compose byte value (`mem_limit`, `deploy.resources.limits.memory`) in bytes, as Docker's
 * `units.RAMInBytes` reads it: a number, an optional space, then an optional `k m g t p` (any case,
 * always binary: `1g` = `1gb` = `1GiB` = 2^30), an optional `i` and `b`. A plain integer is bytes.
 */
export function parseComposeBytes(text: string): number | undefined {
  const m = COMPOSE_BYTES.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  if (!unit && m[3]) return undefined;
  return Math.floor(Number(m[1]) * COMPOSE_UNITS[unit || (m[4] ? 'b' : '')]);
}

/** Parses a quantity in the given syntax. */
export function parseMemory(text: string, syntax: QuantitySyntax): number | undefined {
  return syntax === 'kubernetes' ? parseKubeQuantity(text) : parseComposeBytes(text);
}

/**
 * The next round size at or above `bytes`: multiples of 256 MiB up to 1 GiB, of 512 MiB up to
 * 4 GiB, whole GiB above (decimal styles use the same steps in MB/GB: 250 M, 500 M, 1 G).
 */
export function roundUpMemory(bytes: number, decimal = false): number {
  const mi = decimal ? 1e6 : MiB;
  const gi = decimal ? 1e9 : GiB;
  const small = decimal ? 250 * mi : 256 * mi;
  const mid = decimal ? 500 * mi : 512 * mi;
  if (bytes <= gi) return Math.max(1, Math.ceil(bytes / small)) * small;
  if (bytes <= 4 * gi) return Math.ceil(bytes / mid) * mid;
  return Math.ceil(bytes / gi) * gi;
}

/**
 * Writes `bytes` (a result of `roundUpMemory` in the same style) the way `like` was written:
 * Kubernetes `512Mi` -> `2Gi`/`1536Mi`, `500M` -> `2G`, plain bytes -> bytes (a milli value, surely
 * meant as MiB, is written in binary units); Compose `256m` -> `2g`, `256MB` -> `2GB`, bytes -> bytes.
 */
export function formatMemoryLike(bytes: number, like: string, syntax: QuantitySyntax): string {
  const t = like.trim();
  if (syntax === 'compose') {
    const m = COMPOSE_BYTES.exec(t);
    if (!m || !m[2]) return String(Math.round(bytes));
    const upper = m[2] === m[2].toUpperCase();
    const tail = (m[3] ?? '') + (m[4] ?? '');
    const [n, unit] = bytes % GiB === 0 ? [bytes / GiB, 'g'] : [Math.ceil(bytes / MiB), 'm'];
    return `${n}${upper ? unit.toUpperCase() : unit}${tail}`;
  }
  const m = K8S_QUANTITY.exec(t);
  const suffix = m?.[3] ?? '';
  if (suffix === '' || /^[eE]/.test(suffix)) return String(Math.round(bytes));
  if (suffix in K8S_BINARY || suffix === 'm') return bytes % GiB === 0 ? `${bytes / GiB}Gi` : `${Math.ceil(bytes / MiB)}Mi`;
  return bytes % 1e9 === 0 ? `${bytes / 1e9}G` : `${Math.ceil(bytes / 1e6)}M`;
}

/** True when a quantity is written in decimal units (`M`, `G`, `k`, an exponent, plain bytes stay binary-rounded). */
export function isDecimalStyle(like: string, syntax: QuantitySyntax): boolean {
  if (syntax === 'compose') return false;
  const suffix = K8S_QUANTITY.exec(like.trim())?.[3] ?? '';
  return suffix in K8S_DECIMAL && suffix !== '' && suffix !== 'm';
}

/** `512 MiB`, `2.4 GiB`, `300 KiB`: for messages. */
export function formatMiB(bytes: number): string {
  if (bytes >= GiB) return `${Math.round((bytes / GiB) * 10) / 10} GiB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  if (bytes >= KiB) return `${Math.round(bytes / KiB)} KiB`;
  return `${Math.round(bytes * 1000) / 1000} bytes`;
}

/** `key: <quantity>` of a YAML mapping as a MemorySetting; undefined when absent or not a quantity (a template, a typo). */
export function readMemorySetting(src: YamlSource, map: YAMLMap | undefined, key: string, label: string, syntax: QuantitySyntax): MemorySetting | undefined {
  const s = src.str(map, key);
  const bytes = s ? parseMemory(s.value, syntax) : undefined;
  return s && bytes !== undefined ? { ...s, bytes, syntax, key: label } : undefined;
}
