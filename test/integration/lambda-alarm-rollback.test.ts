/**
 * The alarm function's rollback as Lambda runs it: the exported `handler` on the runtime of
 * functions/config/rollback-runtime.ts against moto's CloudWatch, SageMaker and DynamoDB. Only
 * UpdateEndpoint, which moto lacks, is stubbed; what the rollback asked of it and the decisions it
 * recorded are read back.
 */
import { PutMetricAlarmCommand, SetAlarmStateCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { validatePolicy } from '../../functions/config/policy';
import { handler as alarmFired } from '../../functions/handlers/alarm-fired';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { lambdaContext, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const table = uniqueName('alarm-rollback');
const endpoint = uniqueName('ep');
const goodConfig = uniqueName('cfg-good');
const badConfig = uniqueName('cfg-bad');
// Bound by its tag only, so the binding is found through ListTagsForResource.
const alarm = uniqueName('LatencyTooHigh');
const packages: string[] = [];
let sagemakerStub: ReturnType<typeof stubOnEveryClient>;

async function modelConfig(group: string, config: string, image: string): Promise<string> {
  const pkg = (
    await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        InferenceSpecification: {
          Containers: [{ Image: image }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    )
  ).ModelPackageArn!;
  const model = uniqueName('model');
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: model,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sm',
      PrimaryContainer: { ModelPackageName: pkg },
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
    }),
  );
  return pkg;
}

beforeAll(async () => {
  await createStateTable(dynamo, table);
  const group = uniqueName('grp');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  packages.push(await modelConfig(group, goodConfig, '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1'));
  packages.push(await modelConfig(group, badConfig, '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:2'));
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: badConfig }));
  // What the endpoint tracker recorded: the good config went InService first, the bad one later
  // (its package not known then, so the rollback reads it from the config's model).
  const store = new DynamoRollbackStore(dynamo, table);
  const now = Date.now();
  await store.recordInService(endpoint, {
    config: goodConfig,
    at: new Date(now - 3_600_000).toISOString(),
    modelPackageArn: packages[0]!,
  });
  await store.recordInService(endpoint, {
    config: badConfig,
    at: new Date(now - 600_000).toISOString(),
  });
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm,
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      Dimensions: [{ Name: 'EndpointName', Value: endpoint }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 500_000,
      ComparisonOperator: 'GreaterThanThreshold',
      Tags: [{ Key: 'rollback', Value: 'live-endpoint' }],
    }),
  );
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'test' }));
  sagemakerStub = stubOnEveryClient(SageMakerClient, {
    UpdateEndpointCommand: (input: { EndpointName: string }) => ({
      EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${input.EndpointName}`,
    }),
  });
  runtimeOnMoto(
    table,
    validatePolicy({
      ...policyInput([]),
      rollback: [{ name: 'live', alarms: { tags: { rollback: 'live-endpoint' } }, endpoint: { name: endpoint } }],
    }),
  );
});
afterAll(() => {
  sagemakerStub.restore();
  // Workers run other test files after this one: leave their environment as it was.
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  dynamo.destroy();
  sagemaker.destroy();
  cloudwatch.destroy();
});

function alarmEvent() {
  const event = sentAt(loadFixture<any>('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString());
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarm}`];
  event.detail.alarmName = alarm;
  return event;
}

describe('the alarm function rolls back on its own runtime (moto)', () => {
  it('a tag-bound alarm returns the endpoint to the config last InService before the bad one, once', async () => {
    const context = lambdaContext('alarm-rollback');
    await alarmFired(alarmEvent(), context);
    // A redelivery of the same transition finds the rollback claimed.
    await alarmFired(alarmEvent(), context);

    expect(sagemakerStub.inputs.UpdateEndpointCommand).toEqual([
      { EndpointName: endpoint, EndpointConfigName: goodConfig, RetainAllVariantProperties: true },
    ]);
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const decided = Items.filter((i) => i.kind?.S === 'rollback.endpoint');
    expect(decided.map((i) => [i.subject?.S, i.outcome?.S])).toEqual(
      expect.arrayContaining([[`live/endpoint:${endpoint}`, 'UPDATED']]),
    );
    expect(decided.filter((i) => i.outcome?.S === 'UPDATED')).toHaveLength(1);
    expect(JSON.stringify(decided.find((i) => i.outcome?.S === 'UPDATED'))).toContain(packages[1]!);
  }, 60_000);
});
