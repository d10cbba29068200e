// Entry point: a YAML file's text -> workloads (Kubernetes, Cloud Run, compose), syntax errors and notices; never throws.
import { LineCounter, YAMLMap, parseAllDocuments } from 'yaml';
import type { Range } from '../types';
import { composeIncludes, composeWorkloads, isComposeDocument } from './compose';
import { isKubeObject, kubeWorkloads } from './kubernetes';
import { OffsetMapper, YamlSource } from './nodes';
import type { ManifestProblem, ParsedManifests, Workload } from './types';
import { blankInertDocuments } from '../text/yaml-inert';

/** The notice for Go/Helm template syntax (`{{ }}`): the file (when it does not parse) or the document yields no workloads. */
export const TEMPLATE_SKIPPED = 'skipped: template';

/** `{{` that is not part of a GitHub Actions `${{ }}` expression. */
const GO_TEMPLATE = /(^|[^$])\{\{/;

/**
 * Parses every document of a YAML file into workloads. Documents with syntax errors are reported
 * in `errors` (with ranges) and skipped; the others still yield workloads. Go/Helm template syntax
 * (`{{ }}`, not GitHub's `${{ }}`) yields the TEMPLATE_SKIPPED notice instead: for the whole file
 * when it does not parse, else for each document that contains it.
 */
export function parseManifests(file: string, text: string): ParsedManifests {
  const result: ParsedManifests = { workloads: [], errors: [], notices: [] };
  const lineCounter = new LineCounter();
  const mapper = new OffsetMapper(lineCounter);
  let docs;
  try {
    docs = parseAllDocuments(blankInertDocuments(text), { lineCounter, prettyErrors: false, merge: true });
  } catch (e) {
    // The parser reports problems as errors on documents; this is a last resort.
    return { ...result, errors: [{ message: `YAML parser failed: ${String(e)}`, range: mapper.range(0, 0) }] };
  }
  if (!Array.isArray(docs)) return result; // an empty stream

  const errors: ManifestProblem[] = [];
  for (const doc of docs) {
    for (const err of doc.errors) errors.push({ message: err.message, range: errorRange(mapper, err.pos, text) });
  }
  if (errors.length > 0 && GO_TEMPLATE.test(text)) {
    result.notices.push(TEMPLATE_SKIPPED);
    return result;
  }
  result.errors = errors;

  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    if (doc.range && GO_TEMPLATE.test(text.slice(doc.range[0], doc.range[2]))) {
      // Values written as `{{ .Values.x }}` parse as maps, and would read as absent (then defaulted).
      if (!result.notices.includes(TEMPLATE_SKIPPED)) result.notices.push(TEMPLATE_SKIPPED);
      continue;
    }
    const src = new YamlSource(text, mapper, doc);
    const root = src.map(doc.contents);
    if (!root) continue;
    try {
      result.workloads.push(...documentWorkloads(src, root, file));
      if (!isKubeObject(src, root) && src.pair(root, 'include')) {
        const includes = composeIncludes(src, root);
        if (includes.length) (result.includes ??= []).push(...includes);
      }
    } catch (e) {
      result.errors.push({ message: `could not read manifest: ${String(e)}`, range: src.nodeRange(root) });
    }
  }
  return result;
}

function documentWorkloads(src: YamlSource, root: YAMLMap, file: string): Workload[] {
  if (isKubeObject(src, root)) return kubeWorkloads(src, root, file);
  if (isComposeDocument(src, root, file)) return composeWorkloads(src, root, file);
  return [];
}

/** The parser's error span; a one-character span is widened to the word it starts (a key, `---`). */
function errorRange(mapper: OffsetMapper, pos: [number, number], text: string): Range {
  const start = Math.min(pos[0], text.length);
  let end = Math.max(start, Math.min(pos[1], text.length));
  if (end - start <= 1) {
    const word = /[^\s:,[\]{}]*/y;
    word.lastIndex = start;
    end = Math.max(end, start + (word.exec(text)?.[0].length ?? 0));
  }
  return mapper.range(start, end);
}
