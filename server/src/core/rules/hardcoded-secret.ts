// hardcoded-secret: a literal credential in Python, a Dockerfile ENV/ARG/RUN, YAML/JSON values, a committed .env or key file.
import { settingsOverrides } from '../secrets/settings-override';
import type { Analysis } from '../analysis';
import { parseDockerfile, ParsedDockerfile } from '../docker/parse';
import { basename, dirname, join, normalize } from '../fs';
import { parseFile } from '../imports';
import type { Workload, EnvVar } from '../manifests';
import type { PyFileInfo } from '../python/parser';
import { describeSecret, scanValue } from '../secrets';
import {
  DockerHit,
  envFallbacks,
  PyHit,
  scanDockerfile,
  scanDotenvText,
  scanJson,
  scanKeyFile,
  scanKeyValueLines,
  scanPython,
  scanYaml,
  pythonMayHoldSecret,
  SecretHit,
  TextIndex,
  YamlHit,
} from '../secrets/files';
import { localDevCertificate } from '../secrets/dev-cert';
import { GitIgnore } from '../secrets/gitignore';
import { appendLineFix } from '../secrets/ignore-fix';
import { credentialFilesInImages, inNoImage, isTestStandIn, MAX_SCAN_BYTES } from '../secrets/in-image';
import { envNameFor, isTestPath, lowerKebab, upperSnake } from '../secrets/names';
import { ENV_TEMPLATE, fileScanContext, generatedReason, isLocalDevComposeFile } from '../secrets/origin';
import type { FileScanContext } from '../secrets/files';
import type { Fix, Range, TextEdit } from '../types';
import type { Draft, Rule } from './rule';


export const rule: Rule = {
  id: 'hardcoded-secret',
  meta: {
    description: 'A literal credential in Python code, a Dockerfile ENV/ARG/RUN, YAML or JSON values, or a .env or key file that git would commit.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'A key written into code, an image or a committed file leaks to everyone who can read the repository or pull the image (ENV and ARG values stay in `docker history`), and rotating it means a redeploy. Read it from the environment at run time instead. Placeholders (`your-api-key-here`, `changeme`, `<KEY>`, `${VAR}`, `{{ .Values.x }}`, `${{ secrets.X }}`), lookups and documentation keys are not reported; in test code and test data (`test_*.py`, `*_test.py`, `conftest.py`, `tests/`, `fixtures/`, mocks, compose files for CI or end-to-end tests such as `.ci/compose.ci.yaml` or `docker-compose.test.yml`, and, in a compose file or CI workflow (which start the services they configure), a key beside an endpoint of the same prefix on loopback, `X_URL: http://localhost:5001` with `X_KEY`) only provider-format keys whose shape is certain (a checksum or marker that holds) are reported, as warnings; database URL passwords there are not, nor anywhere those of a test database on loopback (a `test` user, database or variable name, such as `JUPYTERHUB_TEST_DB_URL` on 127.0.0.1 in a CI step). Values that are not credentials are not reported: versions and digests, password hashes, URLs without a password, document ids, function calls written as text (a SQL sharding key `cityHash64(trace_id)`), and in example or dev env files and local compose files the passwords of local data services and database URLs whose host is local (`localhost`, a service name such as `db`). The `data` values of a Kubernetes Secret are judged by what they decode to. Lockfiles and generated or minified files are not scanned. A `.env` (or key file) is reported only when it is in a git repository that does not ignore it; one that a COPY puts into an image is reported once, by `secret-in-image`; a Python or YAML file that git ignores and no image copies (a Django `local_settings.py`) is not reported either. JSON data under a test folder (a scanner report a parser test reads), RSA keys under 1024 bits in test code, and test files named as stand-ins (`tests/sa-NONEXISTING.json`, `fake_server.key`) get a notice instead of a finding. Messages show the provider, a short prefix and the length, never the secret.',
      bad: 'OPENAI_API_KEY = "sk-proj-…"',
      good: 'import os\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]',
    },
  },
  check(a: Analysis): Draft[] {
    const out: Draft[] = [];
    const scan = new Scanner(a, out);
    // What these scans report is a function of the file's text and its scan context: kept across lints (Analysis.remember).
    for (const f of a.files.pythonFiles) scan.local(f, () => scan.unshipped(f, () => scan.overridden(f, () => scan.remembered('python', f, () => scan.python(f)))));
    for (const f of a.files.dockerfiles) scan.remembered('dockerfile', f, () => scan.dockerfile(f));
    for (const f of a.files.yamlFiles) scan.local(f, () => scan.remembered('yaml', f, () => scan.yaml(f)));
    for (const f of a.files.envFiles) scan.dotenv(f);
    for (const f of a.files.otherFiles) scan.other(f);
    return out;
  },
};

/** `fileScanContext` answers by path (pure: a function of the workspace-relative path), so that a re-lint of a large workspace does not test every path's name again. */
const scanContexts = new Map<string, FileScanContext>();

/** A context's local-development variant (an env file a local compose stack loads), one object per context. */
const localDevContexts = new WeakMap<FileScanContext, FileScanContext>();
/** A context as the replay key compares it: contexts are shared objects (above), so each is serialised once. */
const contextKeys = new WeakMap<FileScanContext, string>();

function contextKey(c: FileScanContext): string {
  let k = contextKeys.get(c);
  if (k === undefined) contextKeys.set(c, (k = JSON.stringify(c)));
  return k;
}

class Scanner {
  private readonly git: GitIgnore;
  /** Credential files that reach an image: secret-in-image reports them (one finding per problem). */
  private readonly inImages: ReadonlySet<string>;

  constructor(
    private readonly a: Analysis,
    private readonly out: Draft[],
  ) {
    this.git = new GitIgnore(a.fs, a.root);
    this.inImages = new Set(credentialFilesInImages(a).keys());
  }

  /**
   * Runs `scan`; for a file git ignores that no image copies (a Django `local_settings.py`, a compose override kept
   * out of both), what it found is not committed and not shipped: one notice says so instead of findings.
   */
  local(file: string, scan: () => void): void {
    if (!this.git.isIgnored(file) || !inNoImage(this.a, file)) return scan();
    const before = this.out.length;
    scan();
    const found = this.out.splice(before);
    if (found.length) {
      const n = found.length === 1 ? 'a secret' : `${found.length} secrets`;
      this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)} holds ${n}, but git ignores it and no image copies it, so neither the repository nor an image has ${found.length === 1 ? 'it' : 'them'}` });
    }
  }

  /**
   * Runs `scan`; a literal in a Django base settings file that the settings module every container loading it assigns
   * again (`SECRET_KEY = os.environ[...]` after `from .base import *`) is not what any container runs with: a notice
   * says so instead of the finding (taiga, bakerydemo: the dev key of base.py, replaced by production settings).
   */
  overridden(file: string, scan: () => void): void {
    const before = this.out.length;
    scan();
    const names = this.out.length > before ? settingsOverrides(this.a).get(file) : undefined;
    if (!names?.size) return;
    const info = parseFile(this.a, file);
    if (!info) return;
    const kept = this.out.splice(before).filter((d) => {
      const asg = info.assignments.find((x) => !x.fn && !x.cls && contains(x.valueRange, d.range));
      const how = asg ? names.get(asg.target) : undefined;
      if (!how) return true;
      this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)}:${d.range.start.line + 1} ${asg!.target} is a literal, but ${how} from something that is not a literal, so no container runs with it` });
      return false;
    });
    this.out.push(...kept);
  }

  /** Runs `scan`; for a source file no image receives (a test folder .dockerignore drops), the message says only the code has it. */
  unshipped(file: string, scan: () => void): void {
    const before = this.out.length;
    scan();
    if (this.out.length === before || !this.a.targets.length || !inNoImage(this.a, file)) return;
    // New objects: the drafts may be the ones an earlier lint remembered.
    const mine = this.out.splice(before);
    this.out.push(...mine.map((d) => ({ ...d, message: d.message.replace(': anyone with the code or the image has it;', ': anyone with the code has it (no image receives this file);') })));
  }

  /** Runs `scan` for a file, or replays what it reported for the same text and scan context in an earlier lint. */
  remembered(kind: string, file: string, scan: () => void): void {
    const text = this.a.text(file);
    if (text === undefined) return scan();
    const inputs = contextKey(this.context(file));
    const got = this.a.remember(`hardcoded-secret/${kind}`, file, inputs, () => {
      const drafts = this.out.length;
      const notices = this.a.notices.length;
      scan();
      return { drafts: this.out.splice(drafts), notices: this.a.notices.splice(notices) };
    }, text);
    this.out.push(...got.drafts);
    this.a.notices.push(...got.notices.map((n) => ({ ...n })));
  }

  /** The file's text to scan; undefined (with a notice where it helps) when too large, or generated/minified code or data. */
  private read(file: string, generatedToo = false): TextIndex | undefined {
    const text = this.a.text(file);
    if (text === undefined) return undefined;
    if (text.length > MAX_SCAN_BYTES) {
      this.a.notices.push({ file, cause: 'not-scanned', message: 'not scanned for secrets: larger than 1 MiB' });
      return undefined;
    }
    const generated = generatedToo ? undefined : generatedReason(basename(file), text);
    if (generated) {
      if (scanValue(text).length) this.a.notices.push({ file, cause: 'not-scanned', message: `not scanned for secrets: ${generated}` });
      return undefined;
    }
    return new TextIndex(text);
  }

  private context(file: string, compose = false): FileScanContext {
    const rel = this.a.rel(file);
    const key = (compose ? 'c\0' : '\0') + rel;
    let base = scanContexts.get(key);
    if (!base) {
      if (scanContexts.size >= 200_000) scanContexts.clear();
      scanContexts.set(key, (base = fileScanContext(rel, { compose })));
    }
    if (!this.localComposeEnvFiles().has(file)) return base;
    let local = localDevContexts.get(base);
    if (!local) localDevContexts.set(base, (local = { ...base, localDev: true }));
    return local;
  }

  private composeEnvFiles: Set<string> | undefined;

  /** Env files that a local-development compose file loads with `env_file`: the settings of that local stack. */
  private localComposeEnvFiles(): Set<string> {
    if (this.composeEnvFiles) return this.composeEnvFiles;
    const out = new Set<string>();
    for (const y of this.a.files.yamlFiles) {
      if (!isLocalDevComposeFile(this.a.rel(y))) continue;
      for (const wl of this.a.manifests(y)?.workloads ?? []) {
        if (wl.platform !== 'compose') continue;
        for (const c of wl.containers) for (const f of c.envFiles ?? []) out.add(normalize(join(dirname(y), f.value)));
      }
    }
    return (this.composeEnvFiles = out);
  }

  private push(file: string, hit: SecretHit, message: string, fixes: Fix[], related: Draft['related'] = []): void {
    const test = isTestPath(this.a.rel(file)) || this.context(file).testData;
    if (test && hit.match.detector === 'private-key' && weakKeyBody(hit.value)) {
      // A key too short to protect anything (RSA under 1024 bits), in test code: a fixture that signs fake tokens.
      this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)}:${hit.range.start.line + 1} holds a private key too short for real use (under 1024 bits) in test code: a test fixture` });
      return;
    }
    this.out.push({
      message: `${describeSecret(hit.match, hit.value)} ${message}`,
      file,
      range: hit.range,
      related,
      fixes,
      ...(test ? { severity: 'warning' as const } : {}),
    });
  }

  // -------------------------------------------------------------- Python

  python(file: string): void {
    const ix = this.read(file);
    if (!ix || !pythonMayHoldSecret(ix.text)) return;
    const info = parseFile(this.a, file);
    if (!info) return;
    const hits = scanPython(ix, info, this.context(file));
    if (!hits.length) return;
    const importOs = importOsEdit(file, ix, info, hits);
    for (const h of hits) {
      const fallback = envDefault(info, h);
      if (fallback) {
        const fix: Fix = { title: `Remove the fallback value of ${fallback.callee}()`, edits: [{ file, range: fallback.range, newText: '' }], isPreferred: true };
        this.push(file, h, `is hardcoded as the fallback of ${fallback.callee}(): anyone with the code or the image has it; drop the fallback and set the variable`, [fix]);
        continue;
      }
      const name = envNameFor(h.match, h.name);
      const fix = pythonFix(file, ix, info, h, name, importOs);
      const how = `os.environ["${name}"]`;
      this.push(file, h, `is hardcoded in the source: anyone with the code or the image has it; read it from the environment (${how})`, fix ? [fix] : []);
    }
  }

  // -------------------------------------------------------------- Dockerfile

  dockerfile(file: string): void {
    const ix = this.read(file, true);
    if (!ix) return;
    const parsed: ParsedDockerfile = this.a.targets.find((t) => t.dockerfile === file)?.parsed ?? parseDockerfile(ix.text);
    const hits = scanDockerfile(ix, parsed, this.context(file));
    for (const h of hits) {
      const kw = h.instr.keyword;
      const name = kw === 'RUN' ? envNameFor(h.match, h.name) : h.name ?? envNameFor(h.match);
      if (kw === 'RUN') {
        this.push(file, h, `is written into a RUN command, which stays in the image history; use RUN --mount=type=secret,id=${lowerKebab(name)} and read /run/secrets/${lowerKebab(name)}`, []);
        continue;
      }
      const fix = dockerfileFix(file, parsed, h, hits);
      const msg = kw === 'ENV'
        ? `is baked into the image by ENV ${name} (docker inspect and docker history show it); pass it at run time instead (docker run -e ${name}, or the platform's secrets)`
        : `is the value of ARG ${name}, which stays in the image history; pass build-time secrets with RUN --mount=type=secret,id=${lowerKebab(name)}, run-time ones with docker run -e ${name}`;
      this.push(file, h, msg, [fix]);
    }
  }

  // -------------------------------------------------------------- YAML

  yaml(file: string): void {
    const ix = this.read(file);
    if (!ix || !mayHoldSecret(ix.text)) return;
    const compose = (this.a.manifests(file)?.workloads ?? []).some((w) => w.platform === 'compose');
    const rel = this.a.rel(file);
    const workflow = /(^|\/)\.github\/workflows\//.test(rel);
    // A CI workflow starts the services its jobs use (service containers, a database on the runner): a database URL on
    // localhost there is the job's set-up.
    const base = this.context(file, compose);
    const hits = scanYaml(ix, workflow ? { ...base, ciWorkflow: true } : base, { localServices: compose || workflow });
    if (!hits.length) return;
    const envs = envVarsByValue(this.a, file);
    for (const h of hits) {
      const env = [...envs].find(([r]) => contains(r, h.range))?.[1];
      if (env && h.defaultOf && env.wl.platform === 'compose') {
        // The default of `${NAME:-...}`: every `docker compose up` without NAME set (no .env, no export) runs with it.
        const name = h.defaultOf;
        const fix: Fix = { title: `Require ${name} instead of defaulting it: \${${name}:?set ${name}}`, edits: [{ file, range: h.scalarRange, newText: `"\${${name}:?set ${name}}"` }], isPreferred: true };
        const before = this.out.length;
        this.push(file, h, `is hardcoded as the default of \${${name}:-...} in the environment of compose service '${env.wl.name ?? '?'}': whoever starts it without ${name} set runs with this value, which anyone with the code has; require the variable instead (\${${name}:?...})`, [fix]);
        // Used only when the operator sets nothing: it builds and runs, so a warning.
        for (const d of this.out.slice(before)) d.severity = 'warning';
        continue;
      }
      // A default elsewhere than a compose service's environment (a template, another tool's file) is not judged.
      if (h.defaultOf) continue;
      if (env) {
        const { wl, e } = env;
        const where = wl.platform === 'compose' ? `the environment of compose service '${wl.name ?? '?'}'` : `env ${e.name} of ${wl.kind} '${wl.name ?? '?'}'`;
        const advice = wl.platform === 'compose'
          ? `use \${${e.name}} and set it in the shell or a git-ignored .env`
          : wl.platform === 'cloudrun' ? 'reference a Secret Manager secret (valueFrom.secretKeyRef)' : 'reference a Secret (valueFrom.secretKeyRef)';
        const fix = wl.platform === 'compose' ? composeFix(file, h, e) : kubeFix(file, h, wl, e);
        this.push(file, h, `is hardcoded in ${where}; ${advice}`, fix ? [fix] : []);
        continue;
      }
      if (workflow) {
        // A step's `run:` script is no secret's name, and replacing the script with a reference would drop the step.
        const secret = h.name !== undefined && h.keyRange && !(h.path[h.path.length - 1] === 'run' && h.path.includes('steps')) ? upperSnake(h.name) : undefined;
        const fix: Fix[] = secret
          ? [{ title: `Use \${{ secrets.${secret} }} (add the repository secret ${secret})`, edits: [{ file, range: h.scalarRange, newText: h.inFlow ? `"\${{ secrets.${secret} }}"` : `\${{ secrets.${secret} }}` }], isPreferred: true }]
          : [];
        this.push(file, h, `is hardcoded in the workflow; use \${{ secrets.${secret ?? 'NAME'} }}`, fix);
        continue;
      }
      const key = h.path.length ? ` at ${h.path.join('.')}` : '';
      this.push(file, h, `is hardcoded in ${basename(file)}${key}; read it from the environment or a secret store`, []);
    }
  }

  // -------------------------------------------------------------- .env and other files

  dotenv(file: string): void {
    if (this.git.isIgnored(file) || this.inImages.has(file)) return;
    const ix = this.read(file, true);
    if (!ix) return;
    const hits = scanDotenvText(ix.text, this.context(file));
    const rel = this.a.rel(file);
    if (ENV_TEMPLATE.test(basename(file))) {
      for (const h of hits) {
        const fix: Fix = { title: `Leave ${h.entry.name} empty in the template`, edits: [{ file, range: h.entry.valueRange, newText: '' }], isPreferred: true };
        this.push(file, h, `is the value of ${h.entry.name} in ${rel}, a template meant to be committed; leave it empty or write a placeholder`, [fix]);
      }
      return;
    }
    this.committedFile(file, hits, 'in');
  }

  other(file: string): void {
    const name = basename(file).toLowerCase();
    if (this.git.isIgnored(file) || this.inImages.has(file)) return;
    if (isTestStandIn(this.a.rel(file))) {
      const text = this.a.text(file);
      if (text !== undefined && text.length <= MAX_SCAN_BYTES && scanValue(text).length) this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)} holds what looks like a secret, but it is a test's stand-in by its name` });
      return;
    }
    const ix = this.read(file, !name.endsWith('.json'));
    if (!ix) return;
    const base = this.context(file);
    if (name.endsWith('.json')) {
      let hits = scanJson(ix, base);
      // Firebase's Android config (google-services.json) ships the app's Google API key by design: the key identifies the
      // Firebase project to Google and is restricted by the project's rules, not kept secret (Firebase docs, "Learn about using and managing API keys for Firebase").
      if (name === 'google-services.json' && hits.some((h) => h.match.detector === 'google-api-key')) {
        this.a.notices.push({ file, cause: 'not-reported', message: `not reported: the Google API key in ${this.a.rel(file)} is a Firebase client configuration value, public by design (it is not a secret)` });
        hits = hits.filter((h) => h.match.detector !== 'google-api-key');
      }
      if (hits.some((h) => h.match.detector === 'gcp-service-account')) this.committedFile(file, hits, 'in the service-account key file');
      else if (hits.length && isTestPath(this.a.rel(file))) {
        // Data under a test folder (a scanner report a parser test reads, a recorded response): input of the tests, whose values belong to what was recorded, not credentials the service uses.
        this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)} holds ${hits.length === 1 ? 'a value that looks like a secret' : `${hits.length} values that look like secrets`}, but it is data under a test folder` });
      } else if (hits.length && /(?:^|\/)events?\/[^/]+\.json$/i.test(this.a.rel(file)) && !this.inImages.has(file)) {
        // `sam local invoke -e events/event.json`: recorded invocation payloads (a Step Functions task token, an API Gateway request), not credentials.
        this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)} holds ${hits.length === 1 ? 'a value that looks like a secret' : `${hits.length} values that look like secrets`}, but it is a sample invocation event (events/ folder) that no image copies` });
      }
      else for (const h of hits) this.push(file, h, `is hardcoded in ${basename(file)}${'path' in h ? ` at ${(h as YamlHit).path.join('.')}` : ''}; read it from the environment or a secret store`, []);
    } else if (name === '.npmrc') {
      for (const h of scanKeyValueLines(ix, base)) {
        const start = { line: h.range.start.line, character: h.range.start.character - h.match.start };
        const end = { line: start.line, character: start.character + h.value.length };
        const fix: Fix = { title: 'Use ${NPM_TOKEN} (npm reads it from the environment)', edits: [{ file, range: { start, end }, newText: '${NPM_TOKEN}' }], isPreferred: true };
        this.push(file, h, `is hardcoded in ${this.a.rel(file)}; write \${NPM_TOKEN} and set the variable where npm runs`, [fix]);
      }
    } else if (name === '.pypirc') {
      this.committedFile(file, scanKeyValueLines(ix, base), 'in');
    } else {
      const hits = scanKeyFile(ix);
      const cert = hits.some((h) => h.match.detector === 'private-key') ? localDevCertificate(this.a.fs, file, ix.text) : undefined;
      if (cert) {
        this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${this.a.rel(file)} is the private key of ${cert} beside it, a self-signed certificate for localhost only: a local development key that authenticates nothing` });
        return;
      }
      this.committedFile(file, hits, 'in the key file');
    }
  }

  /**
   * A file that holds secrets by design and that git would commit: one finding at its first
   * secret (the others as related locations), fixed by ignoring the file. Outside a git
   * repository nothing is committed: a notice says so instead.
   */
  private committedFile(file: string, hits: SecretHit[], what: string): void {
    if (!hits.length) return;
    const rel = this.a.rel(file);
    if (!this.git.repository(file)) {
      this.a.notices.push({ file, cause: 'not-reported', message: `not reported: ${rel} holds ${describeSecret(hits[0]!.match, hits[0]!.value)}, but it is in no git repository of the workspace, so nothing commits it` });
      return;
    }
    const [first, ...rest] = hits;
    const more = rest.length ? `and ${rest.length} more secret${rest.length === 1 ? '' : 's'}` : '';
    const related = rest.map((h) => ({ file, range: h.range, message: describeSecret(h.match, h.value) }));
    const fix = appendLineFix(this.a, join(this.a.root, '.gitignore'), rel, `Add ${rel} to .gitignore`);
    const them = rest.length ? 'them' : 'it';
    const were = rest.length ? 'they were' : 'it was';
    this.push(file, first, `${more ? more + ' ' : ''}${what} ${rel}, which git does not ignore: committing it leaks ${them}; add the file to .gitignore, and if git already tracks it also run git rm --cached ${rel} (rotate ${them} if ${were} ever pushed)`, [fix], related);
  }
}

/** Cheap pre-filter: a file without any character run that could be a secret is not parsed. */
function mayHoldSecret(text: string): boolean {
  return /[A-Za-z0-9+/_-]{8}/.test(text);
}

function contains(outer: Range, inner: Range): boolean {
  const le = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

// ---------------------------------------------------------------- Python fixes

/**
 * `import os` where a module's imports start: after leading comments, the module docstring and
 * `from __future__` imports. The edit replaces the first character of that line by
 * `import os` + newline + the character, so that identical edits from several findings overlap
 * and apply once; undefined when `os` is already imported at module level.
 */
function importOsEdit(file: string, ix: TextIndex, info: PyFileInfo, hits: PyHit[]): TextEdit | undefined {
  if (info.topLevelNames.includes('os') && info.imports.some((i) => i.kind === 'import' && i.scope === 'module' && (i.module === 'os' || i.module.startsWith('os.')))) return undefined;
  const lines = ix.text.split('\n');
  const eol = ix.text.includes('\r\n') ? '\r\n' : '\n';
  let l = 0;
  while (l < lines.length && /^\s*(#.*)?\r?$/.test(lines[l]!)) l++;
  const doc = l < lines.length ? /^([rRuU]?)("""|'''|"|')/.exec(lines[l]!) : null;
  if (doc) {
    const q = doc[2]!;
    const startCol = doc[0].length;
    let ln = l;
    let col = startCol;
    for (;;) {
      const s = lines[ln]!;
      let found = -1;
      for (let c = col; c < s.length; c++) {
        if (s[c] === '\\') c++;
        else if (s.startsWith(q, c)) {
          found = c;
          break;
        }
      }
      if (found >= 0 || ln + 1 >= lines.length || q.length === 1) break;
      ln++;
      col = 0;
    }
    l = ln + 1;
  }
  for (const i of info.imports) if (i.module === '__future__') l = Math.max(l, i.stmtRange.end.line + 1);
  if (l >= lines.length || (l === lines.length - 1 && lines[l] === '')) {
    const last = lines.length - 1;
    const end = { line: last, character: lines[last]!.length };
    return { file, range: { start: end, end }, newText: (lines[last] === '' ? '' : eol) + 'import os' + eol };
  }
  const at = { line: l, character: 0 };
  const s = lines[l]!;
  const clash = hits.some((h) => h.str.range.start.line === l && h.str.range.start.character === 0);
  if (clash || /^[\uD800-\uDBFF]/.test(s)) return { file, range: { start: at, end: at }, newText: 'import os' + eol };
  if (s === '') return { file, range: { start: at, end: { line: l + 1, character: 0 } }, newText: 'import os' + eol + eol };
  return { file, range: { start: at, end: { line: l, character: 1 } }, newText: 'import os' + eol + s[0] };
}

/** `os.getenv("X", "<secret>")`, `os.environ.get(...)`, `environ.setdefault(...)`: the literal is the fallback; the fix deletes it (and its comma). */
function envDefault(info: PyFileInfo, h: PyHit): { callee: string; range: Range } | undefined {
  const same = (x: Range, y: Range) => x.start.line === y.start.line && x.start.character === y.start.character && x.end.line === y.end.line && x.end.character === y.end.character;
  for (const { call: c, fallback } of envFallbacks(info)) {
    if (!same(fallback.valueRange, h.str.range)) continue;
    const i = c.args.indexOf(fallback);
    return { callee: c.callee, range: { start: c.args[i - 1]!.range.end, end: c.args[i]!.range.end } };
  }
  return undefined;
}

/** Other literals implicitly concatenated with this one (`"a" "b"`): replacing one part alone would not work. */
function isConcatenated(ix: TextIndex, info: PyFileInfo, h: PyHit): boolean {
  const start = ix.offset(h.str.range.start);
  const end = ix.offset(h.str.range.end);
  return info.strings.some((s) => {
    if (s === h.str) return false;
    const s0 = ix.offset(s.range.start);
    const s1 = ix.offset(s.range.end);
    const between = s1 <= start ? ix.text.slice(s1, start) : s0 >= end ? ix.text.slice(end, s0) : 'x';
    return /^[\s\\]*$/.test(between);
  });
}

/**
 * The literal replaced by `os.environ["NAME"]` when the secret is the whole value (or a
 * database/webhook URL, which is configuration as a whole); when it is part of a one-line
 * literal (`"Bearer <token>"`), an f-string reading just the secret. Bytes literals, f-strings
 * and implicit concatenations get no fix.
 */
function pythonFix(file: string, ix: TextIndex, info: PyFileInfo, h: PyHit, name: string, importOs: TextEdit | undefined): Fix | undefined {
  const s = h.str;
  if (s.isFString) return undefined;
  const src = ix.text.slice(ix.offset(s.range.start), ix.offset(s.range.end));
  const prefix = /^[A-Za-z]*/.exec(src)![0];
  if (/[bBfFtT]/.test(prefix) || isConcatenated(ix, info, h)) return undefined;
  const secret = h.value.slice(h.match.start, h.match.end);
  const whole = h.value.trim() === secret || h.match.detector === 'database-url' || h.match.detector === 'slack-webhook';
  const extra = importOs ? [importOs] : [];
  if (whole) {
    const varName = h.match.detector === 'database-url' || h.match.detector === 'slack-webhook' ? envNameFor(h.match, h.name) : name;
    return { title: `Read it from the environment: os.environ["${varName}"]`, edits: [{ file, range: s.range, newText: `os.environ["${varName}"]` }, ...extra], isPreferred: true };
  }
  const r = h.range;
  if (r === s.contentRange || r.start.line !== r.end.line || s.range.start.line !== s.range.end.line) return undefined;
  const quote = /["']+/.exec(src.slice(prefix.length))![0];
  const inner = src.slice(prefix.length + quote.length, src.length - quote.length);
  if (/[{}]/.test(inner)) return undefined;
  const at = r.start.character - s.contentRange.start.character;
  const len = r.end.character - r.start.character;
  const other = quote[0] === '"' ? "'" : '"';
  const newText = `f${prefix}${quote}${inner.slice(0, at)}{os.environ[${other}${name}${other}]}${inner.slice(at + len)}${quote}`;
  return { title: `Read it from the environment: os.environ["${name}"]`, edits: [{ file, range: s.range, newText }, ...extra], isPreferred: true };
}

// ---------------------------------------------------------------- Dockerfile fixes

/**
 * Deletes the ENV/ARG pair (or the whole instruction when every pair in it holds a secret): the
 * value must come at run time instead.
 */
function dockerfileFix(file: string, parsed: ParsedDockerfile, h: DockerHit, all: DockerHit[]): Fix {
  const ins = h.instr;
  const name = h.name ?? '';
  const words = ins.args;
  const secretWords = new Set(all.filter((x) => x.instr === ins && x.word).map((x) => x.word));
  const title = ins.keyword === 'ENV'
    ? `Remove ENV ${name} (pass it at run time: docker run -e ${name}, or the platform's secrets)`
    : `Remove ARG ${name} (for a build-time secret use RUN --mount=type=secret,id=${lowerKebab(name)})`;
  const lines = parsed.lines;
  if (!h.word || words.every((w) => secretWords.has(w))) {
    const start = { line: ins.line, character: 0 };
    const end = ins.endLine + 1 < lines.length ? { line: ins.endLine + 1, character: 0 } : { line: ins.endLine, character: lines[ins.endLine]?.length ?? 0 };
    return { title, edits: [{ file, range: { start, end }, newText: '' }], isPreferred: true };
  }
  const i = words.indexOf(h.word);
  // With a secret pair on each side of the gap, deleting both gaps would overlap: keep the space.
  const range = i > 0
    ? { start: words[i - 1]!.range.end, end: h.word.range.end }
    : secretWords.has(words[1]) ? h.word.range : { start: h.word.range.start, end: words[1]!.range.start };
  return { title, edits: [{ file, range, newText: '' }], isPreferred: true };
}

// ---------------------------------------------------------------- YAML fixes

/** The env vars of a manifest's workloads by the range of their value. */
function envVarsByValue(a: Analysis, file: string): Map<Range, { wl: Workload; e: EnvVar }> {
  const out = new Map<Range, { wl: Workload; e: EnvVar }>();
  for (const wl of a.manifests(file)?.workloads ?? []) {
    for (const c of wl.containers) for (const e of c.env) if (e.value) out.set(e.value.range, { wl, e });
  }
  return out;
}

/** compose: the value becomes `${NAME}` (Compose interpolates it from the shell or .env). */
function composeFix(file: string, h: YamlHit, e: EnvVar): Fix | undefined {
  if (!e.value || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) return undefined;
  const ref = `\${${e.name}}`;
  if (h.keyRange) {
    return { title: `Use ${ref} (set ${e.name} in the shell or a git-ignored .env)`, edits: [{ file, range: h.scalarRange, newText: h.inFlow ? `"${ref}"` : ref }], isPreferred: true };
  }
  const r = e.value.range;
  if (r.start.line === h.scalarRange.start.line && r.start.character === h.scalarRange.start.character) return undefined;
  if (h.inFlow && h.plain) return undefined;
  return { title: `Use ${e.name}=${ref} (set ${e.name} in the shell or a git-ignored .env)`, edits: [{ file, range: r, newText: ref }], isPreferred: true };
}

/**
 * Kubernetes: `value: <secret>` becomes `valueFrom.secretKeyRef` to a Secret named after the
 * workload (`<workload>-secrets`), key = the env name in lower-kebab. Cloud Run: a Secret Manager
 * secret named after the env var, version `latest`.
 */
function kubeFix(file: string, h: YamlHit, wl: Workload, e: EnvVar): Fix | undefined {
  const v = e.value;
  if (!v?.keyRange) return undefined;
  const cloudRun = wl.platform === 'cloudrun';
  const secretName = cloudRun ? lowerKebab(e.name) : `${lowerKebab(wl.name ?? 'app') || 'app'}-secrets`;
  const key = cloudRun ? 'latest' : lowerKebab(e.name);
  const ind = ' '.repeat(v.keyRange.start.character);
  const newText = h.inFlow
    ? `valueFrom: {secretKeyRef: {name: ${secretName}, key: ${key}}}`
    : `valueFrom:\n${ind}  secretKeyRef:\n${ind}    name: ${secretName}\n${ind}    key: ${key}`;
  const title = cloudRun
    ? `Read ${e.name} from the Secret Manager secret '${secretName}' (create it: gcloud secrets create ${secretName} --data-file=-)`
    : `Read ${e.name} from Secret '${secretName}' key '${key}' (create it: kubectl create secret generic ${secretName} --from-literal=${key}=...)`;
  return { title, edits: [{ file, range: { start: v.keyRange.start, end: v.range.end }, newText }], isPreferred: true };
}

/** True for a PEM RSA private key whose body is shorter than a 1024-bit key's (about 850 base64 characters): 512-bit test keys. */
function weakKeyBody(pem: string): boolean {
  const body = pem.replace(/-----(?:BEGIN|END) [A-Z ]*-----/g, '').replace(/\\n|[^A-Za-z0-9+/=]/g, '');
  // RSA only: a PKCS#8 body names its algorithm (the rsaEncryption OID, base64 'BgkqhkiG9w0BAQEF'); short EC keys are strong.
  const rsa = /-----BEGIN RSA PRIVATE KEY-----/.test(pem) || (/-----BEGIN PRIVATE KEY-----/.test(pem) && body.includes('BgkqhkiG9w0BAQEF'));
  return rsa && body.length > 0 && body.length < 700;
}
