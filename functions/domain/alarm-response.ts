import type { RollbackBinding } from '../config/policy-rollback';
import { isMaintenance } from './rollback';

/** The steps of a rollback, each an independent effect with its own claim. */
export type RollbackStep = 'freeze' | 'codedeploy' | 'endpoint' | 'reject';

export type AlarmResponse = { phase: 'retrain'; rule: string } | { phase: 'roll-back'; steps: RollbackStep[] };

/**
 * What one ALARM makes `binding` do. A retraining binding only asks for retraining. Otherwise its
 * steps run in this order: freeze first (promotions stop even if a later step fails), then the
 * rollbacks (each finds the bad version and the packages it served), and last the rejection of
 * those packages, which needs what the rollbacks found.
 */
export function alarmResponse(
  binding: Pick<RollbackBinding, 'retrain' | 'freeze' | 'codedeploy' | 'endpoint' | 'modelPackageGroup'>,
): AlarmResponse {
  if (binding.retrain) return { phase: 'retrain', rule: binding.retrain };
  const steps: RollbackStep[] = [];
  if (binding.freeze) steps.push('freeze');
  if (binding.codedeploy) steps.push('codedeploy');
  if (binding.endpoint) steps.push('endpoint');
  if (binding.modelPackageGroup) steps.push('reject');
  return { phase: 'roll-back', steps };
}

/** Whether any binding would still act on a delivery this old: only then is the alarm read back. */
export const anyFresh = (bindings: ReadonlyArray<Pick<RollbackBinding, 'staleAfterSeconds'>>, ageSeconds: number) =>
  bindings.some((b) => ageSeconds <= b.staleAfterSeconds);

export type Freshness = { phase: 'fresh' } | { phase: 'stale'; reason: string };

/**
 * May a delivery of an ALARM `ageSeconds` after the alarm entered it still act for `binding`?
 * `current` is the alarm's state read back (undefined when it was not read: no binding was fresh).
 */
export function alarmFreshness(
  binding: Pick<RollbackBinding, 'staleAfterSeconds'>,
  alarm: string,
  ageSeconds: number,
  current: string | undefined,
): Freshness {
  if (ageSeconds > binding.staleAfterSeconds)
    return {
      phase: 'stale',
      reason: `delivered ${ageSeconds} s after the alarm entered ALARM, over staleAfterSeconds ${binding.staleAfterSeconds}`,
    };
  if (current !== 'ALARM') return { phase: 'stale', reason: `alarm ${alarm} is ${current} now, not ALARM` };
  return { phase: 'fresh' };
}

/** Why a step failed and what happens next, for its FAILED decision. */
export function stepFailureReason(step: RollbackStep, message: string, retryable: boolean): string {
  return `step ${step} failed: ${message}; ${
    retryable
      ? 'the delivery is retried and resumes this step (after the last retry the event is dead-lettered)'
      : 'it is permanent and not retried: fix its cause, then replay the event'
  }`;
}

export type RecheckVerdict =
  /** Nothing newer went live or the alarm cleared: no rollback. */
  | { phase: 'settled'; reason: string }
  /** Still alarming on a settled endpoint: roll back now, as for a fresh ALARM. */
  | { phase: 'rollback'; reason: string };

/**
 * An endpoint that was changing when its alarm fired is InService again: does the alarm still call
 * for a rollback? `recheck` is what was seen then (its config and status), `config` what is live now.
 */
export function recheckVerdict(
  recheck: { alarm: string; config?: string; status?: string },
  config: string,
  alarmState: string,
): RecheckVerdict {
  const maintenance = recheck.status !== undefined && isMaintenance(recheck.status);
  if (config === recheck.config && !maintenance)
    // Back on the config it served while Updating: its own guardrail rolled the update back.
    return {
      phase: 'settled',
      reason: `endpoint settled back on ${config} by itself (alarm ${recheck.alarm} is ${alarmState}): nothing newer went live, no rollback`,
    };
  if (alarmState !== 'ALARM')
    return {
      phase: 'settled',
      reason: `endpoint settled on ${config} and alarm ${recheck.alarm} is ${alarmState}: no rollback needed`,
    };
  return { phase: 'rollback', reason: 'still in ALARM after the endpoint finished updating' };
}
