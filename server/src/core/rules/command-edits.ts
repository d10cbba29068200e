// Edits to the command line a container runs, in the Dockerfile or the manifest that writes it (fixes of entrypoint-target, port-mismatch, worker-timeout-too-short), in the source's own form.
import { ContainerEntry, sourceOfArg } from '../container';
import type { ArgRef } from '../entrypoint';
import type { Range, TextEdit } from '../types';

/** Text at a range of `lines` (single-line ranges only). */
function textAt(lines: string[], r: Range): string | undefined {
  if (r.start.line !== r.end.line) return undefined;
  return lines[r.start.line]?.slice(r.start.character, r.end.character);
}

/**
 * An edit replacing an argument's value, in the form the instruction uses: a shell word (quoted or not), a JSON
 * string (`"30"`), or the value part of a JSON element (`"--timeout=30"`). Undefined when the source
 * text does not match what was parsed (the argument came through a variable or a script).
 */
export function replaceArgEdit(file: string, lines: string[], ref: ArgRef, value: string): TextEdit | undefined {
  if (!ref.range) return undefined;
  const raw = textAt(lines, ref.range);
  if (raw === undefined) return undefined;
  if (raw === ref.value) return { file, range: ref.range, newText: value };
  if (raw === `'${ref.value}'` && !value.includes("'")) return { file, range: ref.range, newText: `'${value}'` };
  if (raw.startsWith('"')) {
    let el: unknown;
    try {
      el = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (el === ref.value) return { file, range: ref.range, newText: JSON.stringify(value) };
    if (typeof el === 'string' && ref.start !== undefined && ref.end !== undefined && el.slice(ref.start, ref.end) === ref.value) {
      return { file, range: ref.range, newText: JSON.stringify(el.slice(0, ref.start) + value + el.slice(ref.end)) };
    }
  }
  return undefined;
}

/**
 * An edit inserting options into a server's command line just before (`before`) or after an argument
 * (the app target), as JSON elements in exec form or words in shell form.
 */
export function insertOptionsEdit(file: string, lines: string[], ref: ArgRef | undefined, words: string[], where: 'before' | 'after'): TextEdit | undefined {
  if (!ref?.range) return undefined;
  const raw = textAt(lines, ref.range);
  if (raw === undefined) return undefined;
  const json = raw.startsWith('"') && raw !== ref.value;
  if (json && ref.start !== undefined) return undefined;
  if (!json && raw !== ref.value) return undefined;
  const text = json ? words.map((w) => JSON.stringify(w)).join(', ') : words.join(' ');
  const at = where === 'before' ? ref.range.start : ref.range.end;
  const newText = where === 'before' ? text + (json ? ', ' : ' ') : (json ? ', ' : ' ') + text;
  return { file, range: { start: at, end: at }, newText };
}

/** Where an argument of a container's command is written: the Dockerfile or the manifest that overrides the command. */
export function argFile(entry: ContainerEntry, ref: ArgRef | undefined): { file: string; lines: string[] } | undefined {
  const s = sourceOfArg(entry, ref?.range);
  return s ? { file: s.file, lines: s.lines } : undefined;
}

/** `replaceArgEdit` in the file the argument is written in. */
export function replaceCommandArg(entry: ContainerEntry, ref: ArgRef, value: string): TextEdit | undefined {
  const f = argFile(entry, ref);
  return f ? replaceArgEdit(f.file, f.lines, ref, value) : undefined;
}

/** `insertOptionsEdit` in the file the argument is written in. */
export function insertCommandOptions(entry: ContainerEntry, ref: ArgRef | undefined, words: string[], where: 'before' | 'after'): TextEdit | undefined {
  const f = argFile(entry, ref);
  return f ? insertOptionsEdit(f.file, f.lines, ref, words, where) : undefined;
}
