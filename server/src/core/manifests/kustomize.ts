// kustomization.yaml -> its resources, components and `images:` renames (which image a manifest's container really runs once kustomize has built it).
import { parseAllDocuments } from 'yaml';
import { basename } from '../fs';

/** kustomize reads the first of these in a folder. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** An `images:` entry: containers whose image is `name` run `newName` (else `name`) with `newTag` / `digest`. */
export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
}

export interface Kustomization {
  /** `resources:` (and the older `bases:`) as written: files, folders with a kustomization, or remote URLs. */
  resources: string[];
  /** `components:` folders (kind Component), whose `images:` apply to this kustomization's resources too. */
  components: string[];
  images: KustomizeImage[];
}

export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_NAMES.includes(basename(path));
}

/** The kustomization's lists; undefined when the text is not a YAML mapping. */
export function parseKustomization(text: string): Kustomization | undefined {
  let js: unknown;
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || !docs.length || docs[0].errors.length) return undefined;
    js = docs[0].toJSON();
  } catch {
    return undefined;
  }
  if (!js || typeof js !== 'object' || Array.isArray(js)) return undefined;
  const o = js as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const images: KustomizeImage[] = [];
  for (const it of Array.isArray(o.images) ? o.images : []) {
    if (!it || typeof it !== 'object' || typeof (it as { name?: unknown }).name !== 'string') continue;
    const x = it as Record<string, unknown>;
    const img: KustomizeImage = { name: x.name as string };
    if (typeof x.newName === 'string') img.newName = x.newName;
    if (typeof x.newTag === 'string' || typeof x.newTag === 'number') img.newTag = String(x.newTag);
    images.push(img);
  }
  return { resources: [...strings(o.resources), ...strings(o.bases)], components: strings(o.components), images };
}
