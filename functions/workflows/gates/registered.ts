import type { Gate } from '../../config/policy-gates';
import { ContentionError } from '../../domain/errors';
import {
  gateAnswer,
  gateEvidence,
  judgeableSnapshot,
  packageLabel,
  registryStep,
  sameCheckedInputs,
} from '../../domain/gate-steps';
import { writes } from '../../domain/writes';
import type { ModelPackage } from '../../ports/model-registry';
import { packageDecisionClaim, setStatusCommitted } from '../package-claim';
import { evaluate } from './evaluate';
import { notifyHold, type GateFlow } from './flow';

/** The gate of a model package group, if the policy has one. */
export const gateForGroup = (flow: GateFlow, group: string): Gate | undefined =>
  flow.policy.gates.find((g) => g.modelPackageGroup === group);

/**
 * Registry gate: "Model Package State Change" for `arn` (the event's ARN, never "latest").
 * `snapshot` is the package as the event describes it (the detail mirrors DescribeModelPackage):
 * it is judged while the fresh DescribeModelPackage is in flight, so the fresh read costs no
 * extra round trip. The fresh read decides whether there is anything to decide, and the package
 * is judged again from it if what the checks read (reports, metadata) changed meanwhile.
 */
export async function onModelPackage(
  flow: GateFlow,
  arn: string,
  group: string,
  eventId: string,
  snapshot?: ModelPackage,
): Promise<void> {
  const subject = arn;
  const gate = gateForGroup(flow, group);
  if (!gate) {
    await flow.recorder.ignore(subject, [`no gate for group ${group}`], { eventId });
    return;
  }
  const early = judgeableSnapshot(arn, snapshot) ? evaluate(flow, gate, snapshot) : undefined;
  // Settled below, or abandoned when the fresh read says there is nothing to decide.
  early?.catch(() => undefined);
  const pkg = await flow.registry.describe(arn);
  const step = registryStep(pkg);
  if (step.phase === 'ignore') {
    await flow.recorder.ignore(subject, [step.reason], { eventId });
    return;
  }
  if (step.phase === 'skip') {
    await flow.recorder.record({
      kind: 'gate.registry',
      subject,
      outcome: 'SKIPPED',
      reasons: [step.reason],
      inputs: { eventId, gate: gate.name },
    });
    return;
  }
  const fresh = pkg!;
  const evaluation =
    early && snapshot && sameCheckedInputs(snapshot, fresh) ? await early : await evaluate(flow, gate, fresh);
  const { verdict } = evaluation;
  const inputs = gateEvidence(gate, fresh, evaluation, eventId);
  const answer = gateAnswer(verdict);
  if (answer.phase === 'hold') {
    await notifyHold(
      flow,
      gate,
      `registry#${arn}`,
      `HOLD ${packageLabel(fresh)}: ${verdict.rule}`,
      evaluation.description,
    );
    await flow.recorder.record({
      kind: 'gate.registry',
      subject,
      outcome: 'HOLD',
      reasons: [evaluation.description],
      inputs,
    });
    return;
  }
  // DescribeModelPackage then UpdateModelPackage is no atomic compare-and-set: two concurrent
  // deliveries would both see PendingManualApproval and both decide. The decision's record and
  // its claim are one write (one decision per package); the other delivery is retried and then
  // finds the status set (SKIPPED).
  const committed = await flow.recorder.commit(
    { kind: 'gate.registry', subject, outcome: answer.outcome, reasons: [evaluation.description], inputs },
    packageDecisionClaim(arn),
    [writes.updateModelPackage(arn)],
  );
  if (!committed) throw new ContentionError(`another delivery is deciding ${arn}; retry`);
  await setStatusCommitted(flow.registry, committed, arn, answer.status, evaluation.description);
}
