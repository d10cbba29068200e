// Measures the suppression check (directives scanned in every discovered file) after one lint, as the server re-lints with disk answers kept: `node -r ./test/register.js scripts/bench-suppressions.ts DIR...`.
import { DiskFileSystem } from '../server/src/core/fs';
import { lint } from '../server/src/core/lint';
import { RetainedFileSystem } from '../server/src/core/retained-fs';
import { rules } from '../server/src/core/rules';
import { applySuppressions } from '../server/src/core/suppressions';

(async () => {
  for (const root of process.argv.slice(2)) {
    const fs = new RetainedFileSystem(new DiskFileSystem([root]));
    const started = Date.now();
    const r = await lint({ fs, root });
    const lintMs = Date.now() - started;
    const l = r.analysis.files;
    const files = [...l.dockerfiles, ...l.yamlFiles, ...l.scripts, ...l.envFiles, ...l.pythonFiles];
    const read = (f: string) => {
      const x = fs.read(f);
      return 'text' in x ? x.text : undefined;
    };
    const ids = rules.map((x) => x.id);
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t = process.hrtime.bigint();
      applySuppressions(r.findings, (f) => r.analysis.text(f), { knownRules: ids, ranRules: ids, files, read });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${root}: first lint ${lintMs} ms; ${files.length} files checked for suppressions; check after it: median ${times[6].toFixed(1)} ms, min ${times[0].toFixed(1)} ms (12 runs)`);
  }
})();
