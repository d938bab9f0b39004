import { execFileSync } from 'node:child_process';
import type { SimulationResult } from '../../../functions/cli/simulate';

type Doc = Pick<SimulationResult, 'actions' | 'decisions'>;

const doc: Doc = JSON.parse(
  execFileSync(
    'node',
    ['functions/cli/bin.mjs', 'simulate', 'test/scenarios/targets-stepfunctions-codebuild.yml', '--json'],
    {
      encoding: 'utf8',
    },
  ),
);
const calls = (operation: string) => doc.actions.filter((a) => a.operation === operation);
const outcomes = (subject: string) =>
  doc.decisions.filter((d) => d.subject === subject).map((d) => `${d.kind} ${d.outcome}`);

describe('simulate starts Step Functions and CodeBuild targets from data drops', () => {
  it('starts the state machine once for a marker delivered twice, named after the batch, the manifest in its input', () => {
    // The second start is the next day's batch (forecast/1).
    const [start, ...more] = calls('StartExecution');
    expect(more.map((a) => a.input.name)).toEqual([expect.stringMatching(/^forecast-1-[0-9a-f]{16}$/)]);
    expect(start).toMatchObject({
      service: 'sfn',
      input: {
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:forecast-training',
        name: expect.stringMatching(/^forecast-0-[0-9a-f]{16}$/),
      },
    });
    expect(JSON.parse(String(start!.input.input))).toEqual({
      manifestUri: 's3://acme-ml-artifacts/mlops-controller/manifests/forecast/batch-000000.json',
      batchId: 'forecast-0',
      parameters: { horizonDays: '28' },
    });
    expect(outcomes('forecast/0')).toEqual([
      'retraining.batch CLOSED',
      'retraining.start STARTED',
      'retraining.release SUCCEEDED',
    ]);
  });

  it('starts a build with the manifest variable, defers the next project beyond the account slot, and starts it when the build ends', () => {
    expect(calls('StartBuild').map((a) => a.input.projectName)).toEqual(['vision-train', 'audio-train']);
    expect(calls('StartBuild')[0]!.input.environmentVariablesOverride).toEqual([
      {
        name: 'MANIFEST_URI',
        value: 's3://acme-ml-artifacts/mlops-controller/manifests/vision/batch-000000.json',
        type: 'PLAINTEXT',
      },
      { name: 'BATCH_ID', value: 'vision-0', type: 'PLAINTEXT' },
    ]);
    expect(outcomes('audio/0').slice(0, 3)).toEqual([
      'retraining.batch CLOSED',
      'retraining.defer DEFERRED',
      'retraining.start STARTED',
    ]);
    expect(doc.decisions.find((d) => d.subject === 'audio/0' && d.kind === 'retraining.defer')?.reasons).toEqual([
      expect.stringContaining('controller.codebuild.maxConcurrentBuilds (1)'),
    ]);
  });

  it('explains a failed build by its phase, the end of its log and one cause; a failed execution by its state', () => {
    const failure = (subject: string) =>
      doc.decisions.find((d) => d.subject === subject && d.kind === 'retraining.failure');
    expect(outcomes('audio/0')).toEqual([
      'retraining.batch CLOSED',
      'retraining.defer DEFERRED',
      'retraining.start STARTED',
      'retraining.release FAILED',
      'retraining.failure FAILED',
    ]);
    expect(failure('audio/0')?.reasons[0]).toMatch(
      /^codebuild:audio-train run arn:aws:codebuild:\S+ failed at phase BUILD \(FAILED\): COMMAND_EXECUTION_ERROR: .*exit status 137\. Log ends: epoch 1\/40: loaded 1,204,311 clips into memory \| epoch 1\/40: building spectrogram cache\. Likely cause: out of memory; /,
    );
    expect(failure('forecast/1')?.reasons[0]).toMatch(
      /^stepfunctions:forecast-training run arn:aws:states:\S+:forecast-1-[0-9a-f]{16} failed at state Train \(TaskFailed\): SageMaker\.AmazonSageMakerException: .*\. Likely cause: quota or capacity; /,
    );
    // A success explains nothing.
    expect(failure('forecast/0')).toBeUndefined();
  });
});
