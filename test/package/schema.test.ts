// The shipped JSON Schema of .deploylint.yaml: generated from the rule registry and config.ts's SETTINGS, contributed via yamlValidation, accepts the README's example and rejects a misspelt rule id.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { configFileSchema, SCHEMA_FILE } from '../../scripts/gen';
import { readConfigObject, SETTINGS } from '../../server/src/core/config';
import { rules } from '../../server/src/core/rules';

const root = path.resolve(__dirname, '../..');
type Schema = Record<string, any>;

/** Validates `v` against the subset of JSON Schema that gen.ts emits (type, enum, minimum, exclusiveMinimum, properties, additionalProperties, items); returns the errors. */
export function validate(schema: Schema, v: unknown, at = ''): string[] {
  const where = at || '(root)';
  const errors: string[] = [];
  const t = schema.type as string | undefined;
  const actual = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  if (t && t !== actual) return [`${where}: expected ${t}, got ${actual}`];
  if (schema.enum && !schema.enum.includes(v)) errors.push(`${where}: must be one of ${schema.enum.join(', ')}`);
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) errors.push(`${where}: must be >= ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && v <= schema.exclusiveMinimum) errors.push(`${where}: must be > ${schema.exclusiveMinimum}`);
  }
  if (Array.isArray(v) && schema.items) v.forEach((x, i) => errors.push(...validate(schema.items, x, `${at}[${i}]`)));
  if (actual === 'object') {
    for (const [k, x] of Object.entries(v as object)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) errors.push(...validate(sub, x, at ? `${at}.${k}` : k));
      else if (schema.additionalProperties === false) errors.push(`${at ? at + '.' : ''}${k}: not allowed`);
    }
  }
  return errors;
}

/** The YAML block under "## Configuration" in the README. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  return /```yaml\n([\s\S]*?)```/.exec(section)![1];
}

describe('JSON Schema of .deploylint.yaml', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, SCHEMA_FILE), 'utf8')) as Schema;

  it('is the generated one, and package.json contributes it through yamlValidation', () => {
    assert.deepEqual(configFileSchema(), schema, 'schemas/ is stale: npm run gen');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.yamlValidation, [{ fileMatch: '.deploylint.yaml', url: './schemas/deploylint.schema.json' }]);
    assert.deepEqual(Object.keys(schema.properties), SETTINGS.map((s) => s.key));
    assert.deepEqual(Object.keys(schema.properties.rules.properties), rules.map((r) => r.id));
    // The editor's settings mirror .deploylint.yaml's, then add the one only an editor has.
    assert.deepEqual(Object.keys(pkg.contributes.configuration.properties), [...SETTINGS.map((s) => s.key), 'diagnosticMode'].map((k) => `deploylint.${k}`));
  });

  it("accepts the README's example config, which the reader also accepts", () => {
    const example = parseYaml(readmeExample()) as Record<string, unknown>;
    assert.ok(Object.keys(example).length >= 6, 'the example shows the settings');
    assert.deepEqual(validate(schema, example), []);
    const problems: string[] = [];
    readConfigObject(example, problems, { knownRules: rules.map((r) => r.id) });
    assert.deepEqual(problems, []);
  });

  it('rejects a misspelt rule id, an unknown setting, a bad level and a bad number, as the reader does', () => {
    const bad = { rules: { 'missing-modul': 'error', 'port-mismatch': 'fatal' }, modelLoadSecond: 5, maxFileSize: 0 };
    assert.deepEqual(validate(schema, bad), [
      'rules.missing-modul: not allowed',
      'rules.port-mismatch: must be one of error, warning, info, off',
      'modelLoadSecond: not allowed',
      'maxFileSize: must be > 0',
    ]);
    const problems: string[] = [];
    readConfigObject(bad, problems, { knownRules: rules.map((r) => r.id) });
    assert.deepEqual(problems.map((p) => p.replace(/ \(valid: .*\)$/, '')), [
      "unknown setting 'modelLoadSecond'; did you mean 'modelLoadSeconds'?",
      "unknown rule 'missing-modul'; did you mean 'missing-module'?",
      'rule \'port-mismatch\': level "fatal" is not error, warning, info or off; the rule keeps its default',
      "'maxFileSize' must be a positive number of bytes",
    ]);
  });

  it('is a valid draft-07 schema (checked with ajv when node_modules has it)', function () {
    let Ajv: any;
    try {
      Ajv = require('ajv');
    } catch {
      this.skip();
    }
    const ajv = new (Ajv.default ?? Ajv)({ strict: false, allErrors: true });
    const check = ajv.compile(schema);
    assert.equal(check(parseYaml(readmeExample())), true, JSON.stringify(check.errors));
    assert.equal(check({ rules: { 'missing-modul': 'error' } }), false);
  });
});
