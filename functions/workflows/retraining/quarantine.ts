import type { RetrainingRule } from '../../config/policy';
import { dropVerdict, releaseVerdict } from '../../domain/quarantine';
import type { RetrainingFlow } from './flow';
import { launch, runState } from './starts';

/** What a person's `quarantine release` / `drop` did, and why. */
export interface QuarantineResult {
  outcome: 'RELEASED' | 'DEFERRED' | 'REFUSED' | 'DROPPED';
  reasons: string[];
  retryAt?: string;
}

type Act = (flow: RetrainingFlow, rule: RetrainingRule, seq: number, why: string) => Promise<QuarantineResult>;

/** The act on a rule the policy names; any other name is refused, nothing read or written. */
const onRule =
  (act: Act) =>
  (flow: RetrainingFlow, ruleName: string, seq: number, why: string): Promise<QuarantineResult> => {
    const rule = flow.rule(ruleName);
    return rule
      ? act(flow, rule, seq, why)
      : Promise.resolve({ outcome: 'REFUSED', reasons: [`no retraining rule named ${ruleName}`] });
  };

/**
 * Starts a quarantined batch anyway, with `why` recorded: claimed through the guards like any
 * start (domain/quarantine.ts), reopened (QUARANTINED → CLOSED, the reason kept), then started with
 * the batch's own start token, so an interrupted or repeated release starts it once. The start goes
 * through the guardrails (observe mode, kill switch) like every other.
 */
export const releaseQuarantined = onRule(async (flow, rule, seq, why) => {
  const subject = `${rule.name}/${seq}`;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const guard = await flow.runs.getGuard(rule.name);
    const batch = await flow.runs.getBatch(rule.name, seq);
    const verdict = releaseVerdict(rule, guard, await runState(flow, rule, guard), batch, flow.now());
    if (verdict.phase === 'refuse') return { outcome: 'REFUSED', reasons: [verdict.reason] };
    if (verdict.phase === 'defer')
      return {
        outcome: 'DEFERRED',
        reasons: verdict.reasons,
        ...(verdict.retryAt ? { retryAt: verdict.retryAt } : {}),
      };
    if (verdict.phase === 'start' && !(await flow.runs.swapGuard(rule.name, guard, verdict.claim))) continue;
    const reopened = await flow.runs.transition(rule.name, seq, ['QUARANTINED'], {
      status: 'CLOSED',
      reason: `released: ${why} (was quarantined: ${batch!.reason ?? 'no reason recorded'})`,
      updatedAt: flow.now().toISOString(),
    });
    // Whoever reopened it records the release; a repeated call only finishes the start.
    if (reopened)
      await flow.recorder.record({
        kind: 'retraining.quarantine',
        subject,
        outcome: 'RELEASED',
        reasons: [why, `quarantined for: ${batch!.reason ?? 'no reason recorded'}`, ...verdict.reasons],
        inputs: { objects: batch!.objects, bytes: batch!.bytes },
      });
    const current = await flow.runs.getBatch(rule.name, seq);
    if (current && current.status !== 'STARTED' && current.status !== 'QUARANTINED')
      await launch(flow, rule, current, [`released by a person: ${why}`]);
    return { outcome: 'RELEASED', reasons: [why, ...verdict.reasons] };
  }
  return { outcome: 'DEFERRED', reasons: [`the guard of ${rule.name} kept changing: try again`] };
});

/** Gives up on a quarantined batch for good, with `why` and its objects' count recorded. */
export const dropQuarantined = onRule(async (flow, rule, seq, why) => {
  const batch = await flow.runs.getBatch(rule.name, seq);
  const verdict = dropVerdict(rule, batch);
  if (!verdict.drop) return { outcome: 'REFUSED', reasons: [verdict.reason] };
  const dropped = await flow.runs.transition(rule.name, seq, ['QUARANTINED'], {
    status: 'DROPPED',
    reason: `dropped: ${why} (was quarantined: ${batch!.reason ?? 'no reason recorded'})`,
    updatedAt: flow.now().toISOString(),
  });
  if (!dropped) return { outcome: 'REFUSED', reasons: [`${rule.name}/${seq} changed meanwhile: look again`] };
  const members = await flow.ledger.members(rule.name, seq);
  await flow.recorder.record({
    kind: 'retraining.quarantine',
    subject: `${rule.name}/${seq}`,
    outcome: 'DROPPED',
    reasons: [
      why,
      `quarantined for: ${batch!.reason ?? 'no reason recorded'}`,
      `${members.length} objects will not be trained on`,
    ],
    inputs: {
      objects: batch!.objects,
      bytes: batch!.bytes,
      keys: members.slice(0, 20).map((m) => `s3://${m.bucket}/${m.key}`),
    },
  });
  return { outcome: 'DROPPED', reasons: [why] };
});
