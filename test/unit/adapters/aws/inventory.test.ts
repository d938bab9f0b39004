import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchInventory } from '../../../../functions/adapters/aws/inventory/cloudwatch';
import { listedOnce, lookupFailure, offering } from '../../../../functions/adapters/aws/inventory/lookup';
import { definitionParameters } from '../../../../functions/adapters/aws/inventory/sagemaker';

const sdkError = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('lookupFailure: only the service saying "no such resource" is missing', () => {
  it.each([
    [
      sdkError('PipelineNotFoundException', 'no pipeline p', 400),
      ['PipelineNotFoundException'],
      undefined,
      { state: 'missing', detail: 'PipelineNotFoundException: no pipeline p' },
    ],
    [
      sdkError('NotFound', 'UnknownError', 404),
      ['NotFound'],
      undefined,
      { state: 'missing', detail: 'NotFound, HTTP 404' },
    ],
    [
      sdkError('Forbidden', 'UnknownError', 403),
      ['NotFound'],
      undefined,
      { state: 'unchecked', detail: 'Forbidden, HTTP 403' },
    ],
    [
      sdkError('AccessDeniedException', 'not allowed', 400),
      ['PipelineNotFoundException'],
      undefined,
      { state: 'unchecked', detail: 'AccessDeniedException (HTTP 400): not allowed' },
    ],
    [
      sdkError('ValidationException', 'Could not find endpoint x', 400),
      ['ValidationException'],
      /could not find/i,
      { state: 'missing', detail: 'ValidationException: Could not find endpoint x' },
    ],
    [
      sdkError('ValidationException', 'bad name', 400),
      ['ValidationException'],
      /could not find/i,
      { state: 'unchecked', detail: 'ValidationException (HTTP 400): bad name' },
    ],
    [
      sdkError('TypeError', 'Expected real number\n  Deserialization error: see $response'),
      [],
      undefined,
      { state: 'unchecked', detail: 'TypeError: Expected real number' },
    ],
  ])('%s', (error, names, message, expected) => {
    expect(lookupFailure(error, names, message)).toEqual(expected);
  });
});

describe('definitionParameters: the names a SageMaker pipeline definition declares', () => {
  it.each([
    [
      JSON.stringify({ Parameters: [{ Name: 'ManifestUri', Type: 'String' }, { Name: 'Instance' }] }),
      ['ManifestUri', 'Instance'],
    ],
    [JSON.stringify({ Steps: [] }), []],
    ['not json', undefined],
    [undefined, undefined],
  ])('%j', (definition, names) => {
    expect(definitionParameters(definition)).toEqual(names);
  });
});

describe('CloudWatchInventory', () => {
  // moto cannot create composite alarms (PutCompositeAlarm): the answer's shape is the service model's.
  const cloudwatch = mockClient(CloudWatchClient);
  afterEach(() => cloudwatch.reset());

  it('finds metric and composite alarms in one call per 100 names and reports the rest missing', async () => {
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.filter((n) => n.startsWith('m')).map((AlarmName) => ({ AlarmName })),
      CompositeAlarms: input.AlarmNames.filter((n) => n.startsWith('c')).map((AlarmName) => ({ AlarmName })),
    }));
    const names = ['m-1', 'c-1', 'x-1', ...Array.from({ length: 100 }, (_, i) => `m-${i + 2}`)];
    const found = await new CloudWatchInventory(new CloudWatchClient({ region: 'us-east-1' })).alarms(names);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: names.slice(0, 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { AlarmNames: names.slice(100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
    ]);
    expect(found.get('m-1')).toEqual({ state: 'present', facts: { kind: 'MetricAlarm' } });
    expect(found.get('c-1')).toEqual({ state: 'present', facts: { kind: 'CompositeAlarm' } });
    expect(found.get('x-1')).toEqual({ state: 'missing', detail: 'DescribeAlarms lists no alarm of that name' });
    expect(found.get('m-101')).toEqual({ state: 'present', facts: { kind: 'MetricAlarm' } });
  });

  it('a failed call leaves its names unchecked, never missing', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded', 400));
    const found = await new CloudWatchInventory(new CloudWatchClient({ region: 'us-east-1' })).alarms(['a']);
    expect(found.get('a')).toEqual({ state: 'unchecked', detail: 'ThrottlingException (HTTP 400): Rate exceeded' });
  });
});

describe('listedOnce and offering: the names a miss offers, from one list call', () => {
  it('lists once however many misses ask, and offers the names on misses only', async () => {
    let calls = 0;
    const names = listedOnce(async () => {
      calls += 1;
      return ['train-churn', 'score'];
    });
    const miss = { state: 'missing', detail: 'NotFound' } as const;
    expect(await offering(miss, names)).toEqual({ ...miss, among: ['train-churn', 'score'] });
    expect(await offering(miss, names, 'application')).toEqual({
      ...miss,
      among: ['train-churn', 'score'],
      part: 'application',
    });
    expect(await offering({ state: 'present', facts: {} }, names)).toEqual({ state: 'present', facts: {} });
    expect(await offering({ state: 'unchecked', detail: 'AccessDenied' }, names)).toEqual({
      state: 'unchecked',
      detail: 'AccessDenied',
    });
    expect(calls).toBe(1);
  });

  it('a list that fails offers nothing, and the miss stands as it was', async () => {
    const names = listedOnce<string>(() => Promise.reject(sdkError('AccessDeniedException', 'no', 400)));
    expect(await offering({ state: 'missing', detail: 'NotFound' }, names)).toEqual({
      state: 'missing',
      detail: 'NotFound',
    });
  });
});
