// The rule registry: every rule, in documentation order. Settings, docs and SARIF metadata derive from it.
import type { Rule } from './rule';
import { rule as missingModule } from './missing-module';
import { rule as entrypointTarget } from './entrypoint-target';
import { rule as missingCopySource } from './missing-copy-source';
import { rule as pythonSyntaxError } from './python-syntax-error';
import { rule as hardcodedSecret } from './hardcoded-secret';
import { rule as secretInImage } from './secret-in-image';
import { rule as probeTooShort } from './probe-too-short';
import { rule as workerTimeoutTooShort } from './worker-timeout-too-short';
import { rule as portMismatch } from './port-mismatch';
import { rule as missingDependency } from './missing-dependency';
import { rule as memoryLimitTooLow } from './memory-limit-too-low';
import { rule as pythonVersionMismatch } from './python-version-mismatch';

export const rules: Rule[] = [missingModule, entrypointTarget, missingCopySource, pythonSyntaxError, hardcodedSecret, secretInImage, probeTooShort, workerTimeoutTooShort, portMismatch, missingDependency, memoryLimitTooLow, pythonVersionMismatch];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}

export type { Rule, RuleMeta, Draft } from './rule';
