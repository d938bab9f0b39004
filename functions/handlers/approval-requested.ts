import { parseApprovalDeliveries } from '../domain/approval-deliveries';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { lambdaHandler } from '../config/runtime';
import { approvalGatesRuntime } from '../config/approval-gates-runtime';

/**
 * A CodePipeline approval action bound to a gate: from EventBridge or a CodeStar Notifications rule
 * (action STARTED; the token is read from GetPipelineState) or from the approval's own SNS
 * notification (which carries the token). Parsing: functions/domain/approval-deliveries.ts.
 */
export function approvalRequested(gates: GateWorkflow, logger: Logger) {
  const ignore = async (subject: string, reason: string) => {
    logger.error('approval event ignored', { subject, reason });
    await gates.record({ kind: 'gate.ignore', subject, outcome: 'IGNORED', reasons: [reason], inputs: {} });
  };
  return async (event: unknown): Promise<void> => {
    for (const d of parseApprovalDeliveries(event)) {
      if (d.kind === 'invalid') {
        await ignore(d.subject, d.reason);
        continue;
      }
      if (d.kind === 'skipped') {
        logger.info('not an approval that started; nothing to do', { subject: d.subject, reason: d.reason });
        continue;
      }
      const foreign = d.origins.map((o) => gates.foreignOrigin(o)).find((r) => r !== undefined);
      if (foreign) {
        await ignore(d.subject, foreign);
        continue;
      }
      if (d.kind === 'started') await gates.onApprovalStarted(d.target, d.id);
      else await gates.onApprovalNotification(d.target, d.id);
    }
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await approvalGatesRuntime();
  return approvalRequested(rt.gates, rt.logger);
});
