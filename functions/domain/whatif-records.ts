/** What every re-decision starts from: the record as it was decided. */
import type { Decision } from '../ports/decision-log';
import type { Redecided } from './whatif';

/** A re-decision before whatif knows the record's position among those replayed. */
export type Redecision = Omit<Redecided, 'index'>;

export const asRecorded = (r: Decision): Omit<Redecision, 'after' | 'flipped' | 'missing'> => ({
  kind: r.kind,
  subject: r.subject,
  at: r.at,
  before: { outcome: r.outcome, reasons: r.reasons },
});

/** The record lacks `what`, which the new policy needs: said, not guessed. */
export const lacking = (base: ReturnType<typeof asRecorded>, what: string): Redecision => ({
  ...base,
  missing: what,
  flipped: false,
});
