// YAML documents no rule reads, blanked before parsing: Kubernetes CustomResourceDefinitions (API schemas, often megabytes).

/** A document marker line: `---` or `...` at the start of a line (YAML forbids either inside a document's content). */
const MARKER = /^(?:---|\.\.\.)(?=[ \t\r]|$)/gm;
const CRD_KIND = /^kind:[ \t]*(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?\r?$/m;
const CRD_API = /^apiVersion:[ \t]*(["']?)apiextensions\.k8s\.io\//m;
/** A body with nothing but blank lines and comments. */
const EMPTY_BODY = /^(?:[ \t]*(?:#.*)?\r?(?:\n|$))*$/;

/** The last few inputs and results: the manifest, deploy-command and secret parsers each ask for the same file. */
const recent: { text: string; out: string }[] = [];

/**
 * `text` with every CustomResourceDefinition document replaced by spaces (newlines kept, so offsets and line
 * numbers are unchanged), or '' when every document is one (nothing is left to parse). A CRD declares a
 * resource's schema: it runs no container, mounts nothing and holds no credential, yet a Kubernetes operator's
 * install manifests are mostly CRDs (kserve: 82 of 87 MB of YAML), and parsing them was most of a lint.
 * Both top-level keys must be at column 0 of the document.
 */
export function blankInertDocuments(text: string): string {
  if (!text.includes('CustomResourceDefinition')) return text;
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit.out;
  const out = blank(text);
  recent.unshift({ text, out });
  if (recent.length > 4) recent.pop();
  return out;
}

function blank(text: string): string {
  const bounds: number[] = [0];
  for (const m of text.matchAll(MARKER)) {
    const eol = text.indexOf('\n', m.index!);
    bounds.push(m.index!, eol < 0 ? text.length : eol + 1);
  }
  bounds.push(text.length);
  const parts: string[] = [];
  let changed = false;
  let kept = false;
  // Even pairs are document bodies, odd pairs the marker lines between them.
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = text.slice(bounds[i], bounds[i + 1]);
    if (i % 2 === 0 && CRD_KIND.test(part) && CRD_API.test(part)) {
      parts.push(part.replace(/[^\n]+/g, (line) => ' '.repeat(line.length)));
      changed = true;
    } else {
      parts.push(part);
      if (i % 2 === 0 && !EMPTY_BODY.test(part)) kept = true;
    }
  }
  if (!changed) return text;
  return kept ? parts.join('') : '';
}
