// The rule registry: every rule, in documentation order. Settings, docs and SARIF metadata derive from it.
import type { Rule } from './rule';
import { rule as missingCopySource } from './missing-copy-source';

export const rules: Rule[] = [missingCopySource];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}

export type { Rule, RuleMeta, Draft } from './rule';
