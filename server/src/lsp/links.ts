// Document links (COPY sources, the server target, gunicorn -c, scripts, env_file) and go-to-definition on the target, from the image model.
import type { DocumentLink, Location } from 'vscode-languageserver/node';
import type { Analysis } from '../core/analysis';
import { definitionAt, linksIn } from '../core/query';
import type { Position } from '../core/types';

/** Links in `path`; a target with a known line opens there (`#L<line>`, which VS Code honours). */
export function documentLinks(a: Analysis, path: string, toUri: (p: string) => string): DocumentLink[] {
  return linksIn(a, path).map((l) => ({ range: l.range, target: toUri(l.target) + (l.line !== undefined ? `#L${l.line + 1}` : ''), tooltip: l.tooltip }));
}

export function definition(a: Analysis, path: string, pos: Position, toUri: (p: string) => string): Location | null {
  const d = definitionAt(a, path, pos);
  return d ? { uri: toUri(d.file), range: d.range } : null;
}
