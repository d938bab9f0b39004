import type { AlarmChange } from '../../parsing/alarm';
import { ControllerError } from '../../domain/errors';
import { operatorRequestId } from '../../domain/overrides';
import { act } from './alarm';
import { reasonText, type RollbackFlow } from './flow';

/** `mlops-controller rollback <binding> --reason`: a person asks for what an alarm on the binding would do. */
export interface OperatorRollback {
  binding: string;
  reason: string;
  by: string;
}

export type OperatorRollbackResult =
  /** The steps ran (each its own decision, with its writes taken or withheld). */
  | { outcome: 'REQUESTED'; request: string }
  /** An identical request (binding, person, reason) holds its claim: nothing ran again. */
  | { outcome: 'ALREADY_REQUESTED'; request: string };

/** A person's request counts as done this long: a re-run of the same command within it does nothing. */
const REQUEST_KEEP_SECONDS = 86_400;
/** A request whose invocation died (a closed terminal) without finishing is taken over after this. */
const REQUEST_CLAIM_SECONDS = 5 * 60;

/**
 * Runs the binding's alarm response (functions/workflows/rollback/alarm.ts `act`: freeze, roll back
 * CodeDeploy or the endpoint, reject the live package, or request retraining) with the person as
 * its origin instead of an alarm: no alarm to select the binding, no freshness to check. The
 * request is one committed decision whose claim (binding, person, reason) is taken before any step,
 * so a repeated or concurrent identical command finds it and does nothing; each step still takes
 * its own claim per (target, bad version), so an alarm and a person rolling back the same version
 * roll it back once. A step that fails gives the request's claim back: the same command resumes.
 */
export async function operatorRollback(flow: RollbackFlow, request: OperatorRollback): Promise<OperatorRollbackResult> {
  const binding = flow.policy.rollback.find((b) => b.name === request.binding);
  if (!binding)
    throw new ControllerError(
      `no rollback binding named ${request.binding}; the policy's: ${flow.policy.rollback.map((b) => b.name).join(', ') || '(none)'}`,
    );
  const by = request.by.trim();
  const reason = request.reason.trim();
  const id = operatorRequestId(binding.name, by, reason);
  const change: AlarmChange = {
    id: `operator-${id}`,
    via: 'operator',
    by,
    // Stands where the alarm's name goes in the steps' claims, findings and retraining token.
    name: `operator-${id}`,
    state: 'ALARM',
    reason,
    since: flow.now().toISOString(),
  };
  const committed = await flow.recorder.commit(
    {
      kind: 'rollback.operator',
      subject: binding.name,
      outcome: 'REQUESTED',
      reasons: [reasonText(change)],
      inputs: { origin: 'operator', by, reason, request: id },
    },
    {
      key: `OPERATOR-ROLLBACK#${binding.name}#${id}`,
      ttlSeconds: REQUEST_CLAIM_SECONDS,
      keepSeconds: REQUEST_KEEP_SECONDS,
    },
    [],
  );
  if (!committed) return { outcome: 'ALREADY_REQUESTED', request: id };
  try {
    await act(flow, binding, change);
  } catch (error) {
    await committed.fail(error).catch(() => undefined);
    throw error;
  }
  await committed.done();
  return { outcome: 'REQUESTED', request: id };
}
