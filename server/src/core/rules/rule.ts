// The rule contract: metadata (the source of docs, settings and SARIF) and a check over the shared analysis.
import type { Analysis } from '../analysis';
import type { Draft, Severity } from '../types';

export type { Draft };

export interface RuleMeta {
  /** One sentence: what the rule finds. */
  description: string;
  severity: Severity;
  fixable: boolean;
  docs: {
    /** Why it matters: the failure it prevents. */
    why: string;
    /** A minimal example that triggers the rule. */
    bad: string;
    /** The corrected example. */
    good: string;
  };
}

export interface Rule {
  id: string;
  meta: RuleMeta;
  check(a: Analysis): Draft[];
}
