import { failedDecision, withPlanned } from '../../../functions/domain/commits';
import {
  AwsCallError,
  ContentionError,
  ControllerError,
  EndpointConfigMissingError,
} from '../../../functions/domain/errors';
import { writes } from '../../../functions/domain/writes';
import type { ActionRecord, Decision } from '../../../functions/ports/decision-log';

const committed = (): Decision => ({
  kind: 'rollback.endpoint',
  subject: 'churn/ep',
  outcome: 'ROLLED_BACK',
  reasons: ['alarm churn-latency is in ALARM'],
  inputs: {},
  at: '2026-12-03T10:00:00.000Z',
  actions: [{ service: 'sagemaker', operation: 'UpdateEndpoint', target: 'ep -> cfg-1', status: 'taken' }],
});

describe('failedDecision', () => {
  it.each([
    [
      'a retryable AWS failure',
      new AwsCallError('sagemaker', 'UpdateEndpoint', new Error('throttled')),
      /the delivery is retried$/,
    ],
    ['an unclassified error', new Error('socket hang up'), /the delivery is retried$/],
    [
      'a permanent failure',
      new EndpointConfigMissingError('cfg-1'),
      /permanent and not retried: fix its cause, then replay/,
    ],
  ])('says what happens next after %s', (_, error, next) => {
    const failed = failedDecision(committed(), error);
    expect(failed.outcome).toBe('FAILED');
    expect(failed.reasons[0]).toMatch(/^ROLLED_BACK was committed, but its writes failed: /);
    expect(failed.reasons[0]).toMatch(next);
    expect(failed.reasons.slice(1)).toEqual(committed().reasons);
  });

  it('marks every taken action failed', () => {
    expect(failedDecision(committed(), new Error('x')).actions).toEqual([
      { service: 'sagemaker', operation: 'UpdateEndpoint', target: 'ep -> cfg-1', status: 'failed' },
    ]);
  });
});

describe('failedDecision: the reason a person reads', () => {
  it.each<[string, unknown, string]>([
    [
      'a retryable AWS failure',
      new AwsCallError('sagemaker', 'UpdateEndpoint', new Error('Rate exceeded')),
      'ROLLED_BACK was committed, but its writes failed: sagemaker.UpdateEndpoint failed: Rate exceeded; the delivery is retried',
    ],
    [
      'lost contention (a retryable controller error)',
      new ContentionError('the incident moved on'),
      'ROLLED_BACK was committed, but its writes failed: the incident moved on; the delivery is retried',
    ],
    [
      'a controller error that is not retryable',
      new ControllerError('alias live does not exist'),
      'ROLLED_BACK was committed, but its writes failed: alias live does not exist; it is permanent and not retried: fix its cause, then replay the event',
    ],
    ['a thrown string', 'boom', 'ROLLED_BACK was committed, but its writes failed: boom; the delivery is retried'],
    [
      'a thrown undefined',
      undefined,
      'ROLLED_BACK was committed, but its writes failed: undefined; the delivery is retried',
    ],
  ])('after %s', (_, error, reason) => {
    expect(failedDecision(committed(), error).reasons).toEqual([reason, 'alarm churn-latency is in ALARM']);
  });
});

describe('failedDecision: the actions it keeps', () => {
  const action = (status: ActionRecord['status'], why?: string): ActionRecord => ({
    service: 'codepipeline',
    operation: 'DisableStageTransition',
    target: 'deploy/Prod',
    status,
    ...(why ? { why } : {}),
  });

  it.each<[string, ActionRecord[] | undefined, ActionRecord[]]>([
    ['a decision without actions has none after failing', undefined, []],
    ['a taken action counts as failed', [action('taken')], [action('failed')]],
    [
      'a withheld action stays withheld, with its why',
      [action('withheld', 'observe (rollback[0].mode)')],
      [action('withheld', 'observe (rollback[0].mode)')],
    ],
    ['an action already failed stays failed', [action('failed')], [action('failed')]],
    [
      'each action on its own',
      [action('taken'), action('withheld', 'paused')],
      [action('failed'), action('withheld', 'paused')],
    ],
  ])('%s', (_, actions, expected) => {
    const decision = { ...committed(), ...(actions ? { actions } : {}) };
    if (!actions) delete decision.actions;
    expect(failedDecision(decision, new Error('x')).actions).toEqual(expected);
  });

  it('keeps everything but outcome, reasons and actions as committed', () => {
    const { outcome, reasons, actions, ...rest } = failedDecision(committed(), new Error('x'));
    expect([outcome, reasons.length, actions?.length]).toEqual(['FAILED', 2, 1]);
    expect(rest).toEqual({
      kind: 'rollback.endpoint',
      subject: 'churn/ep',
      inputs: {},
      at: '2026-12-03T10:00:00.000Z',
    });
  });
});

describe('withPlanned', () => {
  const pkg = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

  it.each<[string, ActionRecord[] | undefined, Parameters<typeof withPlanned>[1], ActionRecord[]]>([
    ['nothing planned, no actions: none', undefined, [], []],
    [
      'a planned write becomes a taken action named by its resource',
      undefined,
      [writes.updateModelPackage(pkg)],
      [{ service: 'sagemaker', operation: 'UpdateModelPackage', target: pkg, status: 'taken' }],
    ],
    [
      'planned writes follow the actions already recorded, in plan order',
      [{ service: 'sagemaker', operation: 'UpdateEndpoint', target: 'ep -> cfg-1', status: 'taken' }],
      [writes.stageTransition('DisableStageTransition', 'deploy', 'Prod'), writes.updateModelPackage(pkg)],
      [
        { service: 'sagemaker', operation: 'UpdateEndpoint', target: 'ep -> cfg-1', status: 'taken' },
        { service: 'codepipeline', operation: 'DisableStageTransition', target: 'deploy/Prod', status: 'taken' },
        { service: 'sagemaker', operation: 'UpdateModelPackage', target: pkg, status: 'taken' },
      ],
    ],
  ])('%s', (_, actions, planned, expected) => {
    const decision = { ...committed(), actions };
    if (!actions) delete decision.actions;
    expect(withPlanned(decision, planned).actions).toEqual(expected);
  });

  it('changes nothing else about the decision, and not the decision it was given', () => {
    const decision = committed();
    const { actions: _actions, ...rest } = withPlanned(decision, [writes.updateModelPackage(pkg)]);
    expect(rest).toEqual({
      kind: 'rollback.endpoint',
      subject: 'churn/ep',
      outcome: 'ROLLED_BACK',
      reasons: ['alarm churn-latency is in ALARM'],
      inputs: {},
      at: '2026-12-03T10:00:00.000Z',
    });
    expect(decision).toEqual(committed());
  });
});
