import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { MemoryPipelines } from '../../functions/adapters/memory/pipelines';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { decisionTable, listDecisions, setPaused } from '../../functions/cli/operate';
import type { Decision } from '../../functions/ports/decision-log';
import { Guardrails } from '../../functions/guardrails';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { basePolicy, recordingLogger } from '../support/memory-harness';

const dynamo = new DynamoDBClient(awsClientConfig());
afterAll(() => dynamo.destroy());

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const decision = (subject: string, at: string, outcome = 'STARTED'): Decision => ({
  kind: 'retraining.start',
  subject,
  outcome,
  reasons: [`why ${subject}`],
  inputs: { subject },
  at,
  id: `id-${subject}-${at}`,
  policyVersion: '0123456789abcdef',
  actions: [{ service: 'codepipeline', operation: 'StartPipelineExecution', target: 'docs-pipeline', status: 'taken' }],
});

describe('mlops-controller decisions (DynamoDB on moto)', () => {
  const table = uniqueName('decisions-cli');
  beforeAll(async () => {
    await createStateTable(dynamo, table);
    const log = new DynamoDecisionLog(dynamo, table);
    await log.record(decision('docs/0', hoursAgo(30)));
    await log.record(decision('docs/1', hoursAgo(2)));
    await log.record(decision('churn/4', hoursAgo(1), 'DEFERRED'));
    await log.record(decision('docs/0', hoursAgo(10 * 24)));
  });

  it('lists the last seven days oldest first, across day partitions', async () => {
    const listed = await listDecisions({ table, clientConfig: awsClientConfig() });
    expect(listed.map((d) => d.subject)).toEqual(['docs/0', 'docs/1', 'churn/4']);
    expect(listed[0]).toEqual(decision('docs/0', listed[0]!.at));
  });

  it('--subject and --since narrow the listing', async () => {
    expect(
      (
        await listDecisions({ table, subject: 'docs/0', since: hoursAgo(11 * 24), clientConfig: awsClientConfig() })
      ).map((d) => d.at),
    ).toHaveLength(2);
    expect(
      (await listDecisions({ table, since: hoursAgo(3), clientConfig: awsClientConfig() })).map((d) => d.subject),
    ).toEqual(['docs/1', 'churn/4']);
  });

  it('prints a readable table with the actions and the first reason', async () => {
    const text = decisionTable(await listDecisions({ table, subject: 'churn/4', clientConfig: awsClientConfig() }));
    const [header, row] = text.split('\n');
    expect(header).toMatch(/^AT \(UTC\)\s+KIND\s+SUBJECT\s+OUTCOME\s+ACTIONS\s+WHY$/);
    expect(row).toMatch(/retraining\.start\s+churn\/4\s+DEFERRED\s+▶StartPipelineExecution\s+why churn\/4$/);
  });
});

describe('mlops-controller pause / resume (DynamoDB on moto)', () => {
  const table = uniqueName('pause-cli');
  beforeAll(() => createStateTable(dynamo, table));

  it('pause sets the switch a function reads: its next write is withheld; resume lets the next one through', async () => {
    const policy = basePolicy();
    const world = new MemoryWorld({ now: () => new Date(), sleep: async () => {} });
    world.pipelines.set('docs-pipeline', { kind: 'codepipeline' });
    const guardrails = new Guardrails({
      policy,
      // No cache: the function sees the switch on its next write.
      killSwitch: new DynamoKillSwitch(dynamo, table, { cacheSeconds: 0 }),
      logger: recordingLogger().logger,
      clock: { now: () => new Date(), sleep: async () => {} },
    });
    const { pipelines } = guardrails.guardWrites({
      pipelines: new MemoryPipelines(world, { account: '123456789012', region: 'us-east-1' }),
    });
    const rule = policy.retraining.find((r) => r.target.name === 'docs-pipeline')!;
    const start = (token: string) =>
      pipelines!.start({ target: rule.target, token, manifestUri: 's3://m/manifest.json', batchId: 'docs-1' });

    await setPaused(table, true, 'alice', 'incident 42', awsClientConfig());
    expect(await new DynamoKillSwitch(dynamo, table).state()).toEqual(
      expect.objectContaining({ paused: true, by: 'alice', reason: 'incident 42' }),
    );
    expect(await start('a'.repeat(64))).toEqual({ withheld: 'paused by alice: incident 42' });
    expect(await guardrails.withholding({ kind: 'pipeline', type: 'codepipeline', name: 'docs-pipeline' })).toBe(
      'paused by alice: incident 42',
    );

    await setPaused(table, false, 'bob', undefined, awsClientConfig());
    expect(await new DynamoKillSwitch(dynamo, table).state()).toEqual(
      expect.objectContaining({ paused: false, by: 'bob' }),
    );
    expect(await start('b'.repeat(64))).toEqual({ executionId: expect.any(String) });
    expect(world.actions.filter((a) => a.operation === 'StartPipelineExecution')).toHaveLength(1);
  });
});
