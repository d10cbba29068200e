// The rule contract: metadata (the source of docs, settings and SARIF) and a check over the shared analysis.
import type { Analysis } from '../analysis';
import type { Finding, Severity } from '../types';

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

/** A finding before severity is applied; the engine sets `severity` from metadata and config. */
export type Draft = Omit<Finding, 'ruleId' | 'severity'> & { severity?: Severity };

export interface Rule {
  id: string;
  meta: RuleMeta;
  check(a: Analysis): Draft[];
}
