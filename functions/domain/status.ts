/**
 * What `mlops-controller status` says about the state it read: per retraining rule the open batch
 * and what will close it, the batches waiting to start or quarantined, the start guard; frozen
 * stages; the kill switch; HOLDs no later decision settled. Pure: the reads are the caller's.
 */
import type { Policy, RetrainingRule } from '../config/policy';
import type { OpenBatchView } from '../ports/batch-ledger';
import type { Decision } from '../ports/decision-log';
import type { KillSwitchState } from '../ports/kill-switch';
import type { Freeze } from '../ports/rollback-store';
import type { BatchRecord, GuardState } from '../ports/run-store';
import { packagesTouched, isModelPackageArn, decisionTime } from './decision-query';
import { evaluateStart } from './guards';

export type CloseTrigger = 'marker' | 'maxObjects' | 'maxBytes' | 'quietSeconds';

export interface CloseThreshold {
  trigger: CloseTrigger;
  /** What fires it, in words: `3 more objects (7 of 10)`. */
  needs: string;
  /** When it fires if the batch goes on as it has (quietSeconds: if nothing more arrives). */
  at?: string;
  /** Already met: the next append or sweep closes the batch. */
  met: boolean;
}

export interface CloseOutlook {
  thresholds: CloseThreshold[];
  /** The threshold expected to fire first, and why that one. */
  first?: CloseTrigger;
  why: string;
}

export interface OpenBatchStatus {
  objects: number;
  bytes: number;
  firstArrivalAt?: string;
  lastArrivalAt?: string;
  /** Since the oldest pending object arrived. */
  ageSeconds?: number;
  /** A closer held the lease when it was read. */
  closing: boolean;
  closes: CloseOutlook;
}

export interface BatchStatusLine {
  seq: number;
  status: BatchRecord['status'];
  objects: number;
  bytes: number;
  closedAt: string;
  /** Why it was deferred or quarantined, as recorded then. */
  reason?: string;
  manifestUri?: string;
  /** Its start is claimed (the guard moved past it) but not recorded yet: the sweeper re-issues it. */
  claimed?: boolean;
}

export interface GuardStatus {
  running?: {
    seq: number;
    since: string;
    executionId?: string;
    /** An exclusive rule stops waiting for its terminal event then (maxRunSeconds). */
    blocksUntil?: string;
  };
  cooldownUntil?: string;
  startsToday: number;
  dailyCap?: number;
  /** The next batch in line. */
  nextSeq: number;
}

export interface RuleStatus {
  rule: string;
  target: string;
  open?: OpenBatchStatus;
  /** Closed, deferred or claimed batches not yet started, oldest first. */
  waiting: BatchStatusLine[];
  quarantined: BatchStatusLine[];
  guard: GuardStatus;
  /** For the first waiting batch: would it start now, and if not, why (the guards as a start sees them). */
  next?: { seq: number; startsNow: boolean; reasons: string[]; retryAt?: string };
}

export interface FreezeStatus extends Freeze {
  /** How it ends: by itself after the OK cooldown, or by a person. */
  thaws: string;
  thawsAt?: string;
}

export interface HoldStatus {
  kind: string;
  subject: string;
  at: string;
  reason: string;
  /** The package held, when the decision names one. */
  package?: string;
}

export interface ControllerStatus {
  at: string;
  rules: RuleStatus[];
  freezes: FreezeStatus[];
  killSwitch: KillSwitchState;
  holds: HoldStatus[];
  /** The decisions read for the holds: from this time on. */
  holdsSince: string;
}

/** What the caller read for one rule. */
export interface RuleReads {
  open: OpenBatchView;
  guard: GuardState;
  /** CLOSED, DEFERRED, STARTING and QUARANTINED records of the rule. */
  batches: readonly BatchRecord[];
  /** The batch record of the guard's running batch run, when there is one. */
  running?: BatchRecord;
}

export interface StatusReads {
  rules: ReadonlyMap<string, RuleReads>;
  freezes: readonly Freeze[];
  killSwitch: KillSwitchState;
  /** Gate decisions (overrides included: `gate.override`) from `holdsSince` on. */
  decisions: readonly Decision[];
  holdsSince: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Binary units, as the byte thresholds are usually written. */
export function bytesText(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * What will close the open batch. A count or size threshold's time is estimated from the batch's
 * own arrival rate so far (objects spread over first → last arrival), so it exists only once
 * arrivals are spread in time; the quiet period's time assumes nothing more arrives. The first is
 * a threshold already met, else the earliest estimated time, else the threshold nearest to its
 * limit; a marker alone can only be waited for.
 */
export function closeOutlook(rule: RetrainingRule, open: OpenBatchView, now: Date): CloseOutlook {
  const t = rule.trigger;
  const n = open.pendingObjects;
  const b = open.pendingBytes;
  const first = open.firstArrivalAt ? Date.parse(open.firstArrivalAt) : undefined;
  const last = open.lastArrivalAt ? Date.parse(open.lastArrivalAt) : undefined;
  const spread = first !== undefined && last !== undefined && last > first && n >= 2 ? last - first : undefined;
  // Objects per ms over the gaps between arrivals (n objects span n - 1 gaps).
  const rate = spread !== undefined ? (n - 1) / spread : undefined;
  const thresholds: Array<CloseThreshold & { reached: number }> = [];
  // An estimate already past means the arrivals stopped: the rate no longer says anything.
  const eta = (ms: number): { at?: string } => (ms > now.getTime() ? { at: iso(ms) } : {});

  if (t.marker !== undefined)
    thresholds.push({ trigger: 'marker', needs: `the marker ${t.marker} arriving`, met: false, reached: 0 });
  if (t.maxObjects !== undefined) {
    const more = t.maxObjects - n;
    thresholds.push({
      trigger: 'maxObjects',
      needs:
        more > 0 ? `${plural(more, 'more object')} (${n} of ${t.maxObjects})` : `reached (${n} of ${t.maxObjects})`,
      met: more <= 0,
      reached: n / t.maxObjects,
      ...(more > 0 && rate && last !== undefined ? eta(last + more / rate) : {}),
    });
  }
  if (t.maxBytes !== undefined) {
    const more = t.maxBytes - b;
    const byteRate = rate && n > 0 ? (rate * b) / n : undefined;
    thresholds.push({
      trigger: 'maxBytes',
      needs:
        more > 0
          ? `${bytesText(more)} more (${bytesText(b)} of ${bytesText(t.maxBytes)})`
          : `reached (${bytesText(b)} of ${bytesText(t.maxBytes)})`,
      met: more <= 0,
      reached: b / t.maxBytes,
      ...(more > 0 && byteRate && last !== undefined ? eta(last + more / byteRate) : {}),
    });
  }
  if (t.quietSeconds !== undefined && last !== undefined) {
    const at = last + t.quietSeconds * 1000;
    thresholds.push({
      trigger: 'quietSeconds',
      needs: `no new object for ${t.quietSeconds}s`,
      met: now.getTime() >= at,
      reached: Math.min(1, (now.getTime() - last) / (t.quietSeconds * 1000)),
      at: iso(at),
    });
  }

  const result = (winner: (typeof thresholds)[number] | undefined, why: string): CloseOutlook => ({
    thresholds: thresholds.map(({ reached: _reached, ...rest }) => rest),
    ...(winner ? { first: winner.trigger } : {}),
    why,
  });
  const met = thresholds.find((x) => x.met);
  if (met)
    return result(
      met,
      met.trigger === 'quietSeconds'
        ? 'the quiet period is over: the next sweep (every minute) closes it'
        : `${met.trigger} is reached: the next append or sweep closes it`,
    );
  const timed = thresholds.filter((x) => x.at !== undefined).sort((x, y) => Date.parse(x.at!) - Date.parse(y.at!));
  if (timed[0])
    return result(
      timed[0],
      timed[0].trigger === 'quietSeconds'
        ? `earliest: ${timed[0].at} if nothing more arrives`
        : `earliest at the arrival rate so far: about ${timed[0].at}`,
    );
  const nearest = thresholds.filter((x) => x.trigger !== 'marker').sort((x, y) => y.reached - x.reached)[0];
  if (nearest) return result(nearest, `nearest to its limit (${Math.round(nearest.reached * 100)}%)`);
  const marker = thresholds[0];
  return result(marker, marker ? 'only the marker closes it' : 'no trigger can close it');
}

const line = (b: BatchRecord): BatchStatusLine => ({
  seq: b.seq,
  status: b.status,
  objects: b.objects,
  bytes: b.bytes,
  closedAt: b.closedAt,
  ...(b.reason !== undefined ? { reason: b.reason } : {}),
  ...(b.manifestUri !== undefined ? { manifestUri: b.manifestUri } : {}),
});

export function ruleStatus(rule: RetrainingRule, reads: RuleReads, now: Date): RuleStatus {
  const { open, guard } = reads;
  const g = rule.guards;
  const today = now.toISOString().slice(0, 10);
  const waiting = reads.batches
    .filter((b) => b.status !== 'QUARANTINED' && b.status !== 'STARTED')
    .map((b) => (b.seq < guard.nextSeq ? { ...line(b), claimed: true } : line(b)));
  const quarantined = reads.batches.filter((b) => b.status === 'QUARANTINED').map(line);
  const cooldownEnd = guard.lastStartAt ? Date.parse(guard.lastStartAt) + g.cooldownSeconds * 1000 : undefined;
  const running = guard.running;
  const executionId = running?.executionId ?? reads.running?.executionId;
  const status: RuleStatus = {
    rule: rule.name,
    target: `${rule.target.type} ${rule.target.name}`,
    waiting,
    quarantined,
    guard: {
      ...(running
        ? {
            running: {
              seq: running.seq,
              since: running.since,
              ...(executionId ? { executionId } : {}),
              ...(g.exclusive ? { blocksUntil: iso(Date.parse(running.since) + g.maxRunSeconds * 1000) } : {}),
            },
          }
        : {}),
      ...(cooldownEnd !== undefined && g.cooldownSeconds > 0 && cooldownEnd > now.getTime()
        ? { cooldownUntil: iso(cooldownEnd) }
        : {}),
      startsToday: guard.day === today ? guard.startsToday : 0,
      ...(g.dailyCap !== undefined ? { dailyCap: g.dailyCap } : {}),
      nextSeq: guard.nextSeq,
    },
  };
  if (open.pendingObjects > 0) {
    const first = open.firstArrivalAt ? Date.parse(open.firstArrivalAt) : undefined;
    status.open = {
      objects: open.pendingObjects,
      bytes: open.pendingBytes,
      ...(open.firstArrivalAt ? { firstArrivalAt: open.firstArrivalAt } : {}),
      ...(open.lastArrivalAt ? { lastArrivalAt: open.lastArrivalAt } : {}),
      ...(first !== undefined ? { ageSeconds: Math.max(0, Math.round((now.getTime() - first) / 1000)) } : {}),
      closing: open.closing === true,
      closes: closeOutlook(rule, open, now),
    };
  }
  const head = waiting.find((b) => !b.claimed);
  if (head) {
    // A batch run's execution id is on its batch record: name it as the guard's own would be.
    const named = running && executionId ? { ...guard, running: { ...running, executionId } } : guard;
    const verdict = evaluateStart(rule, named, head.seq, now);
    status.next =
      verdict.verdict === 'start'
        ? { seq: head.seq, startsNow: true, reasons: ['guards clear: the next sweep starts it'] }
        : {
            seq: head.seq,
            startsNow: false,
            reasons: verdict.reasons,
            ...(verdict.retryAt ? { retryAt: verdict.retryAt } : {}),
          };
  }
  return status;
}

export function freezeStatus(policy: Policy, freeze: Freeze): FreezeStatus {
  const binding = policy.rollback.find((b) => b.name === freeze.binding);
  const after = binding?.freeze?.autoUnfreezeAfterOkSeconds;
  const by = `mlops-controller unfreeze ${freeze.pipeline} ${freeze.stage}`;
  if (!after) return { ...freeze, thaws: `by a person: ${by}` };
  if (!freeze.okSince)
    return { ...freeze, thaws: `by itself ${after}s after every alarm (${freeze.alarms.join(', ')}) is OK, or ${by}` };
  const at = iso(Date.parse(freeze.okSince) + after * 1000);
  return { ...freeze, thaws: `by itself at ${at} if the alarms stay OK, or ${by}`, thawsAt: at };
}

/**
 * HOLDs nothing later settled: a HOLD is settled by a later decision of another outcome on the same
 * subject (a re-delivery finding it decided, an override) or, for a registry HOLD (its subject is
 * the package), by any later decision that touched the package (an override naming it). An
 * approval action's HOLD is about that action only: a decision on its package elsewhere leaves it. A person's answer in the console
 * leaves no record here, so a listed HOLD is "recorded, not settled by the controller".
 */
export function pendingHolds(decisions: readonly Decision[]): HoldStatus[] {
  const ordered = decisions
    .map((d, i) => ({ d, i, at: decisionTime(d) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i));
  const open = new Map<string, HoldStatus>();
  for (const { d } of ordered) {
    const touched = packagesTouched(d);
    for (const key of open.keys())
      if (d.outcome !== 'HOLD' && (key === d.subject || (isModelPackageArn(key) && touched.includes(key))))
        open.delete(key);
    if (d.outcome === 'HOLD') {
      const pkg = isModelPackageArn(d.subject) ? d.subject : touched[0];
      open.set(d.subject, {
        kind: d.kind,
        subject: d.subject,
        at: d.at,
        reason: d.reasons[0] ?? '',
        ...(pkg ? { package: pkg } : {}),
      });
    }
  }
  return [...open.values()];
}

export function controllerStatus(policy: Policy, reads: StatusReads, now: Date): ControllerStatus {
  return {
    at: now.toISOString(),
    rules: policy.retraining.flatMap((rule) => {
      const r = reads.rules.get(rule.name);
      return r ? [ruleStatus(rule, r, now)] : [];
    }),
    freezes: reads.freezes.map((f) => freezeStatus(policy, f)),
    killSwitch: reads.killSwitch,
    holds: pendingHolds(reads.decisions),
    holdsSince: reads.holdsSince,
  };
}
