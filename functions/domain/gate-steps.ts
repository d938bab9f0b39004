/**
 * What a gate does with what it read, as pure functions returning a phase with its reason: the
 * registry gate's package (judge, skip, ignore), the approval action's state (answer with the
 * token, skip, wait for the token), the package an approval names, and what a verdict answers.
 * The workflows (functions/workflows/gates/) read and write; these decide.
 */
import type { Gate } from '../config/policy-gates';
import type { ApprovalActionState } from '../ports/approvals';
import type { ModelPackage } from '../ports/model-registry';
import { summarize, thresholdOf, type GateOutcome, type Verdict } from './gates';

/** The gate's verdict with the two texts AWS limits: ApprovalDescription (≤ 1024), PutApprovalResult (≤ 512). */
export interface Evaluation {
  verdict: Verdict;
  champion?: ModelPackage;
  /** For ApprovalDescription (≤ 1024). */
  description: string;
  /** For PutApprovalResult (≤ 512). */
  summary: string;
}

/** `group/version`, or the ARN's `model-package/...` part for an unversioned package. */
export const packageLabel = (p: Pick<ModelPackage, 'arn' | 'group' | 'version'>): string =>
  p.version !== undefined ? `${p.group}/${p.version}` : (p.arn.split(':model-package/')[1] ?? p.arn);

/** What a gate's checks read from a package: its reports' locations and digests, its metadata. */
function checkedInputs(p: ModelPackage): string {
  const reports = Object.entries(p.reports)
    .map(([source, ref]) => [source, ref?.s3Uri, ref?.contentDigest ?? ''])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const metadata = Object.entries(p.customerMetadata).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([p.group, reports, metadata]);
}

/** Whether a judgement of `before` holds for `after`: the checks read the same reports and metadata. */
export const sameCheckedInputs = (before: ModelPackage, after: ModelPackage): boolean =>
  checkedInputs(before) === checkedInputs(after);

/** Whether the event's own description of the package can be judged while the fresh read is in flight. */
export const judgeableSnapshot = (arn: string, snapshot: ModelPackage | undefined): snapshot is ModelPackage =>
  snapshot?.arn === arn && snapshot.status === 'PendingManualApproval';

export type RegistryStep =
  /** The package does not exist (deleted since the event): nothing to record but the delivery. */
  | { phase: 'ignore'; reason: string }
  /** Decided already, by a person or by an earlier delivery of the same event. */
  | { phase: 'skip'; reason: string }
  | { phase: 'judge' };

/** The registry gate, on the package as the fresh DescribeModelPackage read it. */
export function registryStep(pkg: Pick<ModelPackage, 'status'> | undefined): RegistryStep {
  if (!pkg) return { phase: 'ignore', reason: 'model package does not exist' };
  if (pkg.status !== 'PendingManualApproval')
    return { phase: 'skip', reason: `status is ${pkg.status}, not PendingManualApproval: nothing to decide` };
  return { phase: 'judge' };
}

export type GateAnswer =
  /** The decision stays with a person (the package stays PendingManualApproval). */
  { phase: 'hold' } | { phase: 'answer'; outcome: Exclude<GateOutcome, 'HOLD'>; status: 'Approved' | 'Rejected' };

/** What a verdict writes: the registry's ModelApprovalStatus, CodePipeline's approval status. */
export function gateAnswer(verdict: Pick<Verdict, 'outcome'>): GateAnswer {
  if (verdict.outcome === 'HOLD') return { phase: 'hold' };
  return { phase: 'answer', outcome: verdict.outcome, status: verdict.outcome === 'APPROVE' ? 'Approved' : 'Rejected' };
}

export type TokenStep =
  /** The approval is answered already (by a person, or an earlier delivery). */
  | { phase: 'skip'; reason: string }
  | { phase: 'answer'; token: string }
  /** The token is not visible yet (GetPipelineState may lag the STARTED event). */
  | { phase: 'wait'; reason: string };

/** An approval action of `executionId` STARTED: what GetPipelineState's view of the action says to do. */
export function tokenStep(state: ApprovalActionState | undefined, executionId: string): TokenStep {
  if (state?.executionId === executionId && state.status && state.status !== 'InProgress')
    return {
      phase: 'skip',
      reason: `the approval is already ${state.status}: answered by a person or an earlier delivery`,
    };
  if (state?.executionId === executionId && state.token) return { phase: 'answer', token: state.token };
  return { phase: 'wait', reason: `no approval token for execution ${executionId} in GetPipelineState` };
}

export type NotificationStep = { phase: 'skip'; reason: string } | { phase: 'answer'; executionId: string };

/**
 * An approval notification names no execution: the stage's current execution is the one whose
 * pending token is the notification's.
 */
export function notificationStep(state: ApprovalActionState | undefined, token: string): NotificationStep {
  if (!state || state.token !== token || !state.executionId)
    return {
      phase: 'skip',
      reason: 'the token is no longer the action\u2019s pending token: answered, expired or superseded',
    };
  return { phase: 'answer', executionId: state.executionId };
}

/** Why the package an approval names cannot be judged (`reject`: refused outright), if it cannot. */
export type PackageProblem = { problem: string; reject?: true };

/** The package an approval names, as described: judged, or a problem with it. */
export function approvalPackageProblem(
  gate: Pick<Gate, 'modelPackageGroup'>,
  arn: string,
  pkg: ModelPackage | undefined,
): PackageProblem | undefined {
  if (!pkg) return { problem: `model package ${arn} does not exist` };
  if (pkg.group !== gate.modelPackageGroup)
    return { problem: `model package ${arn} is in group ${pkg.group}, not ${gate.modelPackageGroup}` };
  // The registry already said no (a gate or a person): deploying it is refused, not re-judged.
  if (pkg.status === 'Rejected')
    return { problem: `model package ${packageLabel(pkg)} is Rejected in the registry`, reject: true };
  return undefined;
}

/** An approval whose package cannot be judged: REJECT when the registry refused it, HOLD otherwise. */
export function problemEvaluation(gate: Pick<Gate, 'name'>, found: PackageProblem): Evaluation {
  const outcome = found.reject ? 'REJECT' : 'HOLD';
  const text = `${outcome} by gate ${gate.name}: ${found.problem}`;
  return { verdict: { outcome, rule: found.problem, results: [] }, description: text, summary: text };
}

/** The verdict with its texts, the champion's label in both. */
export function evaluation(gate: Pick<Gate, 'name'>, verdict: Verdict, champion?: ModelPackage): Evaluation {
  const label = champion ? packageLabel(champion) : undefined;
  return {
    verdict,
    ...(champion ? { champion } : {}),
    description: summarize(gate, verdict, label, 1024),
    summary: summarize(gate, verdict, label, 512),
  };
}

/** What a gate decision records as its inputs: the package, the champion, each check with its bounds. */
export function gateEvidence(
  gate: Pick<Gate, 'name' | 'checks'>,
  pkg: Pick<ModelPackage, 'arn'>,
  e: Pick<Evaluation, 'verdict'> & { champion?: Pick<ModelPackage, 'arn'> },
  eventId: string,
): Record<string, unknown> {
  return {
    eventId,
    gate: gate.name,
    package: pkg.arn,
    champion: e.champion?.arn ?? null,
    rule: e.verdict.rule,
    // Results follow gate.checks, so each carries its own check's bounds as the threshold.
    checks: e.verdict.results.map((r, i) => ({
      metric: r.metric,
      severity: r.severity,
      status: r.status,
      value: r.value ?? null,
      champion: r.champion ?? null,
      threshold: gate.checks[i] ? thresholdOf(gate.checks[i]) : {},
      // Where the reading came from: whatif re-reads it only for a check reading the same place.
      ...(gate.checks[i] ? { from: gate.checks[i].from, path: gate.checks[i].path } : {}),
      detail: r.detail,
    })),
  };
}
