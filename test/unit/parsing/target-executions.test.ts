import { readFileSync } from 'node:fs';
import { parseExecutionStateChange } from '../../../functions/parsing/pipeline-execution';

/** The documented payloads events/samples keeps (the shared fixtures have none for these services). */

const sample = (file: string): Record<string, any> => JSON.parse(readFileSync(`events/samples/${file}`, 'utf8'));
const stepFunctions = () => sample('stepfunctions-execution-status-change.failed.json');
const codeBuild = () => sample('codebuild-build-state-change.succeeded.docs-repaired.json');

describe('parseExecutionStateChange: Step Functions and CodeBuild', () => {
  it('reads a Step Functions execution’s end: the state machine by name and ARN, the execution ARN', () => {
    expect(parseExecutionStateChange(stepFunctions()).commands).toEqual([
      {
        id: '315c1398-40ff-a850-213b-158f73e60175',
        origin: { account: '012345678912', region: 'us-east-1' },
        target: {
          type: 'stepfunctions',
          name: 'state-machine',
          stateMachineArn: 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine',
        },
        executionId: 'arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name',
        status: 'FAILED',
        ended: true,
      },
    ]);
  });

  it.each([
    ['SUCCEEDED', true],
    ['TIMED_OUT', true],
    ['ABORTED', true],
    ['RUNNING', false],
  ])('treats Step Functions status %s as ended: %s', (status, ended) => {
    const e = stepFunctions();
    e.detail.status = status;
    expect(parseExecutionStateChange(e).commands[0]?.ended).toBe(ended);
  });

  it('reads a CodeBuild build’s end: the project and the build ARN', () => {
    expect(parseExecutionStateChange(codeBuild()).commands).toEqual([
      {
        id: 'c030038d-8c4d-6141-9545-00ff7b7153EX',
        origin: { account: '123456789012', region: 'us-west-2' },
        target: { type: 'codebuild', name: 'my-sample-project' },
        executionId:
          'arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX',
        status: 'SUCCEEDED',
        ended: true,
      },
    ]);
  });

  it.each([
    ['FAILED', true],
    ['FAULT', true],
    ['STOPPED', true],
    ['TIMED_OUT', true],
    ['IN_PROGRESS', false],
  ])('treats CodeBuild status %s as ended: %s', (status, ended) => {
    const e = codeBuild();
    e.detail['build-status'] = status;
    expect(parseExecutionStateChange(e).commands[0]?.ended).toBe(ended);
  });

  it('reports a Step Functions event whose stateMachineArn names no state machine as invalid', () => {
    const e = stepFunctions();
    e.detail.stateMachineArn = 'arn:aws:states:us-east-1:012345678912:activity:a';
    const parsed = parseExecutionStateChange(e);
    expect(parsed.commands).toEqual([]);
    expect(parsed.invalid).toHaveLength(1);
  });

  it('reports a CodeBuild event without a build id as invalid', () => {
    const e = codeBuild();
    delete e.detail['build-id'];
    const parsed = parseExecutionStateChange(e);
    expect(parsed.commands).toEqual([]);
    expect(parsed.invalid).toHaveLength(1);
  });
});
