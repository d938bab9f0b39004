/**
 * A lifecycle hook again under changed `hooks` (and analyses): the checks the new rule runs, each
 * through the same check function the hook workflow calls (domain/hook-checks.ts) on what the
 * recorded hook read (`read`: alarm states, the package's approval status, the smoke answer), then
 * hookOutcome; and whether the Failed answer would reach CodeDeploy (observe mode answers Succeeded
 * and withholds it). A check that crashed crashes again (its cause is not the policy's); a check the
 * recorded hook did not run, or ran on another alarm, endpoint or payload, is said to be missing.
 */
import type { Policy } from '../config/policy';
import type { HookRule } from '../config/policy-rollback';
import type { ActionRecord, Decision } from '../ports/decision-log';
import {
  alarmsCheck,
  hookOutcome,
  hookRuleFor,
  noHookRule,
  packageCheck,
  smokeCheck,
  type HookReads,
} from './hook-checks';
import { observeWhy } from './modes';
import type { CheckResult } from './rollback';
import { asRecorded, lacking, type Redecision } from './whatif-records';

/** What the hook's answer comes to at CodeDeploy: the answer sent, and why a Failed was withheld. */
interface Answer {
  sent: 'Succeeded' | 'Failed' | 'none';
  withheld?: string;
}

const ANSWER_OPERATION = 'PutLifecycleEventHookExecutionStatus';

function recordedAnswer(record: Decision): Answer {
  if (record.outcome === 'HOLD') return { sent: 'none' };
  if (record.outcome !== 'FAILED') return { sent: 'Succeeded' };
  const withheld = (record.actions ?? []).find((a: ActionRecord) => a.operation === ANSWER_OPERATION);
  return withheld?.status === 'withheld' ? { sent: 'Succeeded', withheld: withheld.why ?? '' } : { sent: 'Failed' };
}

const answerText = (a: Answer): string =>
  a.sent === 'none'
    ? 'the hook is left unanswered'
    : a.withheld !== undefined
      ? `answered Succeeded, the Failed withheld (${a.withheld.replace(/; answered Succeeded$/, '')})`
      : `answered ${a.sent}`;

/** Kill switch pauses are no policy's: a Failed answer the switch withheld stays withheld. */
const pausedThen = (a: Answer): string | undefined => (a.withheld?.startsWith('paused') ? a.withheld : undefined);

export function redecideHook(record: Decision, policy: Policy): Redecision | undefined {
  if (record.kind !== 'rollback.hook' || !['SUCCEEDED', 'FAILED', 'HOLD'].includes(record.outcome)) return undefined;
  const base = asRecorded(record);
  const missing = (what: string) => lacking(base, what);
  const inputs = record.inputs as {
    truncated?: string;
    results?: CheckResult[];
    application?: string;
    group?: string;
    read?: HookReads;
    marginal?: boolean;
  };
  if (inputs.truncated !== undefined) return missing('its inputs were truncated to fit the record');
  if (!Array.isArray(inputs.results)) return undefined;
  const { application, group, read } = inputs;
  if (application === undefined || group === undefined) return missing('the deployment could not be read');
  const recorded = new Map(inputs.results.map((r) => [r.check, r]));
  const whole = recorded.get('checks') ?? recorded.get('deployment');
  if (whole) return missing(`the checks did not finish (${whole.detail}), so what they read is not recorded`);
  if (!read) return missing('the record does not hold what the checks read (recorded before whatif)');

  const d = { application, deploymentGroup: group };
  const rule = hookRuleFor(policy.hooks, d);
  const analysis = policy.analysis.find(
    (a) => a.hook && a.target.codedeploy?.application === application && a.target.codedeploy.deploymentGroup === group,
  );
  const results: CheckResult[] = [];
  if (!rule && !analysis) results.push(noHookRule(d));
  if (rule) {
    const checked = ruleChecks(rule, read, recorded);
    if (typeof checked === 'string') return missing(checked);
    results.push(...checked);
  }
  if (analysis && analysis.mode !== 'observe') {
    const judged = recorded.get('judgment');
    if (!judged) return missing(`analysis ${analysis.name} did not judge this hook, so no judgment is recorded`);
    results.push(judged);
  }
  const verdict = hookOutcome(results, analysis !== undefined && inputs.marginal === true);

  const before = recordedAnswer(record);
  const why =
    verdict.outcome === 'FAILED'
      ? (observeWhy(policy, { kind: 'hook', application, group }) ?? pausedThen(before))
      : undefined;
  const after: Answer =
    verdict.outcome === 'HOLD'
      ? { sent: 'none' }
      : verdict.outcome === 'SUCCEEDED'
        ? { sent: 'Succeeded' }
        : why !== undefined
          ? { sent: 'Succeeded', withheld: why }
          : { sent: 'Failed' };
  const answerFlips = before.sent !== after.sent;
  return {
    ...base,
    after: {
      outcome: verdict.outcome,
      reasons: [...verdict.reasons, ...(answerFlips || after.withheld ? [answerText(after)] : [])],
    },
    flipped: verdict.outcome !== record.outcome || answerFlips,
  };
}

/** The rule's checks from what was read, in the workflow's order; a string: what was not read. */
function ruleChecks(
  rule: HookRule,
  read: HookReads,
  recorded: ReadonlyMap<string, CheckResult>,
): CheckResult[] | string {
  const out: CheckResult[] = [];
  const crashed = (check: string) => {
    const r = recorded.get(check);
    return r?.outcome === 'ERROR' ? r : undefined;
  };
  if (rule.alarms.length > 0) {
    const failed = crashed('alarms');
    if (failed) out.push(failed);
    else {
      const unread = rule.alarms.filter((a) => !read.alarms || !(a in read.alarms));
      if (unread.length > 0) return `the state of alarm ${unread.join(', ')} was not read for this hook`;
      const states = new Map<string, string>();
      for (const a of rule.alarms) if (read.alarms![a] !== null) states.set(a, read.alarms![a]!);
      out.push(alarmsCheck(rule.alarms, states));
    }
  }
  if (rule.requireApprovedPackage) {
    const failed = crashed('package');
    if (failed) out.push(failed);
    else if (!read.package) return "the package's approval status was not read (the recorded rule did not require it)";
    else out.push(packageCheck(read.package.arn, read.package.status ?? undefined));
  }
  const smoke = rule.smoke;
  if (smoke) {
    const failed = crashed('smoke');
    const r = read.smoke;
    if (failed && r === undefined) out.push(failed);
    else if (!r || r.endpoint !== smoke.endpoint || r.payload !== smoke.payload || r.contentType !== smoke.contentType)
      return `no smoke request of ${smoke.endpoint} with ${smoke.payload} (${smoke.contentType}) is recorded`;
    else if (r.body !== undefined) out.push(smokeCheck(smoke, r.body));
    else if (
      JSON.stringify(r.expectJsonKeys) === JSON.stringify(smoke.expectJsonKeys) &&
      r.expectPattern === smoke.expectPattern &&
      recorded.get('smoke')
    )
      out.push(recorded.get('smoke')!);
    else return `the smoke answer (${r.bodyBytes} bytes) was too long to record, and the expectations changed`;
  }
  return out;
}
