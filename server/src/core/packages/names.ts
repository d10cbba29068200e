// Distribution <-> import names and declared dependencies of Python distributions (PEP 503 normalisation as the fallback).
// The table below is the hand-seeded start; scripts/gen-packages.* replaces it with generated data (see the header there).

/** PEP 503 normalised distribution name: lower case, runs of `-`, `_`, `.` become `-`. */
export function normalizeDist(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

interface DistInfo {
  /** Top-level import names the distribution provides. */
  imports: string[];
  /** Normalised names of the distributions it requires unconditionally (no extras, no markers). */
  requires?: string[];
}

/** Seed entries where the import name differs from the distribution name. */
const SEED: Record<string, DistInfo> = {
  pyyaml: { imports: ['yaml', '_yaml'] },
  'opencv-python': { imports: ['cv2'], requires: ['numpy'] },
  'opencv-python-headless': { imports: ['cv2'], requires: ['numpy'] },
  'opencv-contrib-python': { imports: ['cv2'], requires: ['numpy'] },
  'opencv-contrib-python-headless': { imports: ['cv2'], requires: ['numpy'] },
  'scikit-learn': { imports: ['sklearn'], requires: ['numpy', 'scipy', 'joblib', 'threadpoolctl'] },
  pillow: { imports: ['PIL'] },
  beautifulsoup4: { imports: ['bs4'], requires: ['soupsieve'] },
  'python-dateutil': { imports: ['dateutil'], requires: ['six'] },
  protobuf: { imports: ['google'] },
  grpcio: { imports: ['grpc'] },
  'python-dotenv': { imports: ['dotenv'] },
  pyjwt: { imports: ['jwt'] },
  attrs: { imports: ['attr', 'attrs'] },
  'python-multipart': { imports: ['multipart', 'python_multipart'] },
  psycopg2: { imports: ['psycopg2'] },
  'psycopg2-binary': { imports: ['psycopg2'] },
  'google-cloud-storage': { imports: ['google'] },
  'scikit-image': { imports: ['skimage'] },
  pymupdf: { imports: ['fitz', 'pymupdf'] },
  'python-magic': { imports: ['magic'] },
  pyserial: { imports: ['serial'] },
  pycryptodome: { imports: ['Crypto'] },
  'typing-extensions': { imports: ['typing_extensions'] },
  setuptools: { imports: ['setuptools', 'pkg_resources', '_distutils_hack'] },
};

/** Import names a distribution provides, or undefined when the table does not know it. */
export function importNamesFor(dist: string): string[] | undefined {
  return SEED[normalizeDist(dist)]?.imports;
}

/**
 * Import names a distribution provides: the table's entry, else the PEP 503 guess
 * (`my-pkg` -> `my_pkg`), which is what most distributions do.
 */
export function importNamesOrGuess(dist: string): string[] {
  return importNamesFor(dist) ?? [normalizeDist(dist).replace(/-/g, '_')];
}

/** Normalised distribution names that provide a top-level import name (from the table only). */
export function distributionsFor(importName: string): string[] {
  const out: string[] = [];
  for (const [d, info] of Object.entries(SEED)) if (info.imports.includes(importName)) out.push(d);
  return out;
}

/** Unconditional requirements of a distribution, or undefined when the table does not know them. */
export function dependenciesOf(dist: string): string[] | undefined {
  return SEED[normalizeDist(dist)]?.requires;
}
