// The deploylint CLI: `deploylint [paths] --format text|json|sarif`; exit 0 clean, 1 error findings, 2 usage or internal error.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { DiskFileSystem, relativeInside, toPosix } from '../core/fs';
import { lint } from '../core/lint';
import { explain } from '../core/runtime';
import { formatExplanation } from './explain';
import type { Finding } from '../core/types';
import { formatJson, formatNotices, formatSarif, formatText, FormatOptions } from './format';
import { fixOnDisk } from './fix';
import { openParseStore } from './cache';
import { setParseStore } from '../core/python/parser';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

const HELP = `deploylint ${VERSION}: catch Python-in-Docker deploy failures before you deploy

Usage: deploylint [paths...] [options]

  paths              folders (workspaces) or files to lint; default: the current folder

Options:
  -f, --format FMT   text (default), json or sarif
  -o, --output FILE  write the report to FILE instead of standard output
      --fix          apply each finding's preferred fix to the files, then report what is left
      --explain FILE for each container FILE (a Dockerfile or a manifest) defines: where its command
                     came from, what it runs, env, cwd, sys.path, imports, and why rules stayed quiet
      --quiet        report errors only
      --no-color     plain text output (also when NO_COLOR is set or output is not a terminal)
      --no-cache     neither read nor write the parse cache ($XDG_CACHE_HOME/deploylint, else ~/.cache/deploylint)
  -v, --version      print the version
  -h, --help         print this help

Exit status: 0 no error-level findings, 1 error-level findings, 2 usage or internal error.
`;

interface Args {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  output?: string;
  fix: boolean;
  quiet: boolean;
  color: boolean;
  explain?: string;
  cache: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const a: Args = { paths: [], format: 'text', fix: false, quiet: false, cache: true, color: !process.env.NO_COLOR && !!process.stdout.isTTY };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const val = (name: string) => {
      const eq = x.indexOf('=');
      if (x.startsWith('--') && eq > 0) return x.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (x === '-h' || x === '--help') return 'help';
    if (x === '-v' || x === '--version') return 'version';
    if (x === '-f' || x === '--format' || x.startsWith('--format=')) {
      const v = val('--format');
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`unknown format '${v}' (use text, json or sarif)`);
      a.format = v;
    } else if (x === '-o' || x === '--output' || x.startsWith('--output=')) a.output = val('--output');
    else if (x === '--fix') a.fix = true;
    else if (x === '--explain' || x.startsWith('--explain=')) a.explain = val('--explain');
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--no-color') a.color = false;
    else if (x === '--no-cache') a.cache = false;
    else if (x === '--') a.paths.push(...argv.slice(i + 1)), (i = argv.length);
    else if (x.startsWith('-') && x !== '-') throw new UsageError(`unknown option '${x}' (see --help)`);
    else a.paths.push(x);
  }
  if (!a.paths.length) a.paths.push('.');
  if (a.output) a.color = false;
  return a;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  let args: Args | 'help' | 'version';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`deploylint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const posixCwd = toPosix(cwd);
  setParseStore(args.cache ? openParseStore(VERSION) : undefined);
  if (args.explain !== undefined) return explainFile(args.explain, cwd, posixCwd, args.output);
  const all: Finding[] = [];
  const notices: string[] = [];
  const relCwd = (p: string) => relativeInside(posixCwd, p) ?? p;
  let reportRoot = posixCwd;
  for (const p of args.paths) {
    const abs = toPosix(nodePath.resolve(cwd, p));
    let st: nodeFs.Stats;
    try {
      st = nodeFs.statSync(abs);
    } catch {
      process.stderr.write(`deploylint: no such file or folder: ${p}\n`);
      return 2;
    }
    const isDir = st.isDirectory();
    const root = isDir ? abs : findRoot(abs, posixCwd);
    if (args.paths.length === 1) reportRoot = root;
    const fs = new DiskFileSystem([root]);
    const project = { fs, root, only: isDir ? undefined : (f: string) => f === abs };
    let result = await lint(project);
    if (args.fix) result = await fixOnDisk(project, result);
    let findings = result.findings;
    if (!isDir) findings = findings.filter((f) => f.file === abs || f.related.some((r) => r.file === abs) || project.only!(f.file));
    all.push(...findings);
    const o: FormatOptions = { rel: relCwd, root, version: VERSION };
    notices.push(formatNotices(result.notices, o));
  }
  const shown = args.quiet ? all.filter((f) => f.severity === 'error') : all;
  const relRoot = (p: string) => relativeInside(reportRoot, p) ?? p;
  const o: FormatOptions = { rel: args.format === 'sarif' || args.format === 'json' ? relRoot : relCwd, root: reportRoot, version: VERSION, color: args.color };
  const report = args.format === 'json' ? formatJson(shown, o) : args.format === 'sarif' ? formatSarif(shown, o) : formatText(shown, o);
  process.stderr.write(notices.join(''));
  if (args.output) nodeFs.writeFileSync(args.output, report);
  else process.stdout.write(report);
  return all.some((f) => f.severity === 'error') ? 1 : 0;
}

/** `--explain FILE`: the containers the file defines, printed; exit 0, or 2 when the file does not exist. */
async function explainFile(file: string, cwd: string, posixCwd: string, output: string | undefined): Promise<number> {
  const abs = toPosix(nodePath.resolve(cwd, file));
  if (!nodeFs.existsSync(abs) || nodeFs.statSync(abs).isDirectory()) {
    process.stderr.write(`deploylint: --explain needs a file (a Dockerfile or a manifest): ${file}\n`);
    return 2;
  }
  const root = findRoot(abs, posixCwd);
  const result = await lint({ fs: new DiskFileSystem([root]), root });
  const text = formatExplanation(relativeInside(posixCwd, abs) ?? abs, explain(result.analysis, abs));
  if (output) nodeFs.writeFileSync(output, text);
  else process.stdout.write(text);
  return 0;
}

/** The workspace root for a single file: the nearest ancestor with .git or .deploylint.yaml, else the working folder or the file's folder. */
function findRoot(file: string, cwd: string): string {
  let d = nodePath.posix.dirname(file);
  for (;;) {
    if (nodeFs.existsSync(d + '/.git') || nodeFs.existsSync(d + '/.deploylint.yaml')) return d;
    const up = nodePath.posix.dirname(d);
    if (up === d) break;
    d = up;
  }
  return relativeInside(cwd, file) !== undefined ? cwd : nodePath.posix.dirname(file);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`deploylint: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
