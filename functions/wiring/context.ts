import type { Policy } from '../config/policy';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Guardrails } from '../guardrails';

/**
 * What a workflow gets besides its ports, the same in a Lambda, in `simulate` and in a test: the
 * policy, the clock, the logger and the guardrails (observe mode, kill switch, explained decisions)
 * that wrap its write ports. Without guardrails the ports are used as given, as unit tests of a
 * workflow's own decisions want.
 */
export interface Wiring {
  policy: Policy;
  clock: Clock;
  logger: Logger;
  guardrails?: Pick<Guardrails, 'guardWrites'>;
}

/** The ports of `D`: its dependencies without what the wiring supplies. */
export type PortsOf<D> = Omit<D, 'policy' | 'clock' | 'logger'>;

/** What guardrails may wrap: a workflow's dependencies with any of its write ports. */
type Guardable = Parameters<Guardrails['guardWrites']>[0];

/** The dependencies a workflow is built on: its ports, the wiring's context, guarded if asked. */
export function wired<D extends { policy: Policy; clock: Clock; logger: Logger } & Guardable>(
  ports: PortsOf<D>,
  wiring: Wiring,
): D {
  const { guardrails, ...context } = wiring;
  const deps = { ...ports, ...context } as D;
  return guardrails ? guardrails.guardWrites(deps) : deps;
}
