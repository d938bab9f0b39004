import { parseModelPackageChange } from '../parsing/model-package';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { lambdaHandler } from '../config/runtime';
import { gatesRuntime } from '../config/gates-runtime';

/** "SageMaker Model Package State Change": a package pending approval is judged by its group's gate. */
export function modelRegistered(gates: GateWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const { commands, invalid } = parseModelPackageChange(event);
    for (const { origin, reason } of invalid) {
      logger.error('not a model package state change', { id: origin.id, problem: reason });
      const subject = `event/${origin.id}`;
      await gates.record({ kind: 'gate.ignore', subject, outcome: 'IGNORED', reasons: [reason], inputs: {} });
    }
    for (const p of commands) {
      const foreign = gates.foreignOrigin(p.origin);
      if (foreign)
        await gates.record({
          kind: 'gate.ignore',
          subject: p.arn,
          outcome: 'IGNORED',
          reasons: [foreign],
          inputs: { eventId: p.id },
        });
      // Our own UpdateModelPackage emits this event too (Approved/Rejected): nothing to decide.
      else if (!p.pending)
        logger.info('package not pending approval; nothing to decide', { arn: p.arn, status: p.status });
      else await gates.onModelPackage(p.arn, p.group, p.id, p.snapshot);
    }
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await gatesRuntime();
  return modelRegistered(rt.gates, rt.logger);
});
