import {
  alarmFreshness,
  alarmResponse,
  anyFresh,
  recheckVerdict,
  stepFailureReason,
} from '../../../functions/domain/alarm-response';

const freeze = { pipeline: 'deploy', stage: 'Prod' };
const codedeploy = { application: 'app', deploymentGroup: 'prod', lookbackDays: 30 };
const endpoint = { name: 'ranker' };

describe('alarmResponse', () => {
  it.each([
    ['a retraining binding only asks for retraining', { retrain: 'nightly' }, { phase: 'retrain', rule: 'nightly' }],
    [
      'every step: freeze first, the rollbacks, the rejection last',
      { freeze, codedeploy, endpoint, modelPackageGroup: 'ranking' },
      { phase: 'roll-back', steps: ['freeze', 'codedeploy', 'endpoint', 'reject'] },
    ],
    [
      'an endpoint binding that rejects its package',
      { endpoint, modelPackageGroup: 'ranking' },
      { phase: 'roll-back', steps: ['endpoint', 'reject'] },
    ],
    ['a freeze alone', { freeze }, { phase: 'roll-back', steps: ['freeze'] }],
    ['a CodeDeploy rollback alone', { codedeploy }, { phase: 'roll-back', steps: ['codedeploy'] }],
  ])('%s', (_case, binding, expected) => {
    expect(alarmResponse(binding)).toEqual(expected);
  });
});

describe('alarmFreshness', () => {
  const binding = { staleAfterSeconds: 600 };
  it.each([
    ['young and still in ALARM: acts', 30, 'ALARM', { phase: 'fresh' }],
    ['exactly at the age limit: acts', 600, 'ALARM', { phase: 'fresh' }],
    [
      'past the age limit: stale whatever the alarm says now',
      601,
      undefined,
      {
        phase: 'stale',
        reason: 'delivered 601 s after the alarm entered ALARM, over staleAfterSeconds 600',
      },
    ],
    ['young but OK again: stale', 30, 'OK', { phase: 'stale', reason: 'alarm latency is OK now, not ALARM' }],
    [
      'young but unknown to CloudWatch: stale',
      30,
      'unknown to CloudWatch',
      { phase: 'stale', reason: 'alarm latency is unknown to CloudWatch now, not ALARM' },
    ],
  ])('%s', (_case, age, current, expected) => {
    expect(alarmFreshness(binding, 'latency', age, current)).toEqual(expected);
  });

  it('reads the alarm back only when some binding would still act on a delivery that old', () => {
    const bindings = [{ staleAfterSeconds: 60 }, { staleAfterSeconds: 600 }];
    expect(anyFresh(bindings, 300)).toBe(true);
    expect(anyFresh(bindings, 601)).toBe(false);
  });
});

describe('stepFailureReason', () => {
  it.each([
    [
      true,
      'step endpoint failed: throttled; the delivery is retried and resumes this step (after the last retry the event is dead-lettered)',
    ],
    [false, 'step endpoint failed: throttled; it is permanent and not retried: fix its cause, then replay the event'],
  ])('retryable %s says what happens next', (retryable, expected) => {
    expect(stepFailureReason('endpoint', 'throttled', retryable)).toBe(expected);
  });
});

describe('recheckVerdict', () => {
  it.each([
    [
      'back on the config it served while Updating: its own guardrail rolled back',
      { alarm: 'latency', config: 'cfg-1', status: 'Updating' },
      'cfg-1',
      'ALARM',
      {
        phase: 'settled',
        reason:
          'endpoint settled back on cfg-1 by itself (alarm latency is ALARM): nothing newer went live, no rollback',
      },
    ],
    [
      'maintenance on the same config while alarming: roll back',
      { alarm: 'latency', config: 'cfg-1', status: 'SystemUpdating' },
      'cfg-1',
      'ALARM',
      { phase: 'rollback', reason: 'still in ALARM after the endpoint finished updating' },
    ],
    [
      'a new config and the alarm cleared: no rollback needed',
      { alarm: 'latency', config: 'cfg-1', status: 'Updating' },
      'cfg-2',
      'OK',
      { phase: 'settled', reason: 'endpoint settled on cfg-2 and alarm latency is OK: no rollback needed' },
    ],
    [
      'a new config and still alarming: roll back',
      { alarm: 'latency', config: 'cfg-1', status: 'Updating' },
      'cfg-2',
      'ALARM',
      { phase: 'rollback' },
    ],
    [
      'a re-check kept without its status, same config: settled by itself',
      { alarm: 'latency', config: 'cfg-1' },
      'cfg-1',
      'ALARM',
      { phase: 'settled' },
    ],
  ])('%s', (_case, recheck, config, alarmState, expected) => {
    expect(recheckVerdict(recheck, config, alarmState)).toMatchObject(expected);
  });
});
