import type { ApprovalBinding, Gate } from '../../config/policy-gates';
import { ControllerError } from '../../domain/errors';
import {
  approvalPackageProblem,
  gateAnswer,
  gateEvidence,
  notificationStep,
  problemEvaluation,
  tokenStep,
  type Evaluation,
  type PackageProblem,
} from '../../domain/gate-steps';
import type { ModelPackage } from '../../ports/model-registry';
import { evaluate } from './evaluate';
import { notifyHold, type GateFlow } from './flow';

/** The token may lag the STARTED event: GetPipelineState is retried after 1, 2, 4, 8 s (15 s in all). */
const TOKEN_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];

/** Thrown when the approval token never became visible: the delivery is retried later. */
export class ApprovalTokenNotVisibleError extends ControllerError {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

export interface Bound {
  gate: Gate;
  binding: ApprovalBinding;
}

/** The gate and binding of a CodePipeline approval action, if one is bound to it. */
export function bindingFor(flow: GateFlow, pipeline: string, stage: string, action: string): Bound | undefined {
  for (const gate of flow.policy.gates)
    for (const binding of gate.approvals)
      if (binding.pipeline === pipeline && binding.stage === stage && binding.action === action)
        return { gate, binding };
  return undefined;
}

async function ignoreUnbound(flow: GateFlow, subject: string, eventId: string): Promise<void> {
  await flow.recorder.ignore(subject, ['no gate is bound to this approval action'], { eventId });
}

/** The approval is not ours to answer (any more): recorded, nothing written. */
async function skipped(flow: GateFlow, subject: string, reason: string, eventId: string, gate: Gate): Promise<void> {
  await flow.recorder.record({
    kind: 'gate.approval',
    subject,
    outcome: 'SKIPPED',
    reasons: [reason],
    inputs: { eventId, gate: gate.name },
  });
}

/** CodePipeline gate: an approval action of `executionId` STARTED (EventBridge). */
export async function onApprovalStarted(
  flow: GateFlow,
  target: { pipeline: string; stage: string; action: string; executionId: string },
  eventId: string,
): Promise<void> {
  const subject = `${target.pipeline}/${target.stage}/${target.action}@${target.executionId}`;
  const bound = bindingFor(flow, target.pipeline, target.stage, target.action);
  if (!bound) {
    await ignoreUnbound(flow, subject, eventId);
    return;
  }
  for (let attempt = 0; ; attempt += 1) {
    const state = await flow.approvals.actionState(target.pipeline, target.stage, target.action);
    const step = tokenStep(state, target.executionId);
    if (step.phase === 'skip') {
      await skipped(flow, subject, step.reason, eventId, bound.gate);
      return;
    }
    if (step.phase === 'answer') {
      await answerApproval(flow, bound, { ...target, token: step.token }, subject, eventId);
      return;
    }
    if (attempt >= TOKEN_BACKOFF_MS.length) break;
    await flow.clock.sleep(TOKEN_BACKOFF_MS[attempt]!);
  }
  const reason = `no approval token for execution ${target.executionId} after ${TOKEN_BACKOFF_MS.length + 1} reads of GetPipelineState`;
  await flow.recorder.record({
    kind: 'gate.approval',
    subject,
    outcome: 'RETRY',
    reasons: [reason],
    inputs: { eventId },
  });
  throw new ApprovalTokenNotVisibleError(reason);
}

/** CodePipeline gate: the approval action's SNS notification, which carries the token. */
export async function onApprovalNotification(
  flow: GateFlow,
  target: { pipeline: string; stage: string; action: string; token: string },
  eventId: string,
): Promise<void> {
  const subject = `${target.pipeline}/${target.stage}/${target.action}#${target.token.slice(0, 8)}`;
  const bound = bindingFor(flow, target.pipeline, target.stage, target.action);
  if (!bound) {
    await ignoreUnbound(flow, subject, eventId);
    return;
  }
  let executionId: string | undefined;
  if ('variable' in bound.binding.package) {
    // The package is named by an execution variable, so the execution must be known.
    const step = notificationStep(
      await flow.approvals.actionState(target.pipeline, target.stage, target.action),
      target.token,
    );
    if (step.phase === 'skip') {
      await skipped(flow, subject, step.reason, eventId, bound.gate);
      return;
    }
    executionId = step.executionId;
  }
  await answerApproval(flow, bound, { ...target, ...(executionId ? { executionId } : {}) }, subject, eventId);
}

async function answerApproval(
  flow: GateFlow,
  { gate, binding }: Bound,
  target: { pipeline: string; stage: string; action: string; token: string; executionId?: string },
  subject: string,
  eventId: string,
): Promise<void> {
  const found = await packageFor(flow, gate, binding, target);
  const pkg = 'pkg' in found ? found.pkg : undefined;
  const evaluation: Evaluation = pkg
    ? await evaluate(flow, gate, pkg)
    : problemEvaluation(gate, found as PackageProblem);
  const inputs = {
    ...(pkg ? gateEvidence(gate, pkg, evaluation, eventId) : { eventId, gate: gate.name }),
    target: { ...target, token: undefined },
  };
  const answer = gateAnswer(evaluation.verdict);
  if (answer.phase === 'hold') {
    await notifyHold(
      flow,
      gate,
      `approval#${target.pipeline}#${target.stage}#${target.action}#${target.token}`,
      `HOLD ${target.pipeline}/${target.action}: ${evaluation.verdict.rule}`,
      evaluation.description,
    );
    await flow.recorder.record({
      kind: 'gate.approval',
      subject,
      outcome: 'HOLD',
      reasons: [evaluation.summary],
      inputs,
    });
    return;
  }
  const result = await flow.approvals.answer(target, answer.status, evaluation.summary);
  if (!result.answered) {
    await flow.recorder.record({
      kind: 'gate.approval',
      subject,
      outcome: 'SKIPPED',
      reasons: [
        `would answer ${answer.status}, but CodePipeline said ${result.reason}: already answered or expired`,
        evaluation.summary,
      ],
      inputs,
    });
    return;
  }
  await flow.recorder.record({
    kind: 'gate.approval',
    subject,
    outcome: answer.outcome,
    reasons: [evaluation.summary],
    inputs,
  });
}

/** The package an approval is about: the execution's variable, or the group's newest in a status. */
async function packageFor(
  flow: GateFlow,
  gate: Gate,
  binding: ApprovalBinding,
  target: { pipeline: string; executionId?: string },
): Promise<{ pkg: ModelPackage } | PackageProblem> {
  let arn: string | undefined;
  if ('variable' in binding.package) {
    if (!target.executionId) return { problem: 'the execution is unknown, so its variables cannot be read' };
    const variables = await flow.approvals.variables(target.pipeline, target.executionId);
    arn = variables[binding.package.variable];
    if (!arn) return { problem: `execution ${target.executionId} has no variable ${binding.package.variable}` };
  } else {
    const newest = await flow.registry.listByStatus(gate.modelPackageGroup, binding.package.status, 1);
    arn = newest[0]?.arn;
    if (!arn) return { problem: `group ${gate.modelPackageGroup} has no package in ${binding.package.status}` };
  }
  const pkg = await flow.registry.describe(arn);
  const problem = approvalPackageProblem(gate, arn, pkg);
  return problem ?? { pkg: pkg! };
}
