// Discovery: generator templates (placeholders, template folders, scaffolds of *.tmpl files) and lockfiles are left out, each template with a notice saying why.
import { strict as assert } from 'assert';
import { discoverProject, dockerfilePlaceholder, yamlPlaceholder } from '../../server/src/core/project';
import { memRepo, ROOT } from '../helpers/repo';

const DF = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "app.py"]\n';

describe('project: generator templates', () => {
  const dockerfiles: [string, string, string | undefined][] = [
    ['Go template', 'FROM {{ .BaseImage }}\nCOPY . .\n', '{{ .BaseImage }}'],
    ['cookiecutter', 'FROM python:3.12\nCOPY {{cookiecutter.slug}} /app\n', '{{cookiecutter.slug}}'],
    ['Jinja control line', '{% if gpu %}\nFROM nvidia/cuda:12.4\n{% else %}\nFROM python:3.12\n{% endif %}\n', '{% if gpu %}'],
    ['Backstage', 'FROM python:3.12\nCOPY ${{ values.name }}/ /app/\n', '${{ values.name }}'],
    ['ERB', 'FROM ruby:<%= ruby_version %>\n', '<%= ruby_version %>'],
    ['braces only in a comment', '# {{ .Name }} is filled in by the release script\n' + DF, undefined],
    ['braces only in a RUN heredoc', 'FROM python:3.12\nRUN <<EOT\ncat > /etc/app.tmpl <<X\n{{ .Name }}\nX\nEOT\nCMD ["python"]\n', undefined],
    ['braces only in a COPY heredoc (tab-stripped)', 'FROM python:3.12\nCOPY <<-CFG /etc/app.j2\n\t{% for x in xs %}{{ x }}{% endfor %}\n\tCFG\nCMD ["python"]\n', undefined],
    ['a heredoc does not hide placeholders after it', 'FROM python:3.12\nRUN <<EOT\necho hi\nEOT\nCOPY {{ .Src }} /app\n', '{{ .Src }}'],
    ['shell braces are not placeholders', 'FROM python:3.12\nRUN echo ${HOME} && f() { :; }\n', undefined],
  ];
  for (const [title, text, expected] of dockerfiles) it(`Dockerfile: ${title}`, () => assert.equal(dockerfilePlaceholder(text), expected));

  const yamls: [string, string, string | undefined][] = [
    ['Helm values', 'image: {{ .Values.image }}\n', '{{ .Values.image }}'],
    ['Helm control line', '{{- if .Values.ingress.enabled }}\nkind: Ingress\n{{- end }}\n', '{{- if .Values.ingress.enabled }}'],
    ['Backstage values', 'name: ${{ values.name }}\n', '${{ values.name }}'],
    ['workflow expressions are the file\'s own', 'env:\n  TOKEN: ${{ secrets.TOKEN }}\n', undefined],
    ['alert rule labels are the file\'s own', 'annotations:\n  summary: "{{ $labels.instance }} down"\n', undefined],
    ['docker inspect format in a healthcheck', 'healthcheck:\n  test: docker inspect -f "{{.State.Running}}" db\n', undefined],
  ];
  for (const [title, text, expected] of yamls) it(`YAML: ${title}`, () => assert.equal(yamlPlaceholder(text), expected));

  it('skips templates with a notice each (YAML grouped per folder) and keeps real builds', () => {
    const fs = memRepo({
      Dockerfile: DF,
      'app.py': 'print(1)\n',
      'ops/Dockerfile': '# {{ not a template }}\n' + DF,
      '{{cookiecutter.slug}}/Dockerfile': DF,
      '{{cookiecutter.slug}}/compose.yaml': 'services: {}\n',
      'templates/svc/Dockerfile': DF,
      'templates/svc/app.py.tmpl': 'print("{{ .Name }}")\n',
      'docker/templates/Dockerfile': DF,
      'docker/templates/README.md': 'not a template extension\n',
      'gen/Dockerfile': 'FROM {{ .Base }}\n',
      'Dockerfile.j2': 'FROM {{ base }}\n',
      'chart/templates/a.yaml': 'name: {{ .Release.Name }}\n',
      'chart/templates/b.yaml': 'port: {{ .Values.port }}\n',
      'k8s/app.yaml': 'kind: Service\nmetadata:\n  name: app\n',
      '.github/workflows/ci.yml': 'on: push\nenv:\n  T: ${{ secrets.T }}\n',
      'frontend/package-lock.json': '{"lockfileVersion": 3}\n',
      'frontend/pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
    });
    const p = discoverProject(fs, ROOT);
    const rel = (x: string) => x.slice(ROOT.length + 1);
    assert.deepEqual(p.dockerfiles.map(rel), ['Dockerfile', 'docker/templates/Dockerfile', 'ops/Dockerfile']);
    assert.deepEqual(p.yamlFiles.map(rel), ['.github/workflows/ci.yml', 'k8s/app.yaml']);
    assert.deepEqual(p.otherFiles.map(rel), []);
    assert.deepEqual(p.skipped.map((s) => `${rel(s.path)}: ${s.reason}`).sort(), [
      "Dockerfile.j2: a template (its name ends in .j2)",
      "chart/templates: 2 YAML files, templates (such as a.yaml: has '{{ .Release.Name }}' placeholders)",
      "gen/Dockerfile: a template (has '{{ .Base }}' placeholders)",
      "templates/svc/Dockerfile: a template (in a scaffold folder beside 'app.py.tmpl')",
      "{{cookiecutter.slug}}/Dockerfile: a template (under the folder '{{cookiecutter.slug}}')",
      "{{cookiecutter.slug}}/compose.yaml: a template (under the folder '{{cookiecutter.slug}}')",
    ]);
  });
});

describe('project: Dockerfiles named the way `docker build -f` users name them', () => {
  it('Dockerfile-dev, Dockerfile_prod, CPUDockerfile, api-Dockerfile are Dockerfiles when they start like one; other files of such names are not', () => {
    const fs = memRepo({
      'Dockerfile-dev': DF,
      'Dockerfile_prod': '# syntax=docker/dockerfile:1\n\nARG PY=3.12\n' + DF,
      'docker/CPUDockerfile': DF,
      'svc/api-Dockerfile': DF,
      'Containerfile-ci': DF,
      // A script that writes a Dockerfile, notes about one, and files whose extension says what they are.
      'tools/make-dockerfile': '#!/bin/sh\ncat > Dockerfile <<EOF\nFROM python:3.12\nEOF\n',
      'docs/Dockerfile-notes': 'How we build:\nFROM python is the base.\n',
      'Dockerfile-dev.md': '# Dev image\nFROM python:3.12\n',
      'Dockerfile-dev.dockerignore': '.git\n',
      'ci/dockerfile_lint.json': '{}\n',
      'app.py': 'print(1)\n',
    });
    const rel = (x: string) => x.slice(ROOT.length + 1);
    assert.deepEqual(discoverProject(fs, ROOT).dockerfiles.map(rel), ['Containerfile-ci', 'Dockerfile-dev', 'Dockerfile_prod', 'docker/CPUDockerfile', 'svc/api-Dockerfile']);
  });
});
