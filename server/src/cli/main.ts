// The deploylint CLI: `deploylint [paths] --format text|json|sarif|github|gitlab`; exit 0 clean, 1 findings at the --fail-on level, 2 usage or internal error.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { DiskFileSystem, relativeInside, toPosix } from '../core/fs';
import { lint, Project } from '../core/lint';
import { BaselineEntry, baselineEntries, formatBaseline, parseBaseline } from '../core/baseline';
import { loadConfig, unknownRuleMessage } from '../core/config';
import { rules as allRules, Rule } from '../core/rules';
import { explain } from '../core/runtime';
import { formatExplanation } from './explain';
import type { Notice } from '../core/analysis';
import type { Finding, Severity } from '../core/types';
import { FORMATS, FormatName, formatNotices, formatReport, FormatOptions } from './format';
import { fixOnDisk } from './fix';
import { DiskParseStore, openParseStore } from './cache';
import { setParseStore } from '../core/python/parser';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

const HELP = `deploylint ${VERSION}: catch Python-in-Docker deploy failures before you deploy

Usage: deploylint [paths...] [options]

  paths              folders (workspaces) or files to lint; default: the current folder

Options:
  -f, --format FMT   text (default), json, sarif, github (workflow annotations) or gitlab (Code Quality)
  -o, --output FILE  write the report to FILE instead of standard output
      --select IDS   run only these rules (comma-separated rule ids; repeatable)
      --ignore IDS   do not run these rules
      --fail-on LVL  exit 1 when a finding is at least LVL: error (default), warning, info or never
      --config FILE  read FILE instead of .deploylint.yaml at the workspace root
      --baseline FILE        report only findings FILE does not record (and say how many it does)
      --write-baseline FILE  record today's findings in FILE (a baseline), report nothing, exit 0
      --fix          apply each finding's preferred fix to the files, then report what is left
      --explain FILE for each container FILE (a Dockerfile or a manifest) defines: where its command
                     came from, what it runs, env, cwd, sys.path, imports, and why rules stayed quiet;
                     the workspace is a folder named in paths that holds FILE, else the nearest .git
      --quiet        report errors only
      --no-color     plain text output (also when NO_COLOR is set or output is not a terminal)
      --no-cache     neither read nor write the parse cache ($XDG_CACHE_HOME/deploylint, else ~/.cache/deploylint)
  -v, --version      print the version
  -h, --help         print this help

Rule ids: ${allRules.map((r) => r.id).join(', ')}

Exit status: 0 no findings at the --fail-on level, 1 such findings, 2 usage, configuration or internal error.
`;

type FailOn = Severity | 'never';

interface Args {
  paths: string[];
  format: FormatName;
  output?: string;
  select: string[];
  ignore: string[];
  failOn: FailOn;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  fix: boolean;
  quiet: boolean;
  color: boolean;
  explain?: string;
  /** Paths were named on the command line (not the default '.'). */
  pathsGiven?: boolean;
  cache: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const a: Args = { paths: [], format: 'text', select: [], ignore: [], failOn: 'error', fix: false, quiet: false, cache: true, color: !process.env.NO_COLOR && !!process.stdout.isTTY };
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
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`unknown format '${v}' (use ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS[FORMATS.length - 1]})`);
      a.format = v as FormatName;
    } else if (x === '-o' || x === '--output' || x.startsWith('--output=')) a.output = val('--output');
    else if (x === '--select' || x.startsWith('--select=')) a.select.push(...ruleIds(val('--select'), '--select'));
    else if (x === '--ignore' || x.startsWith('--ignore=')) a.ignore.push(...ruleIds(val('--ignore'), '--ignore'));
    else if (x === '--fail-on' || x.startsWith('--fail-on=')) {
      const v = val('--fail-on');
      if (!FAIL_ON.includes(v as FailOn)) throw new UsageError(`unknown --fail-on level '${v}' (use ${FAIL_ON.join(', ')})`);
      a.failOn = v as FailOn;
    } else if (x === '--config' || x.startsWith('--config=')) a.config = val('--config');
    else if (x === '--baseline' || x.startsWith('--baseline=')) a.baseline = val('--baseline');
    else if (x === '--write-baseline' || x.startsWith('--write-baseline=')) a.writeBaseline = val('--write-baseline');
    else if (x === '--fix') a.fix = true;
    else if (x === '--explain' || x.startsWith('--explain=')) a.explain = val('--explain');
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--no-color') a.color = false;
    else if (x === '--no-cache') a.cache = false;
    else if (x === '--') a.paths.push(...argv.slice(i + 1)), (i = argv.length);
    else if (x.startsWith('-') && x !== '-') throw new UsageError(`unknown option '${x}' (see --help)`);
    else a.paths.push(x);
  }
  a.pathsGiven = a.paths.length > 0;
  if (!a.paths.length) a.paths.push('.');
  if (a.output) a.color = false;
  return a;
}

const FAIL_ON: FailOn[] = ['error', 'warning', 'info', 'never'];
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Comma-separated rule ids of --select/--ignore; an unknown id is a usage error naming the valid ones. */
function ruleIds(value: string, flag: string): string[] {
  const ids = value.split(',').map((x) => x.trim()).filter(Boolean);
  const known = allRules.map((r) => r.id);
  for (const id of ids) if (!known.includes(id)) throw new UsageError(`${flag}: ${withValidIds(unknownRuleMessage(id, known))}`);
  return ids;
}

/** A message about an unknown rule id, with the valid ids named (the engine's message names them only when none is close). */
function withValidIds(message: string): string {
  return message.startsWith('unknown rule ') && !message.includes('; valid: ') ? `${message} (valid: ${allRules.map((r) => r.id).join(', ')})` : message;
}

/** The rules --select and --ignore leave. */
function selectedRules(a: Args): Rule[] {
  return allRules.filter((r) => (!a.select.length || a.select.includes(r.id)) && !a.ignore.includes(r.id));
}

/** Whether findings make the exit status 1 under --fail-on. */
function fails(findings: Finding[], failOn: FailOn): boolean {
  return failOn !== 'never' && findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

/** Runs the CLI; returns the exit code once the parse cache's writes are done. */
export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const opened: { store?: DiskParseStore } = {};
  try {
    return await run(argv, cwd, opened);
  } finally {
    await opened.store?.flush();
  }
}

async function run(argv: string[], cwd: string, opened: { store?: DiskParseStore }): Promise<number> {
  let args: Args | 'help' | 'version';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
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
  opened.store = args.cache ? openParseStore(VERSION) : undefined;
  setParseStore(opened.store);
  if (args.explain !== undefined) return explainFile(args.explain, args.pathsGiven ? args.paths : [], cwd, posixCwd, args.output);
  const abs = (p: string) => toPosix(nodePath.resolve(cwd, p));
  const configFile = args.config !== undefined ? abs(args.config) : undefined;
  if (configFile !== undefined && !isFile(configFile)) return usage(`--config: no such file: ${args.config}`);
  const baselineFile = args.writeBaseline === undefined && args.baseline !== undefined ? abs(args.baseline) : undefined;
  if (baselineFile !== undefined) {
    if (!isFile(baselineFile)) return usage(`--baseline: no such file: ${args.baseline}`);
    const parsed = parseBaseline(nodeFs.readFileSync(baselineFile, 'utf8'));
    if (typeof parsed === 'string') return usage(`--baseline ${args.baseline}: ${parsed}`);
  }
  const rules = selectedRules(args);
  const all: Finding[] = [];
  const notices: Notice[] = [];
  const noticeText: string[] = [];
  const recorded: BaselineEntry[] = [];
  let baselined = 0;
  const relCwd = (p: string) => relativeInside(posixCwd, p) ?? p;
  let reportRoot = posixCwd;
  for (const p of args.paths) {
    const target = abs(p);
    let st: nodeFs.Stats;
    try {
      st = nodeFs.statSync(target);
    } catch {
      return usage(`no such file or folder: ${p}`);
    }
    const isDir = st.isDirectory();
    const root = isDir ? target : findRoot(target, posixCwd);
    if (args.paths.length === 1) reportRoot = root;
    // The roots the engine may read: the workspace, and exactly the config and baseline files named on the command line.
    const fs = new DiskFileSystem([root, ...[configFile, baselineFile].filter((x): x is string => x !== undefined)]);
    const project: Project = { fs, root, only: isDir ? undefined : (f: string) => f === target, configFile };
    const problems = loadConfig(fs, root, {}, { file: configFile, knownRules: allRules.map((r) => r.id) }).problems;
    if (problems.length) return usage(problems.map((x) => `${relCwd(x.file)}${x.range ? `:${x.line + 1}` : ''}: ${withValidIds(x.message)}`).join('\ndeploylint: '));
    const overrides = args.writeBaseline !== undefined ? { baseline: '' } : baselineFile !== undefined ? { baseline: baselineFile } : {};
    let result = await lint(project, { rules, overrides });
    if (args.fix) result = await fixOnDisk(project, result, { rules, overrides });
    let findings = result.findings;
    if (!isDir) findings = findings.filter((f) => f.file === target || f.related.some((r) => r.file === target) || project.only!(f.file));
    all.push(...findings);
    notices.push(...result.notices);
    baselined += result.baselined;
    const o: FormatOptions = { rel: relCwd, root, version: VERSION };
    noticeText.push(formatNotices(result.notices, o));
    if (args.writeBaseline !== undefined) recorded.push(...baselineEntries(findings, (f) => relativeInside(root, f) ?? f));
  }
  if (args.writeBaseline !== undefined) {
    nodeFs.writeFileSync(abs(args.writeBaseline), formatBaseline(recorded));
    const n = recorded.length;
    process.stderr.write(noticeText.join('') + `deploylint: wrote a baseline of ${n} finding${n === 1 ? '' : 's'} to ${args.writeBaseline}\n`);
    return 0;
  }
  const shown = args.quiet ? all.filter((f) => f.severity === 'error') : all;
  const relRoot = (p: string) => relativeInside(reportRoot, p) ?? p;
  // SARIF and JSON paths are relative to the linted root (SARIF's %SRCROOT%); text, GitHub and GitLab paths to the working folder (the checkout in CI).
  const o: FormatOptions = { rel: args.format === 'sarif' || args.format === 'json' ? relRoot : relCwd, root: reportRoot, version: VERSION, color: args.color, notices, baselined };
  const report = formatReport(args.format, shown, o);
  if (baselined) noticeText.push(`deploylint: ${baselined} finding${baselined === 1 ? '' : 's'} in the baseline not reported\n`);
  process.stderr.write(noticeText.join(''));
  if (args.output) nodeFs.writeFileSync(args.output, report);
  else process.stdout.write(report);
  return fails(all, args.failOn) ? 1 : 0;
}

function usage(message: string): number {
  process.stderr.write(`deploylint: ${message}\n`);
  return 2;
}

function isDir(p: string): boolean {
  try {
    return nodeFs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return nodeFs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `--explain FILE`: the containers the file defines, printed; exit 0, or 2 when the file does not exist. */
async function explainFile(file: string, paths: string[], cwd: string, posixCwd: string, output: string | undefined): Promise<number> {
  const abs = toPosix(nodePath.resolve(cwd, file));
  if (!nodeFs.existsSync(abs) || nodeFs.statSync(abs).isDirectory()) {
    process.stderr.write(`deploylint: --explain needs a file (a Dockerfile or a manifest): ${file}\n`);
    return 2;
  }
  // A workspace folder named on the command line holds the file: explain it as `deploylint <folder>` lints it (same
  // build contexts, compose files and scripts), not from the nearest .git, which an extracted tree may not have.
  const named = paths.map((p) => toPosix(nodePath.resolve(cwd, p))).filter((p) => p !== abs && relativeInside(p, abs) !== undefined && isDir(p));
  const root = named.length ? named.sort((x, y) => y.length - x.length)[0] : findRoot(abs, posixCwd);
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
