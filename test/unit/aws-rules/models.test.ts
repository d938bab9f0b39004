import { modelledServices, serviceModel, validateRequest, type Violation } from '../../support/aws-rules/models';
import { translateJavaPattern } from '../../support/aws-rules/models-patterns';

const uuid = '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f';
const packageArn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-models/3';
const rules = (v: Violation[]) => v.map((x) => `${x.path} ${x.rule}`);

describe('AWS request validation against the botocore model', () => {
  it.each<[string, string, string, unknown, string[]]>([
    [
      'a complete valid request',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'churn-train', clientRequestToken: uuid },
      [],
    ],
    [
      'an absent idempotency token (the SDK fills it)',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'churn-train' },
      [],
    ],
    ['a missing required member', 'codepipeline', 'StartPipelineExecution', {}, ['name required']],
    ['a string over max length', 'codepipeline', 'StartPipelineExecution', { name: 'p'.repeat(101) }, ['name max']],
    [
      'an empty string under min length',
      'codepipeline',
      'StartPipelineExecution',
      { name: '' },
      ['name min', 'name pattern'],
    ],
    [
      'a string breaking the pattern anywhere (full match)',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'churn train' },
      ['name pattern'],
    ],
    [
      'a client token with an underscore',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'p', clientRequestToken: 'a_b' },
      ['clientRequestToken pattern'],
    ],
    [
      'a nested list entry breaking its pattern',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'p', variables: [{ name: 'BATCH ID', value: 'x' }] },
      ['variables[0].name pattern'],
    ],
    [
      'a nested required member',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'p', variables: [{ name: 'BATCH_ID' }] },
      ['variables[0].value required'],
    ],
    [
      'a list over its max count',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'p', variables: Array.from({ length: 51 }, (_, i) => ({ name: `v${i}`, value: 'x' })) },
      ['variables max'],
    ],
    [
      'a misspelt member the SDK would drop',
      'codepipeline',
      'StartPipelineExecution',
      { name: 'p', clientToken: uuid },
      ['clientToken unknown-member'],
    ],
    [
      'a value outside an enum',
      'sagemaker',
      'UpdateModelPackage',
      { ModelPackageArn: packageArn, ModelApprovalStatus: 'Denied' },
      ['ModelApprovalStatus enum'],
    ],
    [
      'an enum value in the model',
      'sagemaker',
      'UpdateModelPackage',
      { ModelPackageArn: packageArn, ModelApprovalStatus: 'Rejected' },
      [],
    ],
    [
      'a line break where the pattern is `.*` (Java dot excludes line terminators)',
      'sagemaker',
      'UpdateModelPackage',
      { ModelPackageArn: packageArn, ApprovalDescription: 'a\nb' },
      ['ApprovalDescription pattern'],
    ],
    ['a string where a structure belongs', 'sagemaker', 'UpdateModelPackage', 'arn', ['(input) type']],
    [
      'an integer range (min on integers is a value)',
      'sagemaker',
      'UpdateEndpointWeightsAndCapacities',
      { EndpointName: 'churn', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: -1 }] },
      ['DesiredWeightsAndCapacities[0].DesiredInstanceCount min'],
    ],
    [
      'a fraction where an integer belongs',
      'sagemaker',
      'UpdateEndpointWeightsAndCapacities',
      {
        EndpointName: 'churn',
        DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 1.5 }],
      },
      ['DesiredWeightsAndCapacities[0].DesiredInstanceCount type'],
    ],
    [
      'a float range',
      'sagemaker',
      'UpdateEndpointWeightsAndCapacities',
      { EndpointName: 'churn', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredWeight: -0.5 }] },
      ['DesiredWeightsAndCapacities[0].DesiredWeight min'],
    ],
    [
      'a boolean given as a string',
      'codedeploy',
      'StopDeployment',
      { deploymentId: 'd-ABCDEF123', autoRollbackEnabled: 'true' },
      ['autoRollbackEnabled type'],
    ],
    [
      'a timestamp given as a string (the SDK sends Dates)',
      'cloudwatch',
      'GetMetricData',
      { MetricDataQueries: [], StartTime: '2026-01-01T00:00:00Z', EndTime: new Date() },
      ['StartTime type'],
    ],
    [
      'a nested member of a list entry over its max length',
      'sagemaker',
      'CreateModelPackageGroup',
      { ModelPackageGroupName: 'churn-models', Tags: [{ Key: 'a'.repeat(129), Value: 'v' }] },
      ['Tags[0].Key max'],
    ],
    [
      'a map within its limits',
      'lambda',
      'UpdateFunctionConfiguration',
      { FunctionName: 'hook', Environment: { Variables: { STAGE: 'prod' } } },
      [],
    ],
    [
      'a map key breaking its pattern',
      'lambda',
      'UpdateFunctionConfiguration',
      { FunctionName: 'hook', Environment: { Variables: { '1BAD': 'x' } } },
      ['Environment.Variables{1BAD}.key pattern'],
    ],
    [
      'a blob within its size limit',
      'sqs',
      'SendMessage',
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
        MessageBody: 'x',
        MessageAttributes: { k: { DataType: 'Binary', BinaryValue: new Uint8Array(3) } },
      },
      [],
    ],
    [
      'a union with exactly one member set',
      'sagemaker',
      'UpdateDomain',
      {
        DomainId: 'd-abc123',
        DefaultUserSettings: { CustomFileSystemConfigs: [{ EFSFileSystemConfig: { FileSystemId: 'fs-0123abcd' } }] },
      },
      [],
    ],
    [
      'a union with two members set',
      'sagemaker',
      'UpdateDomain',
      {
        DomainId: 'd-abc123',
        DefaultUserSettings: {
          CustomFileSystemConfigs: [
            {
              EFSFileSystemConfig: { FileSystemId: 'fs-0123abcd' },
              S3FileSystemConfig: { S3Uri: 's3://churn-data/home' },
            },
          ],
        },
      },
      ['DefaultUserSettings.CustomFileSystemConfigs[0] union'],
    ],
    ['an operation the service does not have', 'codedeploy', 'StopDeployments', {}, [' model']],
    ['a service with no mapped model', 'Glacier', 'ListVaults', {}, [' model']],
  ])('%s', (_name, service, operation, input, expected) => {
    expect(rules(validateRequest(service, operation, input))).toEqual(expected);
  });

  it('names the operation, the member path and the rule of each violation', () => {
    expect(
      validateRequest('CodePipeline', 'DisableStageTransition', {
        pipelineName: 'churn-deploy',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: 'Alarm churn-errors: ALARM at 2026-01-01T00:00:00Z',
      }),
    ).toEqual([
      expect.objectContaining({
        service: 'codepipeline',
        operation: 'DisableStageTransition',
        path: 'reason',
        rule: 'pattern',
      }),
    ]);
  });

  it('reads the SDK serviceId and the botocore directory as the same service', () => {
    expect(serviceModel('EventBridge')).toBe(serviceModel('events'));
    expect(serviceModel('SageMaker Runtime')?.directory).toBe('sagemaker-runtime');
  });

  it('loads a model for every service the controller calls', () => {
    for (const service of modelledServices)
      expect(Object.keys(serviceModel(service)!.operations).length).toBeGreaterThan(0);
  });
});

describe('Java pattern translation', () => {
  const full = (pattern: string, value: string) => {
    const t = translateJavaPattern(pattern);
    if (!t.ok) throw new Error(t.reason);
    return t.regex.test(value);
  };

  it.each<[string, string, boolean]>([
    ['[A-Za-z0-9.@\\-_]+', 'churn-train', true],
    ['[A-Za-z0-9.@\\-_]+', 'churn train', false],
    ['^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}', 'run-1-x', true],
    ['^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}', 'run_1', false],
    ['.*', 'one line', true],
    ['.*', 'two\nlines', false],
    ['\\p{Alnum}+', 'abc123', true],
    ['\\p{Alnum}+', 'é', false],
    ['[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', 'Équipe 1', true],
    ['\\A\\S[\\p{Print}]*\\z', 'ok value', true],
    ['\\A\\S[\\p{Print}]*\\z', ' leading space', false],
    ['[\\S\\s]+', 'any\nthing', true],
    ['[\\S]{1,3}', 'a\u00a0', true],
    ['\\s+', '\u00a0', false],
    ['([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}', 'env:prod', true],
    ['[a-z]++', 'abc', true],
    ["^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$", 'x-amz,1', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['(?i)abc', 'ABC', true],
  ])('%s on %j → %s', (pattern, value, matches) => {
    expect(full(pattern, value)).toBe(matches);
  });

  it.each([
    ['[a-z&&[^aeiou]]', 'character class intersection &&'],
    ['[a-z[0-9]]', 'nested character class (Java union)'],
    ['\\p{javaLowerCase}', 'Java property \\p{javaLowerCase}'],
    ['\\R', 'escape \\R'],
  ])('refuses to guess at %s', (pattern, reason) => {
    expect(translateJavaPattern(pattern)).toEqual({ ok: false, reason });
  });
});
