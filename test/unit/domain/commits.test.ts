import { failedDecision } from '../../../functions/domain/commits';
import { AwsCallError, EndpointConfigMissingError } from '../../../functions/domain/errors';
import type { Decision } from '../../../functions/ports/decision-log';

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
