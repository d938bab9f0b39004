import { createHash } from 'node:crypto';
import type { Policy } from '../config/policy';
import type { ApprovalBinding, Gate, GateCheck, MetricSource } from '../config/policy-gates';
import { ContentionError, ControllerError } from '../domain/errors';
import {
  decideGate,
  evaluateCheck,
  isRelative,
  metadataMetric,
  metricAt,
  parseS3Uri,
  summarize,
  thresholdOf,
  type Reading,
  type Verdict,
} from '../domain/gates';
import type { PipelineApprovals } from '../ports/approvals';
import type { Claims } from '../ports/claims';
import type { Clock } from '../ports/clock';
import type { Decision, DecisionLog } from '../ports/decision-log';
import { writes } from '../domain/writes';
import type { Logger } from '../ports/logger';
import { ReportError, type MetricReports } from '../ports/metric-reports';
import type { ModelPackage, ModelRegistry } from '../ports/model-registry';
import type { Notifier } from '../ports/notifier';
import { packageDecisionClaim, setStatusCommitted } from './package-claim';
import { Recorder, type EventOrigin } from './recorder';

export interface GateDeps {
  policy: Policy;
  registry: ModelRegistry;
  reports: MetricReports;
  notifier: Notifier;
  approvals: PipelineApprovals;
  claims: Claims;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

export interface Evaluation {
  verdict: Verdict;
  champion?: ModelPackage;
  /** For ApprovalDescription (≤ 1024). */
  description: string;
  /** For PutApprovalResult (≤ 512). */
  summary: string;
}

/** The token may lag the STARTED event: GetPipelineState is retried after 1, 2, 4, 8 s (15 s in all). */
const TOKEN_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
/** A HOLD notification is sent once per situation for this long. */
const HOLD_NOTIFY_TTL_SECONDS = 7 * 86_400;
/** Champion packages described per container: a package version's ModelMetrics never change. */
const CHAMPION_CACHE = 32;

/** What a gate's checks read from a package: its reports' locations and digests, its metadata. */
function checkedInputs(p: ModelPackage): string {
  const reports = Object.entries(p.reports)
    .map(([source, ref]) => [source, ref?.s3Uri, ref?.contentDigest ?? ''])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const metadata = Object.entries(p.customerMetadata).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([p.group, reports, metadata]);
}

export const packageLabel = (p: Pick<ModelPackage, 'arn' | 'group' | 'version'>): string =>
  p.version !== undefined ? `${p.group}/${p.version}` : (p.arn.split(':model-package/')[1] ?? p.arn);

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Thrown when the approval token never became visible: the delivery is retried later. */
export class ApprovalTokenNotVisibleError extends ControllerError {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

/**
 * Model quality gates: a registered package pending approval is approved, rejected or held on its
 * metrics; a CodePipeline approval action bound to a gate is answered the same way.
 */
export class GateWorkflow {
  private readonly champions = new Map<string, ModelPackage>();

  private readonly recorder: Recorder;

  constructor(private readonly deps: GateDeps) {
    this.recorder = new Recorder(deps, 'gate.ignore');
  }

  gateForGroup(group: string): Gate | undefined {
    return this.deps.policy.gates.find((g) => g.modelPackageGroup === group);
  }

  bindingFor(pipeline: string, stage: string, action: string): { gate: Gate; binding: ApprovalBinding } | undefined {
    for (const gate of this.deps.policy.gates)
      for (const binding of gate.approvals)
        if (binding.pipeline === pipeline && binding.stage === stage && binding.action === action)
          return { gate, binding };
    return undefined;
  }

  foreignOrigin(origin: EventOrigin): string | undefined {
    return this.recorder.foreignOrigin(origin);
  }

  async record(d: Omit<Decision, 'at'>): Promise<void> {
    return this.recorder.record(d);
  }

  /**
   * Registry gate: "Model Package State Change" for `arn` (the event's ARN, never "latest").
   * `snapshot` is the package as the event describes it (the detail mirrors DescribeModelPackage):
   * it is judged while the fresh DescribeModelPackage is in flight, so the fresh read costs no
   * extra round trip. The fresh read decides whether there is anything to decide, and the package
   * is judged again from it if what the checks read (reports, metadata) changed meanwhile.
   */
  async onModelPackage(arn: string, group: string, eventId: string, snapshot?: ModelPackage): Promise<void> {
    const subject = arn;
    const gate = this.gateForGroup(group);
    if (!gate) {
      await this.recorder.ignore(subject, [`no gate for group ${group}`], { eventId });
      return;
    }
    const early =
      snapshot?.arn === arn && snapshot.status === 'PendingManualApproval' ? this.evaluate(gate, snapshot) : undefined;
    // Settled below, or abandoned when the fresh read says there is nothing to decide.
    early?.catch(() => undefined);
    const pkg = await this.deps.registry.describe(arn);
    if (!pkg) {
      await this.recorder.ignore(subject, ['model package does not exist'], { eventId });
      return;
    }
    if (pkg.status !== 'PendingManualApproval') {
      // Already decided: by a person, or by us for an earlier delivery of the same event.
      await this.recorder.record({
        kind: 'gate.registry',
        subject,
        outcome: 'SKIPPED',
        reasons: [`status is ${pkg.status}, not PendingManualApproval: nothing to decide`],
        inputs: { eventId, gate: gate.name },
      });
      return;
    }
    const evaluation =
      early && snapshot && checkedInputs(snapshot) === checkedInputs(pkg)
        ? await early
        : await this.evaluate(gate, pkg);
    const { verdict } = evaluation;
    const inputs = this.evidence(gate, pkg, evaluation, eventId);
    if (verdict.outcome === 'HOLD') {
      await this.hold(gate, `registry#${arn}`, `HOLD ${packageLabel(pkg)}: ${verdict.rule}`, evaluation.description);
      await this.recorder.record({
        kind: 'gate.registry',
        subject,
        outcome: 'HOLD',
        reasons: [evaluation.description],
        inputs,
      });
      return;
    }
    const status = verdict.outcome === 'APPROVE' ? 'Approved' : 'Rejected';
    // DescribeModelPackage then UpdateModelPackage is no atomic compare-and-set: two concurrent
    // deliveries would both see PendingManualApproval and both decide. The decision's record and
    // its claim are one write (one decision per package); the other delivery is retried and then
    // finds the status set (SKIPPED).
    const committed = await this.recorder.commit(
      { kind: 'gate.registry', subject, outcome: verdict.outcome, reasons: [evaluation.description], inputs },
      packageDecisionClaim(arn),
      [writes.updateModelPackage(arn)],
    );
    if (!committed) throw new ContentionError(`another delivery is deciding ${arn}; retry`);
    await setStatusCommitted(this.deps.registry, committed, arn, status, evaluation.description);
  }

  private async ignoreUnbound(subject: string, eventId: string): Promise<void> {
    await this.recorder.ignore(subject, ['no gate is bound to this approval action'], { eventId });
  }

  /** CodePipeline gate: an approval action of `executionId` STARTED (EventBridge). */
  async onApprovalStarted(
    target: { pipeline: string; stage: string; action: string; executionId: string },
    eventId: string,
  ) {
    const subject = `${target.pipeline}/${target.stage}/${target.action}@${target.executionId}`;
    const bound = this.bindingFor(target.pipeline, target.stage, target.action);
    if (!bound) {
      await this.ignoreUnbound(subject, eventId);
      return;
    }
    let token: string | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const state = await this.deps.approvals.actionState(target.pipeline, target.stage, target.action);
      if (state?.executionId === target.executionId && state.status && state.status !== 'InProgress') {
        await this.recorder.record({
          kind: 'gate.approval',
          subject,
          outcome: 'SKIPPED',
          reasons: [`the approval is already ${state.status}: answered by a person or an earlier delivery`],
          inputs: { eventId, gate: bound.gate.name },
        });
        return;
      }
      if (state?.executionId === target.executionId && state.token) {
        token = state.token;
        break;
      }
      if (attempt >= TOKEN_BACKOFF_MS.length) break;
      await this.deps.clock.sleep(TOKEN_BACKOFF_MS[attempt]!);
    }
    if (!token) {
      const reason = `no approval token for execution ${target.executionId} after ${TOKEN_BACKOFF_MS.length + 1} reads of GetPipelineState`;
      await this.recorder.record({
        kind: 'gate.approval',
        subject,
        outcome: 'RETRY',
        reasons: [reason],
        inputs: { eventId },
      });
      throw new ApprovalTokenNotVisibleError(reason);
    }
    await this.answerApproval(bound, { ...target, token }, subject, eventId);
  }

  /** CodePipeline gate: the approval action's SNS notification, which carries the token. */
  async onApprovalNotification(
    target: { pipeline: string; stage: string; action: string; token: string },
    eventId: string,
  ) {
    const subject = `${target.pipeline}/${target.stage}/${target.action}#${target.token.slice(0, 8)}`;
    const bound = this.bindingFor(target.pipeline, target.stage, target.action);
    if (!bound) {
      await this.ignoreUnbound(subject, eventId);
      return;
    }
    let executionId: string | undefined;
    if ('variable' in bound.binding.package) {
      // The message names no execution: the stage's current execution is the one whose token matches.
      const state = await this.deps.approvals.actionState(target.pipeline, target.stage, target.action);
      if (!state || state.token !== target.token || !state.executionId) {
        await this.recorder.record({
          kind: 'gate.approval',
          subject,
          outcome: 'SKIPPED',
          reasons: ['the token is no longer the action\u2019s pending token: answered, expired or superseded'],
          inputs: { eventId, gate: bound.gate.name },
        });
        return;
      }
      executionId = state.executionId;
    }
    await this.answerApproval(bound, { ...target, ...(executionId ? { executionId } : {}) }, subject, eventId);
  }

  private async answerApproval(
    { gate, binding }: { gate: Gate; binding: ApprovalBinding },
    target: { pipeline: string; stage: string; action: string; token: string; executionId?: string },
    subject: string,
    eventId: string,
  ): Promise<void> {
    const found = await this.packageFor(gate, binding, target);
    let evaluation: Evaluation;
    let pkg: ModelPackage | undefined;
    if ('problem' in found) {
      const outcome = found.reject ? 'REJECT' : 'HOLD';
      const text = `${outcome} by gate ${gate.name}: ${found.problem}`;
      evaluation = { verdict: { outcome, rule: found.problem, results: [] }, description: text, summary: text };
    } else {
      pkg = found.pkg;
      evaluation = await this.evaluate(gate, pkg);
    }
    const inputs = {
      ...(pkg ? this.evidence(gate, pkg, evaluation, eventId) : { eventId, gate: gate.name }),
      target: { ...target, token: undefined },
    };
    if (evaluation.verdict.outcome === 'HOLD') {
      await this.hold(
        gate,
        `approval#${target.pipeline}#${target.stage}#${target.action}#${target.token}`,
        `HOLD ${target.pipeline}/${target.action}: ${evaluation.verdict.rule}`,
        evaluation.description,
      );
      await this.recorder.record({
        kind: 'gate.approval',
        subject,
        outcome: 'HOLD',
        reasons: [evaluation.summary],
        inputs,
      });
      return;
    }
    const status = evaluation.verdict.outcome === 'APPROVE' ? 'Approved' : 'Rejected';
    const result = await this.deps.approvals.answer(target, status, evaluation.summary);
    if (!result.answered) {
      await this.recorder.record({
        kind: 'gate.approval',
        subject,
        outcome: 'SKIPPED',
        reasons: [
          `would answer ${status}, but CodePipeline said ${result.reason}: already answered or expired`,
          evaluation.summary,
        ],
        inputs,
      });
      return;
    }
    await this.recorder.record({
      kind: 'gate.approval',
      subject,
      outcome: evaluation.verdict.outcome,
      reasons: [evaluation.summary],
      inputs,
    });
  }

  /** The package an approval is about: the execution's variable, or the group's newest in a status. */
  private async packageFor(
    gate: Gate,
    binding: ApprovalBinding,
    target: { pipeline: string; executionId?: string },
  ): Promise<{ pkg: ModelPackage } | { problem: string; reject?: true }> {
    let arn: string | undefined;
    if ('variable' in binding.package) {
      if (!target.executionId) return { problem: 'the execution is unknown, so its variables cannot be read' };
      const variables = await this.deps.approvals.variables(target.pipeline, target.executionId);
      arn = variables[binding.package.variable];
      if (!arn) return { problem: `execution ${target.executionId} has no variable ${binding.package.variable}` };
    } else {
      const newest = await this.deps.registry.listByStatus(gate.modelPackageGroup, binding.package.status, 1);
      arn = newest[0]?.arn;
      if (!arn) return { problem: `group ${gate.modelPackageGroup} has no package in ${binding.package.status}` };
    }
    const pkg = await this.deps.registry.describe(arn);
    if (!pkg) return { problem: `model package ${arn} does not exist` };
    if (pkg.group !== gate.modelPackageGroup)
      return { problem: `model package ${arn} is in group ${pkg.group}, not ${gate.modelPackageGroup}` };
    // The registry already said no (a gate or a person): deploying it is refused, not re-judged.
    if (pkg.status === 'Rejected')
      return { problem: `model package ${packageLabel(pkg)} is Rejected in the registry`, reject: true };
    return { pkg };
  }

  /**
   * The engine both gates share. The champion is the group's newest Approved package (by
   * CreationTime) other than the challenger: the one a SageMaker project's deploy step serves.
   */
  async evaluate(gate: Gate, challenger: ModelPackage): Promise<Evaluation> {
    const needsChampion = gate.checks.some(isRelative);
    const champion = needsChampion ? await this.champion(gate, challenger.arn) : undefined;
    const docs = new Map<string, Promise<unknown>>();
    const read = (pkg: ModelPackage, check: GateCheck, isChampion: boolean): Promise<Reading> =>
      this.reading(gate, pkg, check.from, check.path, docs, isChampion);
    const results = await Promise.all(
      gate.checks.map(async (check) =>
        evaluateCheck(
          check,
          await read(challenger, check, false),
          champion && isRelative(check) ? await read(champion, check, true) : undefined,
        ),
      ),
    );
    const verdict = decideGate(gate, results, champion !== undefined);
    const label = champion ? packageLabel(champion) : undefined;
    return {
      verdict,
      ...(champion ? { champion } : {}),
      description: summarize(gate, verdict, label, 1024),
      summary: summarize(gate, verdict, label, 512),
    };
  }

  private async champion(gate: Gate, challengerArn: string): Promise<ModelPackage | undefined> {
    const approved = await this.deps.registry.listByStatus(gate.modelPackageGroup, 'Approved', 2);
    const summary = approved.find((p) => p.arn !== challengerArn);
    if (!summary) return undefined;
    const cached = this.champions.get(summary.arn);
    if (cached) return { ...cached, status: summary.status };
    const pkg = await this.deps.registry.describe(summary.arn);
    if (!pkg) return undefined;
    if (this.champions.size >= CHAMPION_CACHE) this.champions.delete(this.champions.keys().next().value as string);
    this.champions.set(summary.arn, pkg);
    return pkg;
  }

  private async reading(
    gate: Gate,
    pkg: ModelPackage,
    from: MetricSource,
    path: string,
    docs: Map<string, Promise<unknown>>,
    isChampion: boolean,
  ): Promise<Reading> {
    if (from === 'CustomerMetadataProperties') return metadataMetric(pkg.customerMetadata, path);
    const ref = pkg.reports[from];
    if (!ref) return { status: 'NODATA', reason: `${packageLabel(pkg)} has no ${from} report` };
    const bucket = parseS3Uri(ref.s3Uri)?.bucket;
    if (!bucket || !gate.reportBuckets.includes(bucket))
      return { status: 'ERROR', reason: `${ref.s3Uri} is outside the gate's reportBuckets: not read` };
    let doc = docs.get(ref.s3Uri);
    if (!doc) {
      doc = this.deps.reports.readJson(ref.s3Uri, {
        maxBytes: gate.reportMaxBytes,
        ...(ref.contentDigest ? { contentDigest: ref.contentDigest } : {}),
        cacheable: isChampion,
      });
      docs.set(ref.s3Uri, doc);
    }
    try {
      return metricAt(await doc, path);
    } catch (error) {
      if (error instanceof ReportError) return { status: error.status, reason: error.message };
      throw error;
    }
  }

  /** HOLD: the decision stays with a person, who is told once per situation. */
  private async hold(gate: Gate, about: string, subject: string, message: string): Promise<void> {
    if (!gate.notifyTopicArn) return;
    if (!(await this.deps.claims.claim(`GATE-HOLD#${sha(`${about}\u0000${message}`)}`, HOLD_NOTIFY_TTL_SECONDS))) {
      this.deps.logger.info('hold already notified', { about });
      return;
    }
    await this.deps.notifier.notify(gate.notifyTopicArn, `mlops-controller ${subject}`, message);
  }

  private evidence(gate: Gate, pkg: ModelPackage, e: Evaluation, eventId: string): Record<string, unknown> {
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
}
