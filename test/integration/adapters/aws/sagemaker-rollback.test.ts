/**
 * SageMaker endpoints, configs, models and model packages against moto; UpdateEndpoint (moto
 * lacks it) and InvokeEndpoint's exact input with aws-sdk-client-mock.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError, EndpointConfigMissingError } from '../../../../functions/domain/errors';
import { SageMakerPackageStatus } from '../../../../functions/adapters/aws/package-status';
import { SageMakerEndpoints } from '../../../../functions/adapters/aws/sagemaker-endpoints';
import { SageMakerInvoker } from '../../../../functions/adapters/aws/sagemaker-runtime';
import { awsClientConfig, uniqueName } from '../../../support/aws';

describe('SageMaker endpoints and packages (moto)', () => {
  const client = new SageMakerClient(awsClientConfig());
  const group = uniqueName('grp');
  const endpoint = uniqueName('ep');
  const config = uniqueName('cfg');
  let pkg = '';

  beforeAll(async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
    pkg = (
      await client.send(
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
    await client.send(
      new CreateModelCommand({
        ModelName: model,
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sm',
        PrimaryContainer: { ModelPackageName: pkg },
      }),
    );
    await client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: config,
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
        ],
      }),
    );
    await client.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: config }));
  });
  afterAll(() => client.destroy());

  it('describes an endpoint and tells which package its config serves', async () => {
    const e = new SageMakerEndpoints(client);
    expect(await e.describe(endpoint)).toEqual({ name: endpoint, status: 'InService', config });
    expect(await e.packageOf(config)).toBe(pkg);
  });

  it('tells whether an endpoint config still exists', async () => {
    const e = new SageMakerEndpoints(client);
    expect([await e.configExists(config), await e.configExists(uniqueName('deleted-cfg'))]).toEqual([true, false]);
  });

  it('answers undefined for an endpoint or config that does not exist', async () => {
    const e = new SageMakerEndpoints(client);
    expect(await e.describe('missing-endpoint')).toBeUndefined();
    expect(await e.packageOf('missing-config')).toBeUndefined();
  });

  it('reads and rejects a model package with the reason', async () => {
    const p = new SageMakerPackageStatus(client);
    expect(await p.approval(pkg)).toBe('Approved');
    await p.reject(pkg, 'Rejected by mlops-controller rollback: alarm x in ALARM');
    const described = await client.send(new DescribeModelPackageCommand({ ModelPackageName: pkg }));
    expect([described.ModelApprovalStatus, described.ApprovalDescription]).toEqual([
      'Rejected',
      'Rejected by mlops-controller rollback: alarm x in ALARM',
    ]);
    expect(await p.approval(`${pkg.replace(/\/\d+$/, '')}/999`)).toBeUndefined();
  });
});

describe('SageMaker operations moto lacks', () => {
  it('updates an endpoint to a config keeping its variant properties, so an autoscaled count survives', async () => {
    const client = new SageMakerClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(UpdateEndpointCommand).resolves({ EndpointArn: 'arn' });
    await new SageMakerEndpoints(client).update('ep', 'cfg-1');
    expect(mock.commandCalls(UpdateEndpointCommand)[0]!.args[0].input).toEqual({
      EndpointName: 'ep',
      EndpointConfigName: 'cfg-1',
      RetainAllVariantProperties: true,
    });
  });

  it('reports an UpdateEndpoint to a deleted config as a missing config, not a retryable failure', async () => {
    const client = new SageMakerClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(UpdateEndpointCommand)
      .rejects(
        Object.assign(
          new Error(
            "Could not find endpoint configuration 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg-1'.",
          ),
          { name: 'ValidationException' },
        ),
      );
    const failure = await new SageMakerEndpoints(client).update('ep', 'cfg-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EndpointConfigMissingError);
    expect(failure).toMatchObject({ config: 'cfg-1', retryable: false });
  });

  it('keeps any other UpdateEndpoint failure retryable', async () => {
    const client = new SageMakerClient({ region: 'us-east-1' });
    mockClient(client)
      .on(UpdateEndpointCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const failure = await new SageMakerEndpoints(client).update('ep', 'cfg-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true });
  });

  it('invokes an endpoint with the payload and content type and decodes the answer', async () => {
    const client = new SageMakerRuntimeClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(InvokeEndpointCommand)
      .resolves({ Body: new TextEncoder().encode('{"predictions":[1]}') as never, ContentType: 'application/json' });
    const out = await new SageMakerInvoker(client).invoke('ep', '{"x":1}', 'application/json');
    expect(out).toEqual({ body: '{"predictions":[1]}', contentType: 'application/json' });
    const input = mock.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect([input.EndpointName, input.ContentType, new TextDecoder().decode(input.Body as Uint8Array)]).toEqual([
      'ep',
      'application/json',
      '{"x":1}',
    ]);
  });
});
