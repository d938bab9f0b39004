import { CodePipelineClient, EnableStageTransitionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { unfreeze } from '../../functions/cli/unfreeze';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { recordingLogger } from '../support/memory-harness';
import { rollbackPolicy } from '../support/rollback-harness';

describe('mlops-controller unfreeze', () => {
  const dynamo = new DynamoDBClient(awsClientConfig());
  const table = uniqueName('unfreeze');
  beforeAll(() => createStateTable(dynamo, table));
  afterAll(() => dynamo.destroy());

  it('enables the transition, clears the freeze record and records who did it', async () => {
    const pipeline = mockClient(CodePipelineClient);
    pipeline.on(EnableStageTransitionCommand).resolves({});
    try {
      const store = new DynamoRollbackStore(dynamo, table);
      await store.putFreeze({
        pipeline: 'churn-deploy',
        stage: 'Production',
        binding: 'churn-live',
        alarms: ['a'],
        since: '2026-11-22T10:00:00.000Z',
      });
      const known = await unfreeze({
        policy: rollbackPolicy(),
        pipeline: 'churn-deploy',
        stage: 'Production',
        table,
        by: 'alice',
        logger: recordingLogger().logger,
        clientConfig: awsClientConfig(),
      });
      expect(known).toBe(true);
      expect(pipeline.commandCalls(EnableStageTransitionCommand)[0]!.args[0].input).toEqual({
        pipelineName: 'churn-deploy',
        stageName: 'Production',
        transitionType: 'Inbound',
      });
      expect((await store.freezes()).filter((f) => f.pipeline === 'churn-deploy')).toEqual([]);
      const decisions = await new DynamoDecisionLog(dynamo, table).list({ since: '2026-01-01T00:00:00.000Z' });
      expect(decisions.filter((d) => d.kind === 'rollback.unfreeze')).toEqual([
        expect.objectContaining({
          subject: 'churn-deploy/Production',
          outcome: 'UNFROZEN',
          reasons: ['unfrozen by alice (mlops-controller unfreeze)'],
        }),
      ]);
    } finally {
      pipeline.restore();
    }
  });
});
