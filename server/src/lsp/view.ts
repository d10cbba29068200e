// The "Image contents" view's data: per Dockerfile, its stages' files (with the instruction that put each there) and the containers that run them.
import type { Analysis } from '../core/analysis';
import { imageContents } from '../core/query';

/** `deploylint/imageContents` answer: URIs and workspace-relative labels, ready for a tree view. */
export interface ImageContentsItem {
  uri: string;
  label: string;
  stages: {
    label: string;
    line: number;
    truncated: boolean;
    files: { image: string; sourceUri?: string; source?: string; instruction: string; line: number }[];
    containers: { id: string; runs?: string; missing: string[] }[];
  }[];
}

export function imageContentsItems(a: Analysis, toUri: (p: string) => string, dockerfile?: string): ImageContentsItem[] {
  return imageContents(a, dockerfile).map((d) => ({
    uri: toUri(d.dockerfile),
    label: a.rel(d.dockerfile),
    stages: d.stages.map((s) => ({
      ...s,
      files: s.files.map((f) => (f.source ? { ...f, sourceUri: toUri(f.source), source: a.rel(f.source) } : f)),
    })),
  }));
}
