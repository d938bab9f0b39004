import type { Policy, RetrainingRule } from '../../config/policy';
import type { BatchLedger } from '../../ports/batch-ledger';
import type { BuildSlots } from '../../ports/build-slots';
import type { Clock } from '../../ports/clock';
import type { DecisionLog } from '../../ports/decision-log';
import type { Logger } from '../../ports/logger';
import type { ObjectStore } from '../../ports/object-store';
import type { Pipelines } from '../../ports/pipelines';
import type { RetrainRequests } from '../../ports/retrain-requests';
import type { RunFailures } from '../../ports/run-failures';
import type { RunStore } from '../../ports/run-store';
import { Recorder } from '../recorder';

export interface RetrainingDeps {
  policy: Policy;
  ledger: BatchLedger;
  runs: RunStore;
  objects: ObjectStore;
  pipelines: Pipelines;
  /** The account's CodeBuild slots, shared by the codebuild rules. */
  slots: BuildSlots;
  /** Starts alarms asked for (rollback bindings with `retrain`); the sweeper acts on them. */
  requests: RetrainRequests;
  /** Why a run the controller started failed (read once, when its failure releases the rule). */
  failures: RunFailures;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

/** What every retraining use case (ingest, starts, finished, sweep) works with. */
export interface RetrainingFlow extends RetrainingDeps {
  recorder: Recorder;
  now(): Date;
  rule(name: string): RetrainingRule | undefined;
}

export function retrainingFlow(deps: RetrainingDeps): RetrainingFlow {
  return {
    ...deps,
    recorder: new Recorder(deps, 'retraining.ignore'),
    now: () => deps.clock.now(),
    rule: (name) => deps.policy.retraining.find((r) => r.name === name),
  };
}
