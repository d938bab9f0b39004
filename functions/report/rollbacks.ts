/**
 * Rollbacks per binding: each alarm episode (binding, alarm, the time it entered ALARM, as the
 * records' reasons state it), the time from the alarm to the first write taken, and every step
 * that ran, was withheld, found nothing to do or failed.
 */
import { durationText, escapeHtml, missing, outcomeLabel, table, timeText } from './html';
import { atMs, chronological, object, text, type Decision } from './records';
import { chartSlot, type Section } from './section';

/** The texts functions/workflows/rollback/flow.ts `reasonText` writes into every step's reasons. */
const ALARM_REASON = /alarm (.+?) in ALARM since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;
const OPERATOR_REASON = /rollback asked by (.+?) at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;

/** Decisions about a binding's response, not about an alarm episode's steps. */
const NOT_STEPS = new Set([
  'rollback.alarm',
  'rollback.hook',
  'rollback.endpoint-seen',
  'rollback.unfreeze',
  'rollback.stage-retry',
  'rollback.ignore',
]);

export type StepState = 'ran' | 'withheld' | 'failed' | 'no write';

export interface StepRow {
  step: string;
  at: string;
  outcome: string;
  state: StepState;
  reasons: string[];
  /** Identical records (the same step, outcome and reasons: duplicate deliveries) folded into one. */
  times: number;
}

export interface Incident {
  binding: string;
  /** The alarm's name, `judgment <analysis>` for a canary judgment's FAIL, or `operator <name>` for a rollback a person asked for. */
  trigger: string;
  since: string;
  steps: StepRow[];
  /** The first step whose write was taken. */
  firstActionAt?: string;
  /** From `since` to the first taken write, in seconds. */
  actionSeconds?: number;
}

/**
 * The alarm episode a step belongs to: the record's `inputs.trigger` (alarm and since) where the
 * step recorded it, else the reason text every step's reasons start with.
 */
export function incidentTrigger(
  reasons: readonly string[],
  inputs: Record<string, unknown> = {},
): { trigger: string; since: string } | undefined {
  const recorded = object(inputs.trigger);
  const alarm = text(recorded?.alarm);
  const since = text(recorded?.since);
  // A judgment's FAIL names its analysis where an alarm's name would be.
  if (alarm !== undefined && since !== undefined)
    return { trigger: text(recorded?.via) === 'judgment' ? `judgment ${alarm}` : alarm, since };
  for (const r of reasons) {
    const alarm = ALARM_REASON.exec(r);
    if (alarm) return { trigger: alarm[1]!, since: alarm[2]! };
    const operator = OPERATOR_REASON.exec(r);
    if (operator) return { trigger: `operator ${operator[1]!}`, since: operator[2]! };
  }
  return undefined;
}

const stepState = (d: Decision): StepState => {
  const actions = d.actions ?? [];
  if (d.outcome === 'FAILED' || actions.some((a) => a.status === 'failed')) return 'failed';
  if (actions.some((a) => a.status === 'taken')) return 'ran';
  if (actions.some((a) => a.status === 'withheld')) return 'withheld';
  return 'no write';
};

export function rollbacks(records: readonly Decision[]): Incident[] {
  const incidents = new Map<string, Incident>();
  for (const d of chronological(records)) {
    if (!d.kind.startsWith('rollback.') || NOT_STEPS.has(d.kind)) continue;
    const trigger = incidentTrigger(d.reasons, d.inputs ?? {});
    if (!trigger) continue;
    const binding = d.subject.split('/')[0] ?? d.subject;
    const key = `${binding}\u0000${trigger.trigger}\u0000${trigger.since}`;
    const incident = incidents.get(key) ?? { binding, ...trigger, steps: [] };
    incidents.set(key, incident);
    const named = d.kind === 'rollback.step' ? `step ${text(d.inputs?.step) ?? '?'}` : d.kind.slice('rollback.'.length);
    const step = `${named} ${d.subject.slice(binding.length + 1)}`.trim();
    const state = stepState(d);
    const same = incident.steps.find(
      (s) => s.step === step && s.outcome === d.outcome && s.reasons.join('\n') === d.reasons.join('\n'),
    );
    if (same) same.times++;
    else incident.steps.push({ step, at: d.at, outcome: d.outcome, state, reasons: d.reasons, times: 1 });
    if (state === 'ran' && incident.firstActionAt === undefined) {
      incident.firstActionAt = d.at;
      const from = Date.parse(trigger.since);
      const to = atMs(d);
      if (!Number.isNaN(from) && to !== undefined) incident.actionSeconds = (to - from) / 1000;
    }
  }
  return [...incidents.values()].sort((a, b) => a.binding.localeCompare(b.binding) || (a.since < b.since ? -1 : 1));
}

const STATES: StepState[] = ['ran', 'withheld', 'no write', 'failed'];

export function rollbacksSection(records: readonly Decision[]): Section {
  const incidents = rollbacks(records);
  if (incidents.length === 0)
    return { id: 'rollbacks', title: 'Rollbacks', html: missing('No rollback episode in this selection.'), charts: [] };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 40 + 32 * new Set(incidents.map((i) => i.binding)).size,
    layer: [
      {
        data: {
          values: incidents.map((i) => ({
            binding: i.binding,
            trigger: i.trigger,
            since: i.since,
            until: i.steps[i.steps.length - 1]?.at ?? i.since,
            action: i.actionSeconds === undefined ? 'no write taken' : durationText(i.actionSeconds),
          })),
        },
        mark: { type: 'rule', strokeWidth: 2, color: '#9aa3ad' },
        encoding: {
          y: { field: 'binding', type: 'nominal' },
          x: { field: 'since', type: 'temporal', title: 'time (UTC)', axis: { format: '%m-%d %H:%M' } },
          x2: { field: 'until' },
          tooltip: [
            { field: 'binding' },
            { field: 'trigger' },
            { field: 'since' },
            { field: 'action', title: 'alarm → action' },
          ],
        },
      },
      {
        data: {
          values: incidents.flatMap((i) =>
            i.steps.map((s) => ({
              binding: i.binding,
              trigger: i.trigger,
              step: s.step,
              at: s.at,
              outcome: s.outcome,
              state: s.state,
              times: s.times,
              reason: s.reasons[s.reasons.length - 1] ?? '',
            })),
          ),
        },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          y: { field: 'binding', type: 'nominal', title: 'binding' },
          x: { field: 'at', type: 'temporal' },
          color: {
            field: 'state',
            type: 'nominal',
            title: 'step',
            scale: { domain: STATES, range: ['#2a9d4b', '#f0a830', '#7aa6d6', '#d62728'] },
          },
          tooltip: [
            { field: 'binding' },
            { field: 'trigger' },
            { field: 'step' },
            { field: 'outcome' },
            { field: 'state' },
            { field: 'times', title: 'records' },
            { field: 'reason' },
          ],
        },
      },
    ],
  };
  const rows = incidents.map((i) => [
    i.binding,
    i.trigger,
    timeText(i.since),
    i.firstActionAt ? timeText(i.firstActionAt) : { html: '<em>no write taken</em>' },
    i.actionSeconds === undefined ? '' : { html: escapeHtml(durationText(i.actionSeconds)), className: 'num' },
    {
      html: i.steps
        .map(
          (s) =>
            `<span class="step-${s.state.replace(' ', '-')}" title="${escapeHtml(s.reasons.join('\n'))}">${escapeHtml(s.step)}: ${outcomeLabel(s.outcome)}${
              s.times > 1 ? ` ×${s.times}` : ''
            } (${escapeHtml(s.state)})</span>`,
        )
        .join('<br>'),
    },
    i.steps.filter((s) => s.state === 'failed').length,
  ]);
  const html = [
    chartSlot(
      'chart-rollbacks',
      'Each alarm episode per binding: from the alarm to its last step; points are steps by how they went',
    ),
    '<p class="note">The alarm time is the one the step records state (<code>in ALARM since</code>); alarm → action runs to the first step whose write was taken.</p>',
    table(['binding', 'alarm', 'in ALARM since', 'first write', 'alarm → action', 'steps', 'failed'], rows, {
      id: 'rollback-incidents',
    }),
  ].join('\n');
  return { id: 'rollbacks', title: 'Rollbacks', html, charts: [{ id: 'chart-rollbacks', spec }] };
}
