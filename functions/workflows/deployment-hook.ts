import type { Policy } from '../config/policy';
import type { AnalysisEntry } from '../config/policy-analysis';
import type { HookRule } from '../config/policy-rollback';
import {
  alarmsCheck,
  crashedCheck,
  hookOutcome,
  hookRuleFor,
  noHookRule,
  packageCheck,
  smokeCheck,
  smokeRead,
  type HookReads,
} from '../domain/hook-checks';
import { judgmentWindow, outcomeOf, trafficHookOf } from '../domain/judgment';
import { packageGroupName } from '../domain/arns';
import type { CheckResult } from '../domain/rollback';
import { writes } from '../domain/writes';
import type { Alarms } from '../ports/alarms';
import type { Claims } from '../ports/claims';
import type { Clock } from '../ports/clock';
import type { DecisionLog } from '../ports/decision-log';
import type { DeploymentDetail, Deployments } from '../ports/deployments';
import type { DeploymentTargets, TargetGroups } from '../ports/ecs-traffic';
import type { Invoker } from '../ports/endpoints';
import type { Logger } from '../ports/logger';
import type { MetricSeries } from '../ports/metric-series';
import type { ObjectStore } from '../ports/object-store';
import type { PackageStatus } from '../ports/package-status';
import { codeDeployPlaceholders, EcsTraffic } from './ecs-traffic';
import { Recorder } from './recorder';
import { rollbackClaim } from './rollback/flow';
import { judgmentInputs, readAndJudge } from './rollback/judge';

export interface HookDeps {
  policy: Policy;
  deployments: Deployments;
  alarms: Alarms;
  packages: PackageStatus;
  invoker: Invoker;
  objects: ObjectStore;
  /** One answer per hook execution however often the invocation is delivered. */
  claims: Claims;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
  /** Canary and baseline series for the analyses that answer AfterAllowTraffic (`hook: true`). */
  series?: MetricSeries;
  /** An ECS analysis's Green and Blue target groups, read from the deployment. */
  deploymentTargets?: DeploymentTargets;
  targetGroups?: TargetGroups;
}

/** A hook execution lives at most an hour (CodeDeploy's hook timeout); its claim outlives it. */
const HOOK_CLAIM_SECONDS = 2 * 3600;

/** Smoke payloads are read whole up to this size. */
const MAX_PAYLOAD = 1_048_576;

class Timeout extends Error {}

/** Resolves with the work's result, or rejects with Timeout once `ms` pass (real time, not the clock). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`checks did not finish within ${ms} ms`)), Math.max(0, ms));
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * BeforeAllowTraffic / AfterAllowTraffic: runs the policy's checks and always answers
 * PutLifecycleEventHookExecutionStatus, Failed when a check fails, finds no data, throws, or the
 * time budget runs out (so CodeDeploy never waits for the hour-long hook timeout).
 */
export class DeploymentHookWorkflow {
  private readonly recorder: Recorder;
  private readonly ecsTraffic: EcsTraffic;

  constructor(private readonly deps: HookDeps) {
    this.recorder = new Recorder(deps, 'rollback.ignore');
    this.ecsTraffic = new EcsTraffic(deps.deploymentTargets, deps.targetGroups);
  }

  /** The rollback binding of the deployment's group, if the policy names one. */
  private bindingOf(d: DeploymentDetail) {
    return this.deps.policy.rollback.find(
      (b) => b.codedeploy?.application === d.application && b.codedeploy.deploymentGroup === d.deploymentGroup,
    );
  }

  private analysis(d: DeploymentDetail): AnalysisEntry | undefined {
    return this.deps.policy.analysis.find(
      (a) =>
        a.hook &&
        a.target.codedeploy?.application === d.application &&
        a.target.codedeploy.deploymentGroup === d.deploymentGroup,
    );
  }

  /**
   * `budgetMs`: how long the checks may take before the answer must go out. `functionName`: this
   * function's name, to tell from the AppSpec which traffic hook is being run.
   */
  async onHook(
    deploymentId: string,
    hookExecutionId: string,
    budgetMs: number,
    functionName?: string,
  ): Promise<'Succeeded' | 'Failed' | 'Duplicate' | 'Held'> {
    if (!(await this.firstDelivery(hookExecutionId))) {
      await this.recorder.record({
        kind: 'rollback.hook',
        subject: `deployment/${deploymentId}`,
        outcome: 'DUPLICATE',
        reasons: [`hook execution ${hookExecutionId} was already answered; CodeDeploy keeps the first answer`],
        inputs: { hookExecutionId },
      });
      return 'Duplicate';
    }
    const results: CheckResult[] = [];
    let deployment: DeploymentDetail | undefined;
    let marginal = false;
    const read: HookReads = {};
    try {
      await within(
        (async () => {
          deployment = await this.deps.deployments.get(deploymentId);
          const rule = hookRuleFor(this.deps.policy.hooks, deployment);
          const analysis = this.analysis(deployment);
          if (!rule && !analysis) {
            results.push(noHookRule(deployment));
            return;
          }
          const checks: Array<Promise<CheckResult | undefined>> = rule ? this.checks(rule, deployment, read) : [];
          if (analysis)
            checks.push(this.judged(analysis, deployment, functionName, hookExecutionId, () => (marginal = true)));
          results.push(...(await Promise.all(checks)).filter((r): r is CheckResult => r !== undefined));
        })(),
        budgetMs,
      );
    } catch (error) {
      results.push(crashedCheck(deployment ? 'checks' : 'deployment', error, error instanceof Timeout));
    }
    const verdict = hookOutcome(results, marginal);
    const inputs = {
      hookExecutionId,
      results,
      ...(deployment ? { application: deployment.application, group: deployment.deploymentGroup } : {}),
      // What the checks read, so whatif can run them again under another rule.
      read,
      ...(marginal ? { marginal } : {}),
    };
    const base = { kind: 'rollback.hook', subject: `deployment/${deploymentId}`, inputs };
    if (verdict.outcome === 'HOLD') {
      // The decision's HOLD notifies; a person answers the hook (aws deploy
      // put-lifecycle-event-hook-execution-status) or CodeDeploy's hook timeout fails it.
      await this.recorder.record({ ...base, outcome: 'HOLD', reasons: verdict.reasons });
      return 'Held';
    }
    await this.deps.deployments.answerHook(deploymentId, hookExecutionId, verdict.answer);
    await this.recorder.record({ ...base, outcome: verdict.outcome, reasons: verdict.reasons });
    const judgment = results.find((r) => r.check === 'judgment');
    if (deployment && judgment?.outcome === 'FAIL') await this.rejectJudged(deployment, judgment);
    return verdict.answer;
  }

  /**
   * A judgment FAIL at the hook rejects the deployment's package as the tick's FAIL does (through
   * the group's rollback binding, under the same claim, so between them it is rejected once). After
   * the answer: CodeDeploy's rollback must not wait on the registry. A rejection that fails is
   * recorded failed with its claim given back, and the invocation fails with it.
   */
  private async rejectJudged(d: DeploymentDetail, judgment: CheckResult): Promise<void> {
    const binding = this.bindingOf(d);
    if (!binding?.modelPackageGroup) return;
    const base = { kind: 'rollback.package', subject: `${binding.name}/${binding.modelPackageGroup}` };
    const why = `canary judgment FAIL at the AfterAllowTraffic hook of ${d.id}: ${judgment.detail}`;
    const group = packageGroupName(binding.modelPackageGroup).toLowerCase();
    const arn = d.modelPackageArn;
    if (!arn || !arn.toLowerCase().includes(`:model-package/${group}/`))
      return this.recorder.record({
        ...base,
        outcome: 'UNKNOWN_LIVE_PACKAGE',
        reasons: [why, `the deployment names no package of group ${binding.modelPackageGroup}`],
        inputs: { badVersions: [d.id], seen: arn ? [arn] : [] },
      });
    const committed = await this.recorder.commit(
      {
        ...base,
        outcome: 'REJECTED',
        reasons: [why, `${arn} was live when the judgment failed`],
        inputs: { modelPackageArn: arn, badVersions: [d.id] },
      },
      rollbackClaim(`package:${arn}`, d.id, binding.staleAfterSeconds),
      [writes.updateModelPackage(arn)],
    );
    if (!committed) return;
    try {
      await this.deps.packages.reject(arn, `Rejected by mlops-controller rollback: ${why}`);
    } catch (error) {
      await committed.fail(error).catch(() => undefined);
      throw error;
    }
    await committed.done();
  }

  /**
   * The canary judgment as one of the hook's checks, over the minutes since the deployment began
   * (up to the analysis's lookback) and ending at the last whole minute; not run at
   * BeforeAllowTraffic, where the canary has served nothing yet. MARGINAL is a NODATA check that
   * `onMarginal` marks, so the hook can hold. The judgment is recorded as its own decision; the
   * hook's claim already makes it once per hook execution.
   */
  private async judged(
    entry: AnalysisEntry,
    d: DeploymentDetail,
    functionName: string | undefined,
    hookExecutionId: string,
    onMarginal: () => void,
  ): Promise<CheckResult | undefined> {
    const check = 'judgment';
    // Not a pass of the judgment: before traffic shifts there is no canary to judge; this hook's
    // verdict is its other checks', and AfterAllowTraffic judges.
    if (trafficHookOf(d, functionName) === 'BeforeAllowTraffic')
      return {
        check,
        outcome: 'PASS',
        detail: 'BeforeAllowTraffic: no canary traffic yet, judged at AfterAllowTraffic',
      };
    try {
      if (!this.deps.series)
        return { check, outcome: 'ERROR', detail: 'metric series are not wired into this function' };
      const at = judgmentWindow(
        this.deps.clock.now(),
        { intervalMinutes: 1, lookbackMinutes: entry.lookbackMinutes },
        new Date(d.createTime),
      );
      if (at.phase === 'wait') return { check, outcome: 'NODATA', detail: at.reason };
      const filled = await codeDeployPlaceholders(entry, d, d.application, d.deploymentGroup, this.ecsTraffic);
      const { judgment, unread } = await readAndJudge(
        this.deps.series,
        entry,
        filled.values,
        at.window,
        filled.reasons,
      );
      const observing = entry.mode === 'observe';
      const action = observing
        ? `observe mode (analysis ${entry.name}): the hook is answered without it`
        : 'answers the AfterAllowTraffic hook';
      const binding = this.bindingOf(d);
      await this.recorder.record({
        kind: 'analysis.judgment',
        subject: `${entry.name}/${d.id}`,
        outcome: outcomeOf[judgment.verdict],
        reasons: [judgment.reason, ...judgment.metrics.map((m) => m.reason), ...unread, action],
        inputs: judgmentInputs(entry, d.id, at.window, judgment, {
          via: 'hook',
          action,
          hookExecutionId,
          ...(binding ? { binding: binding.name } : {}),
        }),
      });
      if (observing) return undefined;
      if (judgment.verdict === 'MARGINAL') onMarginal();
      const outcome = { PASS: 'PASS', FAIL: 'FAIL', MARGINAL: 'NODATA', NODATA: 'NODATA' } as const;
      return { check, outcome: outcome[judgment.verdict], detail: `${entry.name}: ${judgment.reason}` };
    } catch (error) {
      return { check, outcome: 'ERROR', detail: `crashed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /**
   * Claimed before the checks run: a repeated invocation (Lambda delivers asynchronous invocations at
   * least once) neither re-runs the smoke request nor answers twice. If the claim itself fails the
   * hook still answers: two answers beat none (CodeDeploy would otherwise wait out the hook timeout).
   */
  private async firstDelivery(hookExecutionId: string): Promise<boolean> {
    try {
      return await this.deps.claims.claim(`HOOK#${hookExecutionId}`, HOOK_CLAIM_SECONDS);
    } catch (error) {
      this.deps.logger.warn('hook claim failed; answering anyway', {
        hookExecutionId,
        error: error instanceof Error ? error.message : String(error),
      });
      return true;
    }
  }

  /** The rule's checks; each notes in `read` what it read, for the record. */
  private checks(rule: HookRule, d: DeploymentDetail, read: HookReads): Array<Promise<CheckResult>> {
    const guard = (check: string, fn: () => Promise<CheckResult>): Promise<CheckResult> =>
      fn().catch((error: unknown) => crashedCheck(check, error));
    const out: Array<Promise<CheckResult>> = [];
    if (rule.alarms.length > 0)
      out.push(
        guard('alarms', async () => {
          const states = await this.deps.alarms.states(rule.alarms);
          read.alarms = Object.fromEntries(rule.alarms.map((a) => [a, states.get(a) ?? null]));
          return alarmsCheck(rule.alarms, states);
        }),
      );
    if (rule.requireApprovedPackage)
      out.push(
        guard('package', async () => {
          const arn = d.modelPackageArn;
          const status = arn ? await this.deps.packages.approval(arn) : undefined;
          read.package = { ...(arn ? { arn } : {}), status: status ?? null };
          return packageCheck(arn, status);
        }),
      );
    const smoke = rule.smoke;
    if (smoke)
      out.push(
        guard('smoke', async () => {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(smoke.payload) ?? [];
          const payload = await this.deps.objects.readHead(bucket!, key!, MAX_PAYLOAD);
          const response = await this.deps.invoker.invoke(smoke.endpoint, payload, smoke.contentType);
          read.smoke = smokeRead(smoke, response.body);
          return smokeCheck(smoke, response.body);
        }),
      );
    return out;
  }
}
