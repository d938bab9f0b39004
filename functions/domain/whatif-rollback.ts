/**
 * A rollback step again under changed bindings: would the binding still select the alarm
 * (`selects`), would the delivery still be fresh for it (`alarmFreshness`), would its response
 * still include this step on this target (`alarmResponse`)? The step's own plan (which deployment
 * to stop, which config to return to) read the live state of its target; when the target is the
 * same, that state and the plan are as recorded.
 */
import type { RollbackBinding } from '../config/policy-rollback';
import type { Decision } from '../ports/decision-log';
import { alarmFreshness, alarmResponse, type RollbackStep } from './alarm-response';
import { packageGroupName } from './arns';
import { selects } from './rollback';
import { asRecorded, lacking, type Redecision } from './whatif-records';

const STEP_OF: Record<string, RollbackStep | 'retrain'> = {
  'rollback.freeze': 'freeze',
  'rollback.codedeploy': 'codedeploy',
  'rollback.endpoint': 'endpoint',
  'rollback.package': 'reject',
  'rollback.retrain': 'retrain',
};

/** What the record's target is under `binding`, in the subject's own words (the workflows' subjects). */
function targetOf(step: RollbackStep | 'retrain', b: RollbackBinding): string | undefined {
  switch (step) {
    case 'freeze':
      return b.freeze && `${b.freeze.pipeline}/${b.freeze.stage}`;
    case 'codedeploy':
      return b.codedeploy && `codedeploy:${b.codedeploy.application}/${b.codedeploy.deploymentGroup}`;
    case 'endpoint':
      return b.endpoint && `endpoint:${b.endpoint.name}`;
    case 'reject':
      return b.modelPackageGroup;
    case 'retrain':
      return b.retrain;
  }
}

interface Trigger {
  via?: string;
  alarm?: string;
  ageSeconds?: number;
  tags?: Record<string, string>;
}

export function redecideRollback(record: Decision, bindings: readonly RollbackBinding[]): Redecision | undefined {
  const step = STEP_OF[record.kind];
  if (step === undefined) return undefined;
  const base = asRecorded(record);
  const missing = (what: string) => lacking(base, what);
  const wouldNot = (reason: string): Redecision => ({
    ...base,
    after: { outcome: 'NO_ACTION', reasons: [reason] },
    flipped: true,
  });
  const named = bindings.find((b) => record.subject.startsWith(`${b.name}/`));
  const name = named?.name ?? record.subject.slice(0, record.subject.indexOf('/'));
  if (!named) return wouldNot(`the policy has no rollback binding ${name}`);
  const target = record.subject.slice(name.length + 1);

  const trigger = (record.inputs as { trigger?: Trigger }).trigger;
  if (!trigger) return missing('the record does not name the alarm that triggered it (recorded before whatif)');
  if (trigger.via !== 'operator') {
    const alarm = trigger.alarm;
    if (alarm === undefined || trigger.ageSeconds === undefined)
      return missing('the record lacks the alarm or its age');
    if (!selects(named, alarm, trigger.tags)) {
      const byTags = Object.keys(named.alarms.tags).length > 0;
      if (byTags && trigger.tags === undefined)
        return missing(`binding ${name} selects by tags, and the alarm's tags were not read for this record`);
      return wouldNot(`binding ${name} no longer selects alarm ${alarm}`);
    }
    // It acted, so the alarm read back was in ALARM: only the age limit can have changed.
    const fresh = alarmFreshness(named, alarm, trigger.ageSeconds, 'ALARM');
    if (fresh.phase === 'stale')
      return { ...base, after: { outcome: 'STALE', reasons: [fresh.reason] }, flipped: true };
  }
  const response = alarmResponse(named);
  const steps: readonly string[] = response.phase === 'retrain' ? ['retrain'] : response.steps;
  if (!steps.includes(step)) return wouldNot(`binding ${name} no longer has the ${step} step`);
  const now = targetOf(step, named);
  const same =
    step === 'reject' ? now !== undefined && packageGroupName(now) === packageGroupName(target) : now === target;
  if (!same)
    return missing(`binding ${name} now acts on ${now}, whose state the record (about ${target}) does not hold`);
  return {
    ...base,
    after: { outcome: record.outcome, reasons: [`binding ${name} still takes the ${step} step on ${target}`] },
    flipped: false,
  };
}
