/**
 * Stage retries again under a changed `stageRetry`: which rule marks the stage retryable
 * (retryRuleFor) and what its attempt allows (attemptStep), from the recorded failure (the subject
 * `pipeline/stage/execution`) and its number among the stage's failures. The store counts a
 * failure as the next attempt while attempts < maxAttempts and answers 'exhausted' after, so the
 * n-th failure is attempt n under any maxAttempts ≥ n. A person's rejected approval and
 * CodePipeline's refusal are facts of that moment, not of the policy: they stand.
 */
import type { StageRetryRule } from '../config/policy-rollback';
import type { Decision } from '../ports/decision-log';
import { attemptStep, retryRuleFor } from './stage-retry';
import { asRecorded, lacking, type Redecision } from './whatif-records';

const VERDICTS = new Set(['RETRIED', 'LEFT_FAILED', 'NOT_RETRIED']);

/** Re-decides each stage-retry record of `records`, by index; failures are numbered per subject. */
export function redecideStageRetries(
  records: readonly Decision[],
  rules: readonly StageRetryRule[],
): Map<number, Redecision> {
  const out = new Map<number, Redecision>();
  /** Per subject: the failures counted so far, or why the count is not known. */
  const counted = new Map<string, number | { unknown: string }>();
  records.forEach((record, index) => {
    if (record.kind !== 'rollback.stage-retry' || !VERDICTS.has(record.outcome)) return;
    const base = asRecorded(record);
    const inputs = record.inputs as { attempt?: number; maxAttempts?: number };
    const [pipeline = '', stage = ''] = record.subject.split('/');
    // A rejected approval is answered before any attempt is counted.
    const counts = record.outcome !== 'NOT_RETRIED' || inputs.attempt !== undefined;
    const before = counted.get(record.subject);
    let failure: number | { unknown: string };
    if (!counts) failure = typeof before === 'number' ? before : 0;
    else if (typeof before === 'object') failure = before;
    else if (inputs.attempt !== undefined) failure = inputs.attempt;
    else if (before !== undefined) failure = before + 1;
    else
      failure = {
        unknown: `its failure number is not recorded (the stage's earlier failures are not among the records replayed)`,
      };
    if (counts) counted.set(record.subject, failure);
    if (typeof failure === 'object') return out.set(index, lacking(base, failure.unknown));

    const found = retryRuleFor(rules, pipeline, stage);
    let after: { outcome: string; reasons: string[] };
    if ('reason' in found) after = { outcome: 'IGNORED', reasons: [found.reason] };
    else if (!counts) after = { outcome: record.outcome, reasons: record.reasons };
    else {
      const { rule } = found;
      const step = attemptStep(rule, failure <= rule.maxAttempts ? failure : 'exhausted');
      if (step.phase === 'exhausted') after = { outcome: 'LEFT_FAILED', reasons: [step.reason] };
      else if (step.phase === 'duplicate' || record.outcome === 'NOT_RETRIED')
        after = { outcome: record.outcome, reasons: record.reasons };
      else after = { outcome: 'RETRIED', reasons: [step.reason] };
    }
    const flipped = after.outcome !== record.outcome;
    out.set(index, { ...base, after, flipped });
    // What followed a flipped retry (the stage's later failures, or none) would differ: not guessed.
    if (flipped)
      counted.set(record.subject, {
        unknown: `the retry at ${record.at} flips (${record.outcome} → ${after.outcome}), so this later failure of the stage may not have happened`,
      });
  });
  return out;
}
