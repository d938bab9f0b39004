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
    const [start, ...more] = calls('StartExecution');
    expect(more).toEqual([]);
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
    expect(outcomes('audio/0')).toEqual([
      'retraining.batch CLOSED',
      'retraining.defer DEFERRED',
      'retraining.start STARTED',
    ]);
    expect(doc.decisions.find((d) => d.subject === 'audio/0' && d.kind === 'retraining.defer')?.reasons).toEqual([
      expect.stringContaining('controller.codebuild.maxConcurrentBuilds (1)'),
    ]);
  });
});
