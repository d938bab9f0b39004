import * as z from 'zod/mini';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodePipelineApprovals } from '../adapters/aws/codepipeline-approvals';
import { snsTopicOrigin } from '../domain/arns';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { lambdaHandler } from '../config/runtime';
import { gatesRuntime } from '../config/gates-runtime';

const actionStarted = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Action Execution State Change'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipeline: z.string().check(z.minLength(1)),
    'execution-id': z.string().check(z.minLength(1)),
    stage: z.string().check(z.minLength(1)),
    action: z.string().check(z.minLength(1)),
    state: z.string(),
    type: z.object({ category: z.string() }),
  }),
});

/** The message CodePipeline publishes for a manual approval (the SNS message body). */
const approvalMessage = z.object({
  region: z.optional(z.string()),
  approval: z.object({
    pipelineName: z.string().check(z.minLength(1)),
    stageName: z.string().check(z.minLength(1)),
    actionName: z.string().check(z.minLength(1)),
    token: z.string().check(z.minLength(1)),
  }),
});

const snsEvent = z.object({
  Records: z
    .array(
      z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string(), TopicArn: z.optional(z.string()) }) }),
    )
    .check(z.minLength(1)),
});

/**
 * A CodePipeline approval action bound to a gate: from EventBridge (action STARTED; the token is
 * read from GetPipelineState) or from the approval's SNS notification (which carries the token).
 */
export function approvalRequested(gates: GateWorkflow, logger: Logger) {
  const ignore = async (subject: string, reason: string) => {
    logger.error('approval event ignored', { subject, reason });
    await gates.record({ kind: 'gate.ignore', subject, outcome: 'IGNORED', reasons: [reason], inputs: {} });
  };
  return async (event: unknown): Promise<void> => {
    const sns = snsEvent.safeParse(event);
    if (sns.success) {
      for (const record of sns.data.Records) {
        const id = record.Sns.MessageId;
        let body: unknown;
        try {
          body = JSON.parse(record.Sns.Message);
        } catch {
          await ignore(`sns/${id}`, 'SNS message is not JSON');
          continue;
        }
        const message = approvalMessage.safeParse(body);
        if (!message.success) {
          await ignore(`sns/${id}`, 'SNS message is not a CodePipeline approval notification');
          continue;
        }
        // The topic's account is the one AWS vouches for; the body's region is CodePipeline's own field.
        const topic = snsTopicOrigin(record.Sns.TopicArn);
        if (!topic) {
          await ignore(`sns/${id}`, `SNS record has no valid topic ARN (${record.Sns.TopicArn ?? 'none'})`);
          continue;
        }
        const foreign = gates.foreignOrigin({
          account: topic.account,
          ...(message.data.region ? { region: message.data.region } : {}),
        });
        if (foreign) {
          await ignore(`sns/${id}`, foreign);
          continue;
        }
        const a = message.data.approval;
        await gates.onApprovalNotification(
          { pipeline: a.pipelineName, stage: a.stageName, action: a.actionName, token: a.token },
          id,
        );
      }
      return;
    }
    const parsed = actionStarted.safeParse(event);
    const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
    if (!parsed.success) {
      await ignore(`event/${id}`, 'neither a CodePipeline action execution state change nor an approval notification');
      return;
    }
    const { detail } = parsed.data;
    if (detail.type.category !== 'Approval' || detail.state !== 'STARTED') {
      logger.info('not an approval that started; nothing to do', {
        category: detail.type.category,
        state: detail.state,
      });
      return;
    }
    const foreign = gates.foreignOrigin(parsed.data);
    if (foreign) {
      await ignore(`event/${id}`, foreign);
      return;
    }
    await gates.onApprovalStarted(
      { pipeline: detail.pipeline, stage: detail.stage, action: detail.action, executionId: detail['execution-id'] },
      id,
    );
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await gatesRuntime((config) => new CodePipelineApprovals(new CodePipelineClient(config)));
  return approvalRequested(rt.gates, rt.logger);
});
