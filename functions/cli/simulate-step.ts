/** What a step kind is: its key in a scenario step, its schema, and its interpreter. */
import type * as z from 'zod';
import type { Delivery, SimWorld } from './simulate-world';

export interface StepContext {
  sim: SimWorld;
  /** A timeline line at the simulated time ("HH:MM:SS    text"). */
  note(text: string): void;
  /** Delivers one event now, once (for kinds that deliver by themselves: again, sweep). */
  deliver(d: Delivery): Promise<void>;
  /** Prints the decisions and write calls since the last report. */
  report(): void;
  /** The events of the last step that had some. */
  previous: readonly Delivery[];
  /** Every delivery as many times as `--duplicates` asks, extra copies at seeded random places. */
  shuffle<T>(items: T[]): T[];
  copies: number;
  /** The whole step, for a kind that reads a sibling key (`event` reads `set`). */
  step: Readonly<Record<string, unknown>>;
}

export interface StepKind<S extends z.ZodType = z.ZodType> {
  key: string;
  schema: S;
  /**
   * `before`: applied as the step starts, before the clock's ticks (pause, resume, mode);
   * `events`: builds the step's events (delivered together, `repeat` times, or `concurrent`);
   * `after`: once the step's events are delivered (sweep).
   */
  phase: 'before' | 'events' | 'after';
  /** Sibling keys this kind reads, added to the step schema. */
  fields?: Record<string, z.ZodType>;
  run(value: z.output<S>, ctx: StepContext): Promise<Delivery[] | void> | Delivery[] | void;
}

export const defineStep = <S extends z.ZodType>(kind: StepKind<S>): StepKind<S> => kind;
