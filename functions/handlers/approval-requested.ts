import { approvalSubject, parseApproval } from '../parsing/approval';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { lambdaHandler } from '../config/runtime';
import { approvalGatesRuntime } from '../config/approval-gates-runtime';

/**
 * A CodePipeline approval action bound to a gate: from EventBridge or a CodeStar Notifications rule
 * (action STARTED; the token is read from GetPipelineState) or from the approval's own SNS
 * notification (which carries the token). Parsing: functions/parsing/approval.ts.
 */
export function approvalRequested(gates: GateWorkflow, logger: Logger) {
  const ignore = async (subject: string, reason: string) => {
    logger.error('approval event ignored', { subject, reason });
    await gates.record({ kind: 'gate.ignore', subject, outcome: 'IGNORED', reasons: [reason], inputs: {} });
  };
  return async (event: unknown): Promise<void> => {
    const { commands, skipped, invalid } = parseApproval(event);
    for (const { origin, reason } of invalid) await ignore(approvalSubject(origin), reason);
    for (const { origin, reason } of skipped)
      logger.info('not an approval that started; nothing to do', { subject: approvalSubject(origin), reason });
    for (const d of commands) {
      const foreign = d.origins.map((o) => gates.foreignOrigin(o)).find((r) => r !== undefined);
      if (foreign) await ignore(d.subject, foreign);
      else if (d.kind === 'started') await gates.onApprovalStarted(d.target, d.id);
      else await gates.onApprovalNotification(d.target, d.id);
    }
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await approvalGatesRuntime();
  return approvalRequested(rt.gates, rt.logger);
});
