import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectRef } from '../domain/objects';

/** Real AWS payloads (events/samples) cloned and filled in: simulate never invents a shape. */
const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'events', 'samples');
const cache = new Map<string, unknown>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sample(name: string): any {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(samplesDir, name), 'utf8')));
  return structuredClone(cache.get(name));
}

export interface Where {
  account: string;
  region: string;
  time: string;
  id: string;
}

/** S3 notification keys are form-encoded (space → `+`), slashes kept. */
export function encodeNotificationKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

export function s3EventBridgeEvent(o: ObjectRef, w: Where): unknown {
  const e = sample('s3-object-created.eventbridge.json');
  Object.assign(e, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: w.time,
    resources: [`arn:aws:s3:::${o.bucket}`],
  });
  e.detail.bucket.name = o.bucket;
  e.detail.object = {
    key: o.key,
    size: o.size,
    etag: o.etag,
    sequencer: o.sequencer,
    ...(o.versionId ? { 'version-id': o.versionId } : {}),
  };
  return e;
}

export function s3Notification(objects: readonly ObjectRef[], w: Where): { Records: unknown[] } {
  const template = sample('s3-object-created-put.notification.json').Records[0];
  return {
    Records: objects.map((o) => {
      const r = structuredClone(template);
      r.awsRegion = w.region;
      r.eventTime = w.time;
      r.s3.bucket.name = o.bucket;
      r.s3.bucket.arn = `arn:aws:s3:::${o.bucket}`;
      r.s3.object = {
        key: encodeNotificationKey(o.key),
        size: o.size,
        eTag: o.etag,
        sequencer: o.sequencer,
        ...(o.versionId ? { versionId: o.versionId } : {}),
      };
      return r;
    }),
  };
}

/** The SNS notification document (what SNS delivers to SQS when raw delivery is off). */
export function snsNotification(message: unknown, w: Where): Record<string, unknown> {
  const sns = sample('sns-envelope.json').Records[0].Sns;
  return {
    ...sns,
    MessageId: w.id,
    TopicArn: `arn:aws:sns:${w.region}:${w.account}:s3-data-drops`,
    Timestamp: w.time,
    Subject: 'Amazon S3 Notification',
    Message: JSON.stringify(message),
  };
}

export function snsEvent(message: unknown, w: Where): unknown {
  const e = sample('sns-envelope.json');
  e.Records[0].EventSubscriptionArn = `arn:aws:sns:${w.region}:${w.account}:s3-data-drops:${w.id}`;
  e.Records[0].Sns = snsNotification(message, w);
  return e;
}

export function sqsEvent(bodies: ReadonlyArray<{ id: string; body: unknown }>, w: Where): unknown {
  const template = sample('s3-object-created-put.via-sqs.powertools.json').Records[0];
  return {
    Records: bodies.map(({ id, body }) => {
      const r = structuredClone(template);
      r.messageId = id;
      r.body = JSON.stringify(body);
      r.eventSourceARN = `arn:aws:sqs:${w.region}:${w.account}:s3-data-drops`;
      r.awsRegion = w.region;
      return r;
    }),
  };
}

export function codePipelineFinishedEvent(pipeline: string, executionId: string, state: string, w: Where): unknown {
  const e = sample('codepipeline-pipeline-execution-state-change.succeeded.json');
  Object.assign(e, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: w.time,
    resources: [`arn:aws:codepipeline:${w.region}:${w.account}:${pipeline}`],
  });
  Object.assign(e.detail, { pipeline, 'execution-id': executionId, state });
  return e;
}

/** A state machine ARN may carry a version or alias; the event names the state machine itself. */
export function stepFunctionsFinishedEvent(
  stateMachineArn: string,
  executionArn: string,
  status: string,
  w: Where,
): unknown {
  const e = sample('stepfunctions-execution-status-change.failed.json');
  Object.assign(e, { id: w.id, account: w.account, region: w.region, time: w.time, resources: [executionArn] });
  Object.assign(e.detail, {
    executionArn,
    stateMachineArn: stateMachineArn.split(':').slice(0, 7).join(':'),
    name: executionArn.split(':').at(-1),
    status,
    stopDate: Date.parse(w.time),
  });
  return e;
}

export function codeBuildFinishedEvent(project: string, buildArn: string, status: string, w: Where): unknown {
  const e = sample('codebuild-build-state-change.succeeded.docs-repaired.json');
  Object.assign(e, { id: w.id, account: w.account, region: w.region, time: w.time, resources: [buildArn] });
  Object.assign(e.detail, { 'project-name': project, 'build-id': buildArn, 'build-status': status });
  return e;
}

export function sageMakerFinishedEvent(executionArn: string, status: string, w: Where): unknown {
  const e = sample('sagemaker-pipeline-execution-status-change.json');
  const pipelineArn = executionArn.split('/execution/')[0];
  Object.assign(e, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: w.time,
    resources: [pipelineArn, executionArn],
  });
  Object.assign(e.detail, {
    pipelineArn,
    pipelineExecutionArn: executionArn,
    currentPipelineExecutionStatus: status,
    previousPipelineExecutionStatus: 'Executing',
    executionEndTime: w.time,
  });
  return e;
}
