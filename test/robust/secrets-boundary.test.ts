// Planted secrets in every file type: no output channel (text, JSON, SARIF, stderr, LSP diagnostics, code actions, logs) carries one whole or in part.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import type { Notice } from '../../server/src/core/analysis';
import { redactOutput } from '../../server/src/core/redact';
import type { Finding } from '../../server/src/core/types';
import { TestClient } from '../helpers/lsp-client';
import { K, serviceAccountJson } from '../unit/secrets/fakes';

/** A PEM key's base64 lines (its BEGIN/END lines are public). */
const pemBody = (pem: string) => pem.split('\n').slice(1, -1).join('\n');

const CLI = nodePath.resolve(__dirname, '../../dist/cli.js');

/** Each planted secret with the public format prefix a mask may show (the rest is the secret). */
const PLANTED: [prefix: string, value: string][] = [
  ['sk-proj-', K.openaiProj], ['sk-ant-api03-', K.anthropic], ['AKIA', K.awsKeyId], ['', K.awsSecret], ['AIza', K.googleApiKey],
  ['ghp_', K.githubPat], ['gho_', K.githubOauth], ['github_pat_', K.githubFineGrained], ['xoxb-', K.slackBot], ['sk_live_', K.stripeLive],
  ['hf_', K.huggingface], ['SG.', K.sendgrid], ['SK', K.twilioApiKey], ['', pemBody(K.rsaKey)], ['', pemBody(K.pkcs8Key)],
];

/** Every 12-character window of a secret holding more than the 4 characters after its prefix that a mask shows. */
function leaks(output: string): string[] {
  const out: string[] = [];
  for (const [prefix, v] of PLANTED) {
    for (let i = 0; i + 12 <= v.length; i++) {
      const bodyChars = Math.min(i + 12, v.length) - Math.max(i, prefix.length);
      if (bodyChars <= 4) continue;
      const w = v.slice(i, i + 12);
      if (output.includes(w)) {
        out.push(`${prefix}… window ${JSON.stringify(w)}`);
        break;
      }
    }
  }
  return out;
}

function plant(dir: string): void {
  const files: Record<string, string> = {
    '.git/HEAD': 'ref: refs/heads/main\n',
    Dockerfile: [
      'FROM python:3.11',
      `ENV OPENAI_API_KEY=${K.openaiProj}`,
      `ARG GH_TOKEN=${K.githubPat}`,
      `RUN curl -H "Authorization: Bearer ${K.huggingface}" https://example.invalid/x`,
      'COPY app/ /app/',
      'COPY .env /app/.env',
      'COPY deploy/id_rsa /root/.ssh/id_rsa',
      `CMD ["gunicorn", "-b", "127.0.0.1:8000", "--env", "SLACK=${K.slackBot}", "app.main:app"]`,
      '',
    ].join('\n'),
    'app/__init__.py': '',
    'app/main.py': [
      'import os',
      `ANTHROPIC = "${K.anthropic}"`,
      `STRIPE = f"{'${K.stripeLive}'}"`,
      `headers = {"Authorization": "Bearer ${K.sendgrid}"}`,
      `key = os.getenv("GOOGLE_KEY", "${K.googleApiKey}")`,
      'match os.environ.get("MODE"):',
      '    case "x":',
      `        TOKEN = "${K.githubOauth}"`,
      'app = None',
      '',
    ].join('\n'),
    '.env': `AWS_ACCESS_KEY_ID=${K.awsKeyId}\nAWS_SECRET_ACCESS_KEY=${K.awsSecret}\nTWILIO=${K.twilioApiKey}\n`,
    'deploy/id_rsa': K.rsaKey + '\n',
    'deploy/k8s.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: api', 'spec:', '  template:', '    spec:', '      containers:',
      '        - name: api', '          image: api', '          env:', '            - name: GITHUB_TOKEN', `              value: ${K.githubFineGrained}`, '',
    ].join('\n'),
    'compose.yaml': `services:\n  api:\n    build: .\n    environment:\n      - HF_TOKEN=${K.huggingface}\n`,
    'config.json': JSON.stringify({ tokens: { [K.githubPat]: 'owner' }, aws: { secret: K.awsSecret }, google: K.googleApiKey }, null, 2) + '\n',
    'sa.json': serviceAccountJson() + '\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    nodeFs.mkdirSync(nodePath.dirname(nodePath.join(dir, rel)), { recursive: true });
    nodeFs.writeFileSync(nodePath.join(dir, rel), text);
  }
}

describe('robust: secrets never leave the engine', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-secrets-')));
    plant(dir);
  });
  after(() => nodeFs.rmSync(dir, { recursive: true, force: true }));

  it('in text, JSON and SARIF reports, stderr notices and --fix', () => {
    const outputs: string[] = [];
    let findings = 0;
    for (const format of ['text', 'json', 'sarif']) {
      const r = spawnSync(process.execPath, [CLI, dir, '--format', format], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      outputs.push(r.stdout, r.stderr);
      if (format === 'json') findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
    }
    const copy = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-secrets-fix-'));
    try {
      nodeFs.cpSync(dir, copy, { recursive: true });
      const r = spawnSync(process.execPath, [CLI, copy, '--fix', '--format', 'json'], { encoding: 'utf8' });
      outputs.push(r.stdout, r.stderr);
    } finally {
      nodeFs.rmSync(copy, { recursive: true, force: true });
    }
    assert.ok(findings >= 12, `expected the planted secrets to be found, got ${findings} findings`);
    assert.deepEqual(leaks(outputs.join('\n')), []);
  });

  it('in LSP diagnostics, code actions and log messages', async () => {
    const client = new TestClient();
    try {
      await client.initialize(pathToFileURL(dir).href);
      const main = nodePath.join(dir, 'app/main.py');
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(main).href, languageId: 'python', version: 1, text: nodeFs.readFileSync(main, 'utf8') } });
      await client.waitFor(() => client.diagnostics.size >= 5 && (client.diagnostics.get(pathToFileURL(main).href)?.length ?? 0) > 0, 'diagnostics');
      const outputs: string[] = [JSON.stringify(client.log), client.logs.join('\n')];
      for (const [uri, diags] of client.diagnostics) {
        const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diags[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: diags as Diagnostic[] } })) as CodeAction[];
        outputs.push(JSON.stringify(actions));
      }
      assert.deepEqual(leaks(outputs.join('\n')), []);
    } finally {
      await client.stop();
    }
  });

  it('a fix whose new text would carry a secret is not offered, and messages are masked centrally', () => {
    const f: Finding = {
      ruleId: 'some-rule', severity: 'error', file: '/r/a.py', range: { start: { line: 0, character: 6 }, end: { line: 0, character: 6 + K.githubPat.length } },
      message: `token ${K.githubPat} at path tokens.${K.githubPat}`, related: [{ file: '/r/a.py', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: `see ${K.githubPat}` }],
      fixes: [{ title: `Move ${K.githubPat} to .env`, edits: [{ file: '/r/.env', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `T=${K.githubPat}\n` }] }, { title: 'Harmless', edits: [] }],
    };
    const notices: Notice[] = [{ cause: 'file-skipped', message: `read ${K.githubPat}` }];
    redactOutput({ text: () => `TOKEN=${K.githubPat}\n` }, [f], notices);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Harmless']);
    assert.equal(f.message, `token ghp_${K.githubPat.slice(4, 8)}… (40 chars) at path tokens.ghp_${K.githubPat.slice(4, 8)}… (40 chars)`);
    assert.deepEqual(leaks(JSON.stringify([f, notices])), []);
    assert.deepEqual(notices.map((n) => n.message.replace(/ghp_\w{4}/, 'ghp_xxxx')), ['read ghp_xxxx… (40 chars)', 'fix not offered (some-rule): its new text would contain the secret']);
  });
});
