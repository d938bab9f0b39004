import type { Policy } from '../config/policy';
import type { HookRule } from '../config/policy-rollback';
import { alarmsCheck, crashedCheck, hookRuleFor, noHookRule, packageCheck, smokeCheck } from '../domain/hook-checks';
import { hookVerdict, type CheckResult } from '../domain/rollback';
import type { Alarms } from '../ports/alarms';
import type { Claims } from '../ports/claims';
import type { Clock } from '../ports/clock';
import type { DecisionLog } from '../ports/decision-log';
import type { DeploymentDetail, Deployments } from '../ports/deployments';
import type { Invoker } from '../ports/endpoints';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';
import type { PackageStatus } from '../ports/package-status';
import { Recorder } from './recorder';

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

  constructor(private readonly deps: HookDeps) {
    this.recorder = new Recorder(deps, 'rollback.ignore');
  }

  /** `budgetMs`: how long the checks may take before the answer must go out. */
  async onHook(
    deploymentId: string,
    hookExecutionId: string,
    budgetMs: number,
  ): Promise<'Succeeded' | 'Failed' | 'Duplicate'> {
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
    try {
      await within(
        (async () => {
          deployment = await this.deps.deployments.get(deploymentId);
          const rule = hookRuleFor(this.deps.policy.hooks, deployment);
          if (!rule) {
            results.push(noHookRule(deployment));
            return;
          }
          results.push(...(await Promise.all(this.checks(rule, deployment))));
        })(),
        budgetMs,
      );
    } catch (error) {
      results.push(crashedCheck(deployment ? 'checks' : 'deployment', error, error instanceof Timeout));
    }
    const verdict = hookVerdict(results);
    await this.deps.deployments.answerHook(deploymentId, hookExecutionId, verdict.status);
    await this.recorder.record({
      kind: 'rollback.hook',
      subject: `deployment/${deploymentId}`,
      outcome: verdict.status.toUpperCase(),
      reasons: [verdict.reason],
      inputs: {
        hookExecutionId,
        results,
        ...(deployment ? { application: deployment.application, group: deployment.deploymentGroup } : {}),
      },
    });
    return verdict.status;
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

  private checks(rule: HookRule, d: DeploymentDetail): Array<Promise<CheckResult>> {
    const guard = (check: string, fn: () => Promise<CheckResult>): Promise<CheckResult> =>
      fn().catch((error: unknown) => crashedCheck(check, error));
    const out: Array<Promise<CheckResult>> = [];
    if (rule.alarms.length > 0)
      out.push(guard('alarms', async () => alarmsCheck(rule.alarms, await this.deps.alarms.states(rule.alarms))));
    if (rule.requireApprovedPackage)
      out.push(
        guard('package', async () => {
          const arn = d.modelPackageArn;
          return packageCheck(arn, arn ? await this.deps.packages.approval(arn) : undefined);
        }),
      );
    const smoke = rule.smoke;
    if (smoke)
      out.push(
        guard('smoke', async () => {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(smoke.payload) ?? [];
          const payload = await this.deps.objects.readHead(bucket!, key!, MAX_PAYLOAD);
          const response = await this.deps.invoker.invoke(smoke.endpoint, payload, smoke.contentType);
          return smokeCheck(smoke, response.body);
        }),
      );
    return out;
  }
}
