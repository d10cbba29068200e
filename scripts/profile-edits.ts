// In-process driver for profiling the language server's re-lint: the engine over disk -> retained -> overlay (as the server stacks them), a LintSession, and timed edits of a Dockerfile and of a Python file in a 1,000-file closure.
// Usage: node scripts/profile-edits.mjs [--closure 1000] [--total 10000] [--edits 50]   (bundles this file; add node's --cpu-prof to profile)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DiskFileSystem, OverlayFileSystem, toPosix } from '../server/src/core/fs';
import { lint } from '../server/src/core/lint';
import { RetainedFileSystem } from '../server/src/core/retained-fs';
import { LintSession } from '../server/src/core/session';

export async function profileEdits(generate: (dir: string, closure: number, total: number) => void, dockerfile: string, closure: number, edits: number, only = '', total = closure + 6): Promise<Record<string, unknown>> {
  const dir = toPosix(mkdtempSync(join(tmpdir(), 'deploylint-profile-')));
  try {
    generate(dir, closure, total);
    writeFileSync(`${dir}/notcopied.py`, 'X = 1\n');
    const overlay = new OverlayFileSystem(new RetainedFileSystem(new DiskFileSystem([dir])));
    const session = new LintSession();
    const df = `${dir}/Dockerfile`;
    const py = `${dir}/app/m${Math.floor(closure / 2)}.py`;
    const pyText = readFileSync(py, 'utf8');
    const once = async () => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const r = await lint({ fs: overlay, root: dir }, { session });
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, events: JSON.stringify(session.stats.events), findings: r.findings.map((f) => f.ruleId).join(','), ran: session.stats.ran, reused: session.stats.reused };
    };
    const first = await once();
    const series = async (n: number, edit: (i: number) => void, name: string) => {
      if (only && only !== name) return undefined;
      const times: number[] = [];
      const cpus: number[] = [];
      let last;
      for (let i = 0; i < n; i++) {
        edit(i);
        last = await once();
        times.push(last.ms);
        cpus.push(last.cpuMs);
      }
      const q = (xs: number[]) => {
        xs.sort((a, b) => a - b);
        return `${xs[Math.floor(n / 2)].toFixed(1)} / ${xs[Math.ceil(0.95 * n) - 1].toFixed(1)} / ${xs[n - 1].toFixed(1)}`;
      };
      return { wall: q(times), cpu: q(cpus), last };
    };
    const token = (i: number) => 'ghp_' + String(i).padStart(6, '0') + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5';
    const pySecret = await series(edits, (i) => overlay.set(py, pyText + '\n'.repeat(1 + (i % 2)) + `API_TOKEN_${i} = "${token(i)}"\n`), 'python');
    const pyImport = await series(edits, (i) => overlay.set(py, pyText + (i % 2 ? 'import notcopied\n' : '')), 'import');
    overlay.set(py, pyText);
    const docker = await series(edits, (i) => overlay.set(df, dockerfile + `COPY missing_${i}.py ./\n`), 'docker');
    return { first, pySecret, pyImport, docker };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
