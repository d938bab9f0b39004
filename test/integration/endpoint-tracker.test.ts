/**
 * The endpoint tracker as Lambda runs it: the exported `handler` on the runtime of
 * functions/config/rollback-runtime.ts (its own SDK clients, from the environment) against moto's
 * SageMaker and DynamoDB. An endpoint going InService is what a later rollback returns to, so the
 * tracker reads which package the config serves and records the sighting with its decision.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Context } from 'aws-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { handler as endpointChanged } from '../../functions/handlers/endpoint-changed';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const table = uniqueName('endpoint-tracker');
const endpoint = uniqueName('ep');
const config = uniqueName('cfg');
let pkg = '';
const context = { functionName: 'endpoint-tracker', awsRequestId: 'r-1' } as Context;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  const group = uniqueName('grp');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  pkg = (
    await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        InferenceSpecification: {
          Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1' }],
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
  // What Lambda gives the function: its table and (here) moto as every client's endpoint.
  process.env.STATE_TABLE = table;
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  usePolicy(
    validatePolicy({
      ...policyInput([]),
      rollback: [{ name: 'live', alarms: { names: ['ServerCpuTooHigh'] }, endpoint: { name: endpoint } }],
    }),
  );
});
afterAll(() => {
  // Workers run other test files after this one: leave their environment as it was.
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  dynamo.destroy();
  sagemaker.destroy();
});

describe('the endpoint tracker on its own runtime (moto)', () => {
  it('records the config an endpoint went InService with and the package it serves', async () => {
    const event = loadFixture<Record<string, any>>('sagemaker-endpoint-state-change.json');
    await endpointChanged(
      {
        ...event,
        region: 'us-east-1',
        resources: [`arn:aws:sagemaker:us-east-1:123456789012:endpoint/${endpoint}`],
        detail: { ...event.detail, EndpointName: endpoint, EndpointConfigName: config },
      },
      context,
    );
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const decided = Items.filter((i) => i.kind?.S === 'rollback.endpoint-seen');
    expect(decided.map((i) => [i.subject?.S, i.outcome?.S])).toEqual([[`endpoint:${endpoint}`, 'IN_SERVICE']]);
    expect(JSON.stringify(decided[0])).toContain(pkg);
  });
});
