import { rollbackHarness } from '../../support/rollback-harness';

const failure = (origin: { account?: string; region?: string }) => ({
  id: 'e1',
  pipeline: 'myPipeline',
  stage: 'Deploy',
  executionId: '12345678-1234-5678-abcd-12345678abcd',
  state: 'FAILED',
  ...origin,
});

describe('StageRetryWorkflow origin check', () => {
  it.each([
    [
      'another account',
      { account: '999999999999', region: 'us-east-1' },
      'account 999999999999 is not one of 123456789012',
    ],
    [
      'another region',
      { account: '123456789012', region: 'eu-west-1' },
      'region eu-west-1 is not one of us-east-1, us-west-2',
    ],
  ])(
    'ignores a stage failure from %s with the reason every workflow gives, and retries nothing',
    async (_case, origin, reason) => {
      const h = rollbackHarness();
      await h.stageRetry.onStageFailed(failure(origin));
      expect(h.ops('RetryStageExecution')).toEqual([]);
      expect(h.kinds('rollback.ignore')).toMatchObject([
        {
          subject: 'myPipeline/Deploy/12345678-1234-5678-abcd-12345678abcd',
          outcome: 'IGNORED',
          reasons: [reason],
          inputs: { id: 'e1' },
        },
      ]);
    },
  );
});
