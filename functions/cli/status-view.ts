/**
 * The `status` screen: one table per section (rules, batches not started, frozen stages, HOLDs)
 * and the kill switch. Times are UTC; the JSON form (`--json`) is the ControllerStatus itself.
 */
import { bytesText, type CloseOutlook, type ControllerStatus, type RuleStatus } from '../domain/status';

/** Left-aligned columns two spaces apart; the last column is never padded. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}

/** Gate reasons run over several lines (one per check); the table shows the verdict line. */
const firstLine = (text: string): string => text.split('\n', 1)[0] ?? '';
const clock = (iso: string): string => iso.slice(0, 19).replace('T', ' ');
/** The time of day when it is the status's own day, else date and time. */
const when = (iso: string, today: string): string => (iso.startsWith(today) ? iso.slice(11, 19) : clock(iso));

export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

function closesText(closes: CloseOutlook, today: string): string {
  const first = closes.thresholds.find((t) => t.trigger === closes.first);
  if (!first) return closes.why;
  const at = first.at && !first.met ? ` ~${when(first.at, today)}` : '';
  return `${first.trigger}: ${first.needs}${at}${first.met ? ' (next append or sweep)' : ''}`;
}

function openText(r: RuleStatus): string {
  if (!r.open) return '-';
  const age = r.open.ageSeconds !== undefined ? `, age ${durationText(r.open.ageSeconds)}` : '';
  return `${r.open.objects} obj, ${bytesText(r.open.bytes)}${age}${r.open.closing ? ' (closing)' : ''}`;
}

function runningText(r: RuleStatus, today: string): string {
  const run = r.guard.running;
  if (!run) return '-';
  const what = run.seq < 0 ? 'alarm run' : `batch ${run.seq}`;
  return `${what} since ${when(run.since, today)}${run.executionId ? ` (${run.executionId.split('/').at(-1)})` : ''}`;
}

export function statusTable(status: ControllerStatus): string {
  const today = status.at.slice(0, 10);
  const out: string[] = [`mlops-controller status at ${clock(status.at)} UTC`, ''];
  const k = status.killSwitch;
  out.push(
    k.paused
      ? `KILL SWITCH  PAUSED${k.by ? ` by ${k.by}` : ''}${k.at ? ` at ${clock(k.at)}` : ''}${k.reason ? `: ${k.reason}` : ''} (every write action is withheld; mlops-controller resume)`
      : 'KILL SWITCH  off',
    '',
  );

  out.push('RETRAINING RULES');
  out.push(
    status.rules.length === 0
      ? '  (the policy has no retraining rules)'
      : textTable(
          ['RULE', 'OPEN BATCH', 'CLOSES FIRST BY', 'WAITING', 'QUARANTINED', 'RUNNING', 'COOLDOWN UNTIL', 'TODAY'],
          status.rules.map((r) => [
            r.rule,
            openText(r),
            r.open ? closesText(r.open.closes, today) : '-',
            String(r.waiting.length),
            String(r.quarantined.length),
            runningText(r, today),
            r.guard.cooldownUntil ? when(r.guard.cooldownUntil, today) : '-',
            `${r.guard.startsToday}${r.guard.dailyCap !== undefined ? `/${r.guard.dailyCap}` : ''}`,
          ]),
        ),
  );

  const batches = status.rules.flatMap((r) => [
    ...r.waiting.map((b) => {
      const next = r.next?.seq === b.seq ? r.next : undefined;
      const why = b.claimed
        ? 'start claimed, not yet recorded: the sweeper re-issues it'
        : next
          ? next.startsNow
            ? next.reasons.join('; ')
            : `waits: ${next.reasons.join('; ')}${next.retryAt ? ` (retry ${when(next.retryAt, today)})` : ''}`
          : `waits for batch ${r.next?.seq ?? r.guard.nextSeq}`;
      return [r.rule, String(b.seq), b.status, String(b.objects), bytesText(b.bytes), when(b.closedAt, today), why];
    }),
    ...r.quarantined.map((b) => [
      r.rule,
      String(b.seq),
      b.status,
      String(b.objects),
      bytesText(b.bytes),
      when(b.closedAt, today),
      b.reason ?? '(no reason recorded)',
    ]),
  ]);
  if (batches.length > 0) {
    out.push('', 'BATCHES NOT STARTED');
    out.push(textTable(['RULE', 'SEQ', 'STATUS', 'OBJECTS', 'BYTES', 'CLOSED', 'WHY'], batches));
    if (status.rules.some((r) => r.quarantined.length > 0))
      out.push(
        '  (a quarantined batch waits for a person: mlops-controller quarantine release|drop <rule> <seq> --reason ...)',
      );
  }

  const thresholds = status.rules.flatMap((r) =>
    r.open
      ? r.open.closes.thresholds.map((t) => [
          r.rule,
          t.trigger === r.open!.closes.first ? `${t.trigger} *` : t.trigger,
          t.needs,
          t.at ? when(t.at, today) : '-',
        ])
      : [],
  );
  if (thresholds.length > 0) {
    out.push('', 'OPEN BATCH THRESHOLDS (* fires first)');
    out.push(textTable(['RULE', 'TRIGGER', 'NEEDS', 'AT (estimate)'], thresholds));
  }

  out.push('', 'FROZEN STAGES');
  out.push(
    status.freezes.length === 0
      ? '  none'
      : textTable(
          ['PIPELINE/STAGE', 'BINDING', 'ALARMS', 'SINCE', 'THAWS'],
          status.freezes.map((f) => [
            `${f.pipeline}/${f.stage}`,
            f.binding,
            f.alarms.join(', '),
            when(f.since, today),
            f.thaws,
          ]),
        ),
  );

  out.push('', `PENDING HOLDS (gate decisions since ${clock(status.holdsSince)})`);
  out.push(
    status.holds.length === 0
      ? '  none'
      : textTable(
          ['AT', 'KIND', 'SUBJECT', 'WHY'],
          status.holds.map((h) => [when(h.at, today), h.kind, h.subject, firstLine(h.reason)]),
        ),
  );
  return out.join('\n');
}
