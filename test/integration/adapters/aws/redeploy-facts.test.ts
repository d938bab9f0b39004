/**
 * What a redeploy reads on its platform, against moto: lambda GetAlias (the alias's live version)
 * and ecs DescribeTaskDefinition (ACTIVE or, once deregistered, INACTIVE).
 */
import { DeregisterTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { EcsTaskDefinitions } from '../../../../functions/adapters/aws/ecs';
import { LambdaAliasReader } from '../../../../functions/adapters/aws/lambda';
import { awsClientConfig, uniqueName } from '../../../support/aws';

/** The smallest valid zip archive (an empty one): moto stores the code, it never runs it here. */
const EMPTY_ZIP = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

describe('LambdaAliasReader (moto)', () => {
  const lambda = new LambdaClient(awsClientConfig());
  const iam = new IAMClient(awsClientConfig());
  const fn = uniqueName('churn-predict');
  let versions: string[] = [];

  beforeAll(async () => {
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: uniqueName('churn-predict-role'),
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn,
        Runtime: 'nodejs22.x',
        Role: role.Role!.Arn!,
        Handler: 'index.handler',
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
    versions = [];
    for (const description of ['model 3', 'model 4'])
      versions.push(
        (await lambda.send(new PublishVersionCommand({ FunctionName: fn, Description: description }))).Version!,
      );
    await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: versions[0]! }));
  });
  afterAll(() => {
    lambda.destroy();
    iam.destroy();
  });

  it('reads the version the alias serves now, after the alias moved', async () => {
    const reader = new LambdaAliasReader(lambda);
    expect(await reader.liveVersion(fn, 'live')).toBe(versions[0]);
    await lambda.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: versions[1]! }));
    expect(await reader.liveVersion(fn, 'live')).toBe(versions[1]);
  });

  it('answers undefined for an alias that does not exist', async () => {
    expect(await new LambdaAliasReader(lambda).liveVersion(fn, 'canary')).toBeUndefined();
  });
});

describe('EcsTaskDefinitions (moto)', () => {
  const ecs = new ECSClient(awsClientConfig());
  const family = uniqueName('churn-serve');
  afterAll(() => ecs.destroy());

  it('reports ACTIVE, then INACTIVE once deregistered, and undefined for one that never existed', async () => {
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'churn', image: 'public.ecr.aws/acme/churn:4', memory: 512 }],
      }),
    );
    const arn = registered.taskDefinition!.taskDefinitionArn!;
    const reader = new EcsTaskDefinitions(ecs);
    expect(await reader.status(arn)).toBe('ACTIVE');
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    expect(await reader.status(arn)).toBe('INACTIVE');
    expect(await reader.status(`${family}-gone:1`)).toBeUndefined();
  });
});
