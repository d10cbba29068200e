// The one way the engine's fixes reach the disk: confined to the workspace, never through a symlink, keeping the file's encoding, BOM and line endings.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { applyEdits } from './edits';
import { relativeInside, toPosix } from './fs';
import type { TextEdit } from './types';

export interface WriteOutcome {
  file: string;
  /** True when the file changed on disk. */
  written: boolean;
  /** Why nothing was written (absent when the edits changed nothing or were written). */
  refused?: string;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Why `file` may not be written (undefined when it may): outside every root lexically or after
 * resolving symlinks, or a symlink itself or through a linked folder.
 */
export function writeRefusal(roots: string[], file: string): string | undefined {
  const root = roots.find((r) => relativeInside(r, file) !== undefined && file !== r);
  if (!root) return 'outside the workspace';
  let realRoot: string;
  try {
    realRoot = toPosix(nodeFs.realpathSync.native(root));
  } catch {
    return 'the workspace folder is unreadable';
  }
  const rel = relativeInside(root, file)!;
  let at = root;
  for (const seg of rel.split('/')) {
    if (seg === '..' || seg === '.' || seg === '') return 'not a normalised path';
    at = at + '/' + seg;
    let st: nodeFs.Stats;
    try {
      st = nodeFs.lstatSync(at);
    } catch {
      // The rest does not exist yet: its folder must (a fix creates a file, never folders).
      return at === file ? inside(realRoot, nodePath.posix.dirname(file)) : 'its folder does not exist';
    }
    if (st.isSymbolicLink()) return at === file ? 'it is a symbolic link' : `${at} is a symbolic link`;
  }
  return inside(realRoot, file);
}

function inside(realRoot: string, p: string): string | undefined {
  try {
    const real = toPosix(nodeFs.realpathSync.native(p));
    return relativeInside(realRoot, real) === undefined ? 'it resolves outside the workspace' : undefined;
  } catch {
    return 'unreadable';
  }
}

/**
 * Applies LSP-style edits to a file on disk. The edits' positions refer to the text as the engine
 * read it: UTF-8 without its byte-order mark. The BOM and CRLF line endings are kept (new text is
 * written with the file's line ending); a file that is not UTF-8 text is never rewritten.
 * `check(before, after)` may refuse the result (a reason) before anything is written.
 */
export function writeEdits(roots: string[], file: string, edits: TextEdit[], check?: (before: string, after: string) => string | undefined): WriteOutcome {
  const refusal = writeRefusal(roots, file);
  if (refusal) return { file, written: false, refused: refusal };
  const NOFOLLOW = nodeFs.constants.O_NOFOLLOW ?? 0;
  let fd: number;
  let exists = true;
  try {
    fd = nodeFs.openSync(file, nodeFs.constants.O_RDWR | NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { file, written: false, refused: `cannot open it (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
    exists = false;
    try {
      fd = nodeFs.openSync(file, nodeFs.constants.O_RDWR | nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL | NOFOLLOW, 0o644);
    } catch (e2) {
      return { file, written: false, refused: `cannot create it (${(e2 as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  try {
    const bytes = exists ? nodeFs.readFileSync(fd) : Buffer.alloc(0);
    const bom = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b);
    const body = bom ? bytes.subarray(3) : bytes;
    if (body.includes(0)) return { file, written: false, refused: 'it is a binary file' };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return { file, written: false, refused: 'it is not UTF-8 text' };
    }
    const crlf = /\r\n/.test(text) && !/(^|[^\r])\n/.test(text);
    const normalised = edits.map((e) => ({ ...e, newText: crlf ? e.newText.replace(/\r?\n/g, '\r\n') : e.newText }));
    const next = applyEdits(text, normalised);
    if (next === text) return { file, written: false };
    const why = check?.(text, next);
    if (why) return { file, written: false, refused: why };
    const out = Buffer.concat([bom ? Buffer.from(BOM) : Buffer.alloc(0), Buffer.from(next, 'utf8')]);
    nodeFs.ftruncateSync(fd, 0);
    nodeFs.writeSync(fd, out, 0, out.length, 0);
    return { file, written: true };
  } finally {
    nodeFs.closeSync(fd);
    if (!exists && nodeFs.existsSync(file) && nodeFs.statSync(file).size === 0) {
      // A file created for edits that were then refused or empty is removed again.
      try {
        if (nodeFs.readFileSync(file).length === 0) nodeFs.unlinkSync(file);
      } catch {
        /* leave it */
      }
    }
  }
}
