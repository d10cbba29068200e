// CodeLens above each command ("imports N local modules · M missing · startup ≈ S s") and the --explain text it opens.
import type { CodeLens } from 'vscode-languageserver/node';
import type { Analysis } from '../core/analysis';
import { containerById, lensesIn } from '../core/query';
import { maskProviderSecrets as mask } from '../core/redact';
import { explainContainer } from '../core/runtime/explain';
import { formatExplanation } from '../cli/explain';

/** The client command a lens runs: arguments `[uri, containerId]`. */
export const EXPLAIN_COMMAND = 'deploylint.explainContainer';

export function codeLenses(a: Analysis, path: string, uri: string): CodeLens[] {
  return lensesIn(a, path).map((l) => ({ range: l.range, command: { title: mask(l.title), command: EXPLAIN_COMMAND, arguments: [uri, l.containerId] } }));
}

/** `--explain` text of one container, or undefined when no container has that id in this lint. */
export function explainText(a: Analysis, id: string): string | undefined {
  const c = containerById(a, id);
  return c ? mask(formatExplanation(a.rel(c.runner.file), [explainContainer(a, c)])) : undefined;
}
