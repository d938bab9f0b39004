import { isoTime } from '../domain/time';
import type { Parsed, RecordOrigin } from './parsed';

/**
 * The three ways a CloudWatch alarm state change reaches the controller, parsed into one shape:
 *  - EventBridge "CloudWatch Alarm State Change" (single-metric, metric-math, composite alike);
 *  - the alarm's direct Lambda action: `{source: 'aws.cloudwatch', alarmArn, accountId, alarmData}`;
 *  - SNS: `Records[].Sns.Message` is the alarm notification JSON (`AlarmName`, `NewStateValue`, ...).
 * The change carries its origin flat (`id`, `via`, `account`, `region`): the rollback records them.
 */
export interface AlarmChange {
  /** The delivery's own id (EventBridge id, SNS MessageId), or a stable stand-in. */
  id: string;
  /**
   * `operator`: no alarm, a person's `mlops-controller rollback` (workflows/rollback/operator.ts).
   * `judgment`: no alarm, a canary judgment that FAILed (workflows/rollback/judge.ts), `name` its analysis.
   */
  via: 'eventbridge' | 'lambda-action' | 'sns' | 'operator' | 'judgment';
  /** Who asked, for an operator's rollback. */
  by?: string;
  name: string;
  arn?: string;
  account?: string;
  region?: string;
  state: string;
  previous?: string;
  reason: string;
  /** When the alarm entered `state` (ISO); the episode's identity for idempotency. */
  since: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `arn:aws:cloudwatch:us-east-1:123456789012:alarm:Name` → region and account. */
function arnParts(arn: string | undefined): { region?: string; account?: string } {
  const p = arn?.split(':');
  return p && p.length >= 7 && p[2] === 'cloudwatch' ? { region: p[3], account: p[4] } : {};
}

function fromAlarmData(
  data: Obj,
  meta: { id: string; via: AlarmChange['via']; arn?: string; account?: string; region?: string; time: string },
): AlarmChange | string {
  const name = s(data.alarmName);
  const state = isObj(data.state) ? data.state : undefined;
  const value = s(state?.value);
  if (!name || !value) return 'alarm state change without alarmName or state.value';
  const previous = isObj(data.previousState) ? s(data.previousState.value) : undefined;
  return {
    id: meta.id,
    via: meta.via,
    name,
    ...(meta.arn ? { arn: meta.arn } : {}),
    ...(meta.account ? { account: meta.account } : {}),
    ...(meta.region ? { region: meta.region } : {}),
    state: value,
    ...(previous ? { previous } : {}),
    reason: s(state?.reason) ?? '',
    since: isoTime(s(state?.timestamp), meta.time),
  };
}

function fromSnsMessage(message: string, id: string, time: string): AlarmChange | string {
  let m: unknown;
  try {
    m = JSON.parse(message);
  } catch {
    return 'SNS message is not JSON';
  }
  if (!isObj(m) || !s(m.AlarmName) || !s(m.NewStateValue)) return 'SNS message is not a CloudWatch alarm notification';
  const arn = s(m.AlarmArn);
  return {
    id,
    via: 'sns',
    name: m.AlarmName as string,
    ...(arn ? { arn } : {}),
    ...(s(m.AWSAccountId) ? { account: m.AWSAccountId as string } : {}),
    // The message's `Region` is a display name ("US East (N. Virginia)"); the ARN has the code.
    ...(arnParts(arn).region ? { region: arnParts(arn).region } : {}),
    state: m.NewStateValue as string,
    ...(s(m.OldStateValue) ? { previous: m.OldStateValue as string } : {}),
    reason: s(m.NewStateReason) ?? '',
    since: isoTime(s(m.StateChangeTime), time),
  };
}

/** A scheduled EventBridge event (the alarm function's timer), not an alarm change. */
export function isScheduledTick(event: unknown): boolean {
  return isObj(event) && event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
}

/** Every alarm state change in a Lambda input; `now` stands in for times an event lacks. */
export function parseAlarm(event: unknown, now: string): Parsed<AlarmChange> {
  const out: Parsed<AlarmChange> = { commands: [], skipped: [], invalid: [] };
  const push = (r: AlarmChange | string, origin: RecordOrigin) =>
    typeof r === 'string' ? out.invalid.push({ origin, reason: r }) : out.commands.push(r);
  const unknown: RecordOrigin = { via: 'unknown', id: isObj(event) ? (s(event.id) ?? 'event') : 'event' };
  if (!isObj(event)) {
    out.invalid.push({ origin: unknown, reason: 'event is not an object' });
    return out;
  }
  if (event['detail-type'] === 'CloudWatch Alarm State Change' && isObj(event.detail)) {
    const arn = Array.isArray(event.resources) ? s(event.resources[0]) : undefined;
    const origin = {
      via: 'eventbridge' as const,
      id: s(event.id) ?? `alarm-${now}`,
      ...(s(event.account) ? { account: event.account as string } : {}),
      ...(s(event.region) ? { region: event.region as string } : {}),
    };
    push(
      fromAlarmData(event.detail, { ...origin, ...(arn ? { arn } : {}), time: isoTime(s(event.time), now) }),
      origin,
    );
    return out;
  }
  if (isObj(event.alarmData)) {
    const arn = s(event.alarmArn);
    const time = isoTime(s(event.time), now);
    const account = s(event.accountId) ?? arnParts(arn).account;
    const region = s(event.region) ?? arnParts(arn).region;
    // The direct action has no delivery id; alarm ARN + state time identifies the transition.
    const origin = {
      via: 'lambda-action' as const,
      id: `${arn ?? 'alarm'}@${time}`,
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
    };
    push(fromAlarmData(event.alarmData, { ...origin, ...(arn ? { arn } : {}), time }), origin);
    return out;
  }
  if (Array.isArray(event.Records)) {
    for (const record of event.Records) {
      const sns = isObj(record) && isObj(record.Sns) ? record.Sns : undefined;
      const origin: RecordOrigin = { via: 'sns', id: s(sns?.MessageId) ?? `sns-${now}` };
      if (!sns || typeof sns.Message !== 'string') {
        out.invalid.push({ origin, reason: 'record is not an SNS notification' });
        continue;
      }
      push(fromSnsMessage(sns.Message, origin.id, isoTime(s(sns.Timestamp), now)), origin);
    }
    return out;
  }
  out.invalid.push({
    origin: unknown,
    reason: 'not a CloudWatch alarm state change (EventBridge, Lambda alarm action or SNS)',
  });
  return out;
}
