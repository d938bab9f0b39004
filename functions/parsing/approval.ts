import * as z from 'zod/mini';
import { snsTopicOrigin } from '../domain/arns';
import { describeIssues } from '../domain/validation';
import type { Parsed, Rejected, RecordOrigin } from './parsed';

/**
 * Every way a CodePipeline manual approval reaches the approval gate, flattened into deliveries:
 *
 * - EventBridge "CodePipeline Action Execution State Change" (category Approval, state STARTED);
 * - the approval action's own SNS notification (`NotificationArn`: the message carries the token);
 * - a CodeStar Notifications rule on the pipeline targeting an SNS topic. Its message is the
 *   EventBridge event re-shaped (`detailType`, `detail`, `notificationRuleArn`); the
 *   `codepipeline-pipeline-manual-approval-needed` event type is that action event with state
 *   STARTED. AWS documents no approval token in it, so it is answered like the EventBridge event
 *   (the token is read from GetPipelineState for the execution the detail names).
 *
 * The SNS record's TopicArn is what Lambda vouches for, so its account is checked against the policy
 * along with the message's own region (and, for CodeStar, the message's account).
 */
export interface ApprovalOrigin {
  account?: string;
  region?: string;
}

interface Target {
  pipeline: string;
  stage: string;
  action: string;
}

export type ApprovalRequest =
  | {
      kind: 'started';
      /** The EventBridge event id or the SNS MessageId: the handler-level idempotency key. */
      id: string;
      subject: string;
      via: 'eventbridge' | 'codestar-notification';
      /** Every origin must be one of the policy's accounts and regions. */
      origins: ApprovalOrigin[];
      target: Target & { executionId: string };
    }
  | {
      kind: 'notification';
      id: string;
      subject: string;
      origins: ApprovalOrigin[];
      target: Target & { token: string };
    };

/** A request, or a record that is not one: skipped (another action or state) or invalid. */
type Delivery = ApprovalRequest | { kind: 'skipped'; rejected: Rejected } | { kind: 'invalid'; rejected: Rejected };

/** The subject decisions about a record name: `sns/<MessageId>` or `event/<id>`. */
export function approvalSubject(origin: RecordOrigin): string {
  return origin.via === 'sns' ? `sns/${origin.id}` : `event/${origin.id}`;
}

const nonEmpty = () => z.string().check(z.minLength(1));

const actionDetail = z.object({
  pipeline: nonEmpty(),
  'execution-id': nonEmpty(),
  stage: nonEmpty(),
  action: nonEmpty(),
  state: z.string(),
  type: z.object({ category: z.string() }),
});

const actionStarted = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Action Execution State Change'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: actionDetail,
});

/** The message CodePipeline publishes for a manual approval (CodePipeline user guide, approvals-json-format). */
const approvalMessage = z.object({
  region: z.optional(z.string()),
  approval: z.object({
    pipelineName: nonEmpty(),
    stageName: nonEmpty(),
    actionName: nonEmpty(),
    token: nonEmpty(),
  }),
});

/** A CodeStar Notifications message (BASIC or FULL: FULL only adds `additionalAttributes` content). */
const codestarNotification = z.object({
  account: nonEmpty(),
  region: nonEmpty(),
  source: z.string(),
  detailType: z.string(),
  notificationRuleArn: nonEmpty(),
  detail: z.unknown(),
});

const snsEvent = z.object({
  Records: z
    .array(
      z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string(), TopicArn: z.optional(z.string()) }) }),
    )
    .check(z.minLength(1)),
});

const ACTION_CHANGE = 'CodePipeline Action Execution State Change';

function firstIssue(error: z.core.$ZodError): string {
  return describeIssues(error, { limit: 1 }) || 'invalid';
}

function defined(origin: ApprovalOrigin): ApprovalOrigin {
  return {
    ...(origin.account ? { account: origin.account } : {}),
    ...(origin.region ? { region: origin.region } : {}),
  };
}

/** An approval action that is not waiting (another category or state) is skipped, never an error. */
function startedOrSkipped(
  detail: z.infer<typeof actionDetail>,
  base: { id: string; subject: string; origins: ApprovalOrigin[] },
  via: 'eventbridge' | 'codestar-notification',
): Delivery {
  if (detail.type.category !== 'Approval' || detail.state !== 'STARTED')
    return {
      kind: 'skipped',
      rejected: {
        origin: { via: via === 'eventbridge' ? 'eventbridge' : 'sns', id: base.id },
        reason: `category ${detail.type.category}, state ${detail.state}: not an approval that started`,
      },
    };
  return {
    kind: 'started',
    ...base,
    via,
    target: {
      pipeline: detail.pipeline,
      stage: detail.stage,
      action: detail.action,
      executionId: detail['execution-id'],
    },
  };
}

function fromSnsRecord(record: { MessageId: string; Message: string; TopicArn?: string | undefined }): Delivery {
  const id = record.MessageId;
  const subject = `sns/${id}`;
  const invalid = (reason: string): Delivery => ({ kind: 'invalid', rejected: { origin: { via: 'sns', id }, reason } });
  let body: unknown;
  try {
    body = JSON.parse(record.Message);
  } catch {
    return invalid('SNS message is not JSON');
  }
  const isCodestar = typeof body === 'object' && body !== null && 'notificationRuleArn' in body;
  const topic = () => snsTopicOrigin(record.TopicArn);
  const noTopic = () => invalid(`SNS record has no valid topic ARN (${record.TopicArn ?? 'none'})`);

  if (!isCodestar) {
    const message = approvalMessage.safeParse(body);
    if (!message.success) return invalid('SNS message is not a CodePipeline approval notification');
    const t = topic();
    if (!t) return noTopic();
    const a = message.data.approval;
    return {
      kind: 'notification',
      id,
      subject,
      origins: [defined({ account: t.account, region: message.data.region })],
      target: { pipeline: a.pipelineName, stage: a.stageName, action: a.actionName, token: a.token },
    };
  }

  const note = codestarNotification.safeParse(body);
  if (!note.success) return invalid(`CodeStar notification: ${firstIssue(note.error)}`);
  const n = note.data;
  if (n.source !== 'aws.codepipeline' || n.detailType !== ACTION_CHANGE)
    return {
      kind: 'skipped',
      rejected: {
        origin: { via: 'sns', id },
        reason: `CodeStar notification ${n.source} "${n.detailType}" is not a CodePipeline action execution state change`,
      },
    };
  const detail = z.object({ detail: actionDetail }).safeParse(n);
  if (!detail.success) return invalid(`CodeStar notification: ${firstIssue(detail.error)}`);
  const t = topic();
  if (!t) return noTopic();
  // The topic's account is what Lambda vouches for; the message's account is the pipeline's.
  const origins = [defined({ account: t.account, region: n.region }), defined({ account: n.account })];
  return startedOrSkipped(detail.data.detail, { id, subject, origins }, 'codestar-notification');
}

function deliveries(event: unknown): Delivery[] {
  const sns = snsEvent.safeParse(event);
  if (sns.success) return sns.data.Records.map((r) => fromSnsRecord(r.Sns));
  const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
  const subject = `event/${id}`;
  const parsed = actionStarted.safeParse(event);
  if (!parsed.success)
    return [
      {
        kind: 'invalid',
        rejected: {
          origin: { via: 'unknown', id },
          reason: 'neither a CodePipeline action execution state change nor an approval notification',
        },
      },
    ];
  const origins = [defined({ account: parsed.data.account, region: parsed.data.region })];
  return [startedOrSkipped(parsed.data.detail, { id, subject, origins }, 'eventbridge')];
}

/** The approval gate's Lambda input (EventBridge event or SNS records) as approval requests. */
export function parseApproval(event: unknown): Parsed<ApprovalRequest> {
  const out: Parsed<ApprovalRequest> = { commands: [], skipped: [], invalid: [] };
  for (const d of deliveries(event)) {
    if (d.kind === 'skipped') out.skipped.push(d.rejected);
    else if (d.kind === 'invalid') out.invalid.push(d.rejected);
    else out.commands.push(d);
  }
  return out;
}
