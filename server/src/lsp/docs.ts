// Where a rule's documentation opens from a diagnostic's code link: docs/rules/<id>.md shipped beside the server bundle (in the .vsix and in a checkout), read offline; else the repository's web page.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';

const WEB = 'https://github.com/deploylint/deploylint/blob/main/docs/rules/';
const known = new Map<string, string>();

/** The URI of rule `id`'s documentation; `dir` is the folder holding the shipped docs (default: ../docs/rules from the bundle). */
export function ruleDocUri(id: string, dir = nodePath.resolve(__dirname, '../docs/rules')): string {
  const key = `${dir}\0${id}`;
  let uri = known.get(key);
  if (uri === undefined) {
    const local = nodePath.join(dir, `${id}.md`);
    uri = nodeFs.existsSync(local) ? pathToFileURL(local).href : `${WEB}${id}.md`;
    known.set(key, uri);
  }
  return uri;
}
