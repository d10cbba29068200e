// python-syntax-error: a file the entrypoint loads does not parse, so the container dies at import.
import type { Analysis } from '../analysis';
import { entryLabel, running } from '../runtime';
import { chainTo } from '../python/closure';
import type { Location } from '../types';
import { chainLocations, sourceOf } from './python-common';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'python-syntax-error',
  meta: {
    description: 'A Python file the entrypoint loads does not parse: the container would die at import.',
    severity: 'error',
    fixable: false,
    docs: {
      why: 'A SyntaxError or IndentationError in any module the entrypoint imports stops the server before it listens; the platform only reports that the container failed to start. The error is shown where it is, with the Dockerfile that would ship it.',
      bad: 'def handler(event):\n    if event:\n        process(event)\n      else:\n        skip(event)',
      good: 'def handler(event):\n    if event:\n        process(event)\n    else:\n        skip(event)',
    },
  },
  check(a: Analysis): Draft[] {
    // One finding per error, even when several images load the file.
    const byKey = new Map<string, Draft>();
    for (const ia of running(a)) {
      // The parser reads Python 3: on Python 2 a `print "x"` statement or a `0L` literal is valid code.
      const py = ia.stage.python;
      if (py?.version && /^2(?:\.|$)/.test(py.version)) {
        if (ia.closure?.files.size) ia.quiet.push(`python-syntax-error: the container runs Python ${py.version} (${py.how}); files are parsed as Python 3, so their syntax is not judged`);
        continue;
      }
      for (const [file, entry] of ia.closure?.files ?? []) {
        const err = entry.info.syntaxErrors[0];
        const src = sourceOf(ia.stage, file);
        if (!err || !src) continue;
        const key = `${src}:${err.range.start.line}:${err.range.start.character}`;
        const chain = chainLocations(a, ia, { chain: chainTo(ia.closure!.files, file) });
        const existing = byKey.get(key);
        if (existing) {
          const also = chain[0];
          if (!existing.related.some((r) => r.file === also.file && r.range.start.line === also.range.start.line && r.message === also.message)) existing.related.push(also);
          continue;
        }
        const related: Location[] = chain;
        byKey.set(key, {
          message: `${/tabs and spaces/.test(err.message) ? 'TabError' : /indent/i.test(err.message) ? 'IndentationError' : 'SyntaxError'}: ${err.message}: the container fails when ${entryLabel(ia)} imports ${file}`,
          file: src,
          range: err.range,
          related,
          fixes: [],
        });
      }
    }
    return [...byKey.values()];
  },
};
