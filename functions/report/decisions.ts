/** Every decision in one table, filterable by kind, outcome and any text, with all its reasons. */
import { escapeHtml, filterBar, missing, outcomeLabel, table, timeText } from './html';
import { chronological, inputsTruncated, type Decision } from './records';
import type { Section } from './section';

const actionText = (d: Decision): string =>
  (d.actions ?? [])
    .map((a) => {
      const cls = a.status === 'taken' ? '' : ` class="step-${a.status}"`;
      const why = a.why ? ` title="${escapeHtml(a.why)}"` : '';
      return `<span${cls}${why}>${escapeHtml(`${a.status === 'taken' ? '' : `${a.status}: `}${a.service} ${a.operation} ${a.target}`)}</span>`;
    })
    .join('<br>');

export function decisionsSection(records: readonly Decision[]): Section {
  const sorted = chronological(records);
  if (sorted.length === 0)
    return {
      id: 'decisions',
      title: 'Every decision',
      html: missing('No decision records in this selection.'),
      charts: [],
    };
  const filters = filterBar('decisions-table', 'filter', 'decisions', [
    { field: 'kind', label: 'kind', values: sorted.map((d) => d.kind) },
    { field: 'outcome', label: 'outcome', values: sorted.map((d) => d.outcome) },
  ]);
  const rows = sorted.map((d) => [
    timeText(d.at),
    d.kind,
    d.subject,
    { html: outcomeLabel(d.outcome) },
    { html: actionText(d) || '-' },
    {
      html:
        escapeHtml(d.reasons.join('\n')) + (inputsTruncated(d) ? '<br><em>(inputs cut short in the record)</em>' : ''),
      className: 'reasons',
    },
    d.policyVersion ?? '',
  ]);
  const html =
    filters +
    table(['at (UTC)', 'kind', 'subject', 'outcome', 'actions', 'reasons', 'policy'], rows, {
      id: 'decisions-table',
      rowAttributes: (i) =>
        ` data-kind="${escapeHtml(sorted[i]!.kind)}" data-outcome="${escapeHtml(sorted[i]!.outcome)}"`,
    });
  return { id: 'decisions', title: 'Every decision', html, charts: [] };
}
