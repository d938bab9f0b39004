/**
 * `mlops-controller redrive <dlq>`: replays dead-lettered messages through the same handlers. Each
 * message is unwrapped to the event its function received (an EventBridge DLQ message is the event
 * itself; a Lambda on-failure record carries it as `requestPayload`; an SNS subscription DLQ holds
 * the SNS message; the data queue's DLQ holds the S3 notification), routed to its function, and
 * deleted only after that handler succeeded. Idempotency makes a replay of an event that was in
 * fact handled harmless.
 */
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ControllerError } from '../domain/errors';
import { FUNCTION_KEYS, type FunctionKey } from './function-keys';

export { FUNCTION_KEYS, type FunctionKey };

export interface Unwrapped {
  fn: FunctionKey;
  event: unknown;
  /** How the message reached the DLQ, for the report. */
  via: 'eventbridge-dlq' | 'lambda-on-failure' | 'sns-redrive' | 'sqs-redrive';
  error?: string;
}

const BY_DETAIL_TYPE: Record<string, FunctionKey> = {
  'Object Created': 'dataArrived',
  'CodePipeline Pipeline Execution State Change': 'executionFinished',
  'SageMaker Model Building Pipeline Execution Status Change': 'executionFinished',
  'SageMaker Model Package State Change': 'registryGate',
  'CodePipeline Action Execution State Change': 'approvalGate',
  'CloudWatch Alarm State Change': 'alarmRollback',
  'SageMaker Endpoint State Change': 'endpointTracker',
  'CodePipeline Stage Execution State Change': 'stageRetry',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The function named in a Lambda ARN `...:function:<service>-<stage>-<key>[:qualifier]`. */
export function functionOfArn(arn: string): FunctionKey | undefined {
  const name = /:function:([^:]+)/.exec(arn)?.[1] ?? arn;
  return FUNCTION_KEYS.find((key) => name.endsWith(`-${key}`) || name === key);
}

/** Which function an event goes to, by its shape. */
export function route(event: unknown): FunctionKey | undefined {
  if (!isObject(event)) return undefined;
  if (typeof event['detail-type'] === 'string') {
    if (event['detail-type'] === 'Scheduled Event') {
      const resources = Array.isArray(event.resources) ? event.resources.map(String) : [];
      return resources.some((r) => r.endsWith('-rollback-tick')) ? 'alarmRollback' : 'sweeper';
    }
    return BY_DETAIL_TYPE[event['detail-type']];
  }
  if ('DeploymentId' in event && 'LifecycleEventHookExecutionId' in event) return 'deploymentHook';
  // A CloudWatch alarm action invoking the function directly.
  if ('alarmData' in event) return 'alarmRollback';
  if (Array.isArray(event.Records)) {
    const first: unknown = event.Records[0];
    if (isObject(first) && (first.EventSource === 'aws:sns' || first.eventSource === 'aws:sqs')) return undefined;
    return 'dataArrived';
  }
  return undefined;
}

/** CodePipeline's manual-approval notification (ApprovalTopicDLQ holds these). */
function isApprovalNotification(message: unknown): boolean {
  if (typeof message !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(message);
    return isObject(parsed) && isObject(parsed.approval);
  } catch {
    return false;
  }
}

/** An SNS message as a subscription DLQ holds it → the SNS event Lambda would have received. */
function snsEvent(message: Record<string, unknown>, topicArn: string): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:redrive`,
        Sns: {
          Type: 'Notification',
          MessageId: message.MessageId,
          TopicArn: topicArn,
          Subject: message.Subject ?? null,
          Message: message.Message,
          Timestamp: message.Timestamp,
          SignatureVersion: message.SignatureVersion ?? '1',
          Signature: message.Signature ?? '',
          SigningCertUrl: message.SigningCertURL ?? message.SigningCertUrl ?? '',
          UnsubscribeUrl: message.UnsubscribeURL ?? message.UnsubscribeUrl ?? '',
          MessageAttributes: message.MessageAttributes ?? {},
        },
      },
    ],
  };
}

/** An S3 notification from the data queue's DLQ → the SQS batch event Lambda would have received. */
function sqsEvent(message: Message, queueArn: string): unknown {
  return {
    Records: [
      {
        messageId: message.MessageId,
        receiptHandle: message.ReceiptHandle,
        body: message.Body,
        attributes: message.Attributes ?? {},
        messageAttributes: {},
        md5OfBody: message.MD5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: queueArn.split(':')[3] ?? '',
      },
    ],
  };
}

export function unwrap(message: Message, queueArn: string): Unwrapped {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch (cause) {
    throw new ControllerError(`message ${message.MessageId}: body is not JSON`, { cause });
  }
  if (!isObject(body)) throw new ControllerError(`message ${message.MessageId}: body is not a JSON object`);
  if (isObject(body.requestContext) && 'requestPayload' in body) {
    const context = body.requestContext;
    const fn = functionOfArn(String(context.functionArn ?? ''));
    if (!fn) throw new ControllerError(`message ${message.MessageId}: unknown function ${String(context.functionArn)}`);
    const response = isObject(body.responsePayload) ? body.responsePayload : {};
    return {
      fn,
      event: body.requestPayload,
      via: 'lambda-on-failure',
      error:
        `${String(context.condition ?? '')} ${String(response.errorType ?? '')}: ${String(response.errorMessage ?? '')}`.trim(),
    };
  }
  if (body.Type === 'Notification' && typeof body.TopicArn === 'string') {
    const topic = body.TopicArn;
    return {
      fn: topic.endsWith('-alarms')
        ? 'alarmRollback'
        : isApprovalNotification(body.Message)
          ? 'approvalGate'
          : 'dataArrived',
      event: snsEvent(body, topic),
      via: 'sns-redrive',
    };
  }
  const attributes = message.MessageAttributes ?? {};
  const targetArn = attributes.TARGET_ARN?.StringValue;
  const routed = (targetArn ? functionOfArn(targetArn) : undefined) ?? route(body);
  if ('detail-type' in body || attributes.ERROR_CODE) {
    if (!routed)
      throw new ControllerError(`message ${message.MessageId}: no function handles ${String(body['detail-type'])}`);
    const error = attributes.ERROR_CODE?.StringValue;
    return { fn: routed, event: body, via: 'eventbridge-dlq', ...(error ? { error } : {}) };
  }
  if (Array.isArray(body.Records) || body.Event === 's3:TestEvent')
    return { fn: 'dataArrived', event: sqsEvent(message, queueArn), via: 'sqs-redrive' };
  if (routed) return { fn: routed, event: body, via: 'lambda-on-failure' };
  throw new ControllerError(`message ${message.MessageId}: not a shape the controller dead-letters`);
}

export interface RedriveOptions {
  sqs: SQSClient;
  /** A queue URL, or a queue name resolved with GetQueueUrl. */
  queue: string;
  dispatch: (fn: FunctionKey, event: unknown) => Promise<unknown>;
  max?: number;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface RedriveReport {
  received: number;
  replayed: number;
  failed: number;
  /** Per message: the function, the path it came by, what happened. */
  messages: Array<{
    id: string;
    fn?: FunctionKey;
    via?: Unwrapped['via'];
    result: 'replayed' | 'failed' | 'dry-run';
    error?: string;
  }>;
}

export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  const { sqs, dispatch, log = () => {} } = options;
  const url =
    options.queue.startsWith('https://') || options.queue.startsWith('http://')
      ? options.queue
      : (await sqs.send(new GetQueueUrlCommand({ QueueName: options.queue }))).QueueUrl;
  if (!url) throw new ControllerError(`queue ${options.queue} not found`);
  const queueArn = arnOfUrl(url);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const report: RedriveReport = { received: 0, replayed: 0, failed: 0, messages: [] };
  const seen = new Set<string>();
  while (report.received < max) {
    const batch = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, max - report.received),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        // Long enough to replay a message before anyone else sees it; a failure lets it reappear.
        // A dry run leaves every message visible for the real run.
        VisibilityTimeout: options.dryRun ? 0 : 120,
        WaitTimeSeconds: 1,
      }),
    );
    const messages = (batch.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    if (messages.length === 0) break;
    for (const message of messages) {
      seen.add(message.MessageId ?? '');
      report.received += 1;
      const id = message.MessageId ?? '?';
      try {
        const unwrapped = unwrap(message, queueArn);
        if (options.dryRun) {
          report.messages.push({
            id,
            fn: unwrapped.fn,
            via: unwrapped.via,
            result: 'dry-run',
            ...(unwrapped.error ? { error: unwrapped.error } : {}),
          });
          log(
            `${id}: would replay to ${unwrapped.fn} (${unwrapped.via}${unwrapped.error ? `, failed with ${unwrapped.error}` : ''})`,
          );
          continue;
        }
        await dispatch(unwrapped.fn, unwrapped.event);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
        report.replayed += 1;
        report.messages.push({ id, fn: unwrapped.fn, via: unwrapped.via, result: 'replayed' });
        log(`${id}: replayed to ${unwrapped.fn} (${unwrapped.via}), deleted`);
      } catch (error) {
        report.failed += 1;
        report.messages.push({ id, result: 'failed', error: (error as Error).message });
        log(`${id}: kept in the queue: ${(error as Error).message}`);
      }
    }
  }
  return report;
}

/** https://sqs.<region>.amazonaws.com/<account>/<name> → arn:aws:sqs:<region>:<account>:<name> */
function arnOfUrl(url: string): string {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  const region = /sqs\.([a-z0-9-]+)\./.exec(url)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';
  return `arn:aws:sqs:${region}:${parts[0] ?? ''}:${parts[1] ?? ''}`;
}
