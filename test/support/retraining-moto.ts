/**
 * The pieces every moto-backed retraining test builds its world from: the S3 "Object Created"
 * event a data drop sends, SageMaker pipelines and their executions on moto, SageMaker's terminal
 * pipeline event, and a clock where only Date moves.
 */
import { CreatePipelineCommand, ListPipelineExecutionsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { jest } from '@jest/globals';
import { uniqueName } from './aws';
import { loadFixture } from './fixtures';

/**
 * S3's EventBridge "Object Created" (the real payload) for `o` in `bucket`, under a fresh event id;
 * an unversioned notification names no version.
 */
export function objectCreated(bucket: string, o: { key: string; size: number; versionId?: string }) {
  const event = loadFixture('s3-object-created.eventbridge.json');
  const { 'version-id': _v, ...object } = event.detail.object;
  return {
    ...event,
    id: uniqueName('event'),
    account: '123456789012',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      ...event.detail,
      bucket: { name: bucket },
      object: { ...object, key: o.key, size: o.size, ...(o.versionId ? { 'version-id': o.versionId } : {}) },
    },
  };
}

/** A SageMaker pipeline on moto that takes the batch's manifest as its `ManifestUri` parameter. */
export async function sageMakerPipeline(sagemaker: SageMakerClient, name: string): Promise<void> {
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      PipelineDefinition: JSON.stringify({
        Version: '2020-12-01',
        Parameters: [{ Name: 'ManifestUri', Type: 'String' }],
        Steps: [],
      }),
      RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-pipeline',
    }),
  );
}

/** The ARNs of the executions of the pipeline `name` moto holds. */
export async function pipelineExecutions(sagemaker: SageMakerClient, name: string): Promise<string[]> {
  const { PipelineExecutionSummaries = [] } = await sagemaker.send(
    new ListPipelineExecutionsCommand({ PipelineName: name }),
  );
  return PipelineExecutionSummaries.map((e) => e.PipelineExecutionArn!);
}

/** SageMaker's "Pipeline Execution Status Change" (the real payload): `execution` Succeeded. */
export const pipelineSucceeded = (execution: string) => ({
  ...loadFixture<Record<string, unknown>>('sagemaker-pipeline-execution-status-change.json'),
  id: uniqueName('event'),
  detail: {
    currentPipelineExecutionStatus: 'Succeeded',
    pipelineArn: execution.split('/execution/')[0],
    pipelineExecutionArn: execution,
  },
});

/**
 * Only Date moves (jest's fake timers with every real timer kept): the SDK's timers, sockets and
 * promises keep running on the real clock. Undo with `jest.useRealTimers()`.
 */
export function moveDateTo(now: number | string): void {
  jest.useFakeTimers({
    now: typeof now === 'string' ? Date.parse(now) : now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
