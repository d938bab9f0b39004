import { createHash } from 'node:crypto';
import type { Policy } from '../../config/policy';
import type { Gate } from '../../config/policy-gates';
import type { PipelineApprovals } from '../../ports/approvals';
import type { Claims } from '../../ports/claims';
import type { Clock } from '../../ports/clock';
import type { DecisionLog } from '../../ports/decision-log';
import type { Logger } from '../../ports/logger';
import type { MetricReports } from '../../ports/metric-reports';
import type { ModelPackage, ModelRegistry } from '../../ports/model-registry';
import type { Notifier } from '../../ports/notifier';
import { Recorder } from '../recorder';

export interface GateDeps {
  policy: Policy;
  registry: ModelRegistry;
  reports: MetricReports;
  notifier: Notifier;
  approvals: PipelineApprovals;
  claims: Claims;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

/** What every gate use case (registered, approval, evaluate) works with. */
export interface GateFlow extends GateDeps {
  recorder: Recorder;
  /** Champion packages described in this container, by ARN (a package version's ModelMetrics never change). */
  champions: Map<string, ModelPackage>;
}

export function gateFlow(deps: GateDeps): GateFlow {
  return { ...deps, recorder: new Recorder(deps, 'gate.ignore'), champions: new Map() };
}

/** A HOLD notification is sent once per situation for this long. */
const HOLD_NOTIFY_TTL_SECONDS = 7 * 86_400;

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** HOLD: the decision stays with a person, who is told once per situation. */
export async function notifyHold(flow: GateFlow, gate: Gate, about: string, subject: string, message: string) {
  if (!gate.notifyTopicArn) return;
  if (!(await flow.claims.claim(`GATE-HOLD#${sha(`${about}\u0000${message}`)}`, HOLD_NOTIFY_TTL_SECONDS))) {
    flow.logger.info('hold already notified', { about });
    return;
  }
  await flow.notifier.notify(gate.notifyTopicArn, `mlops-controller ${subject}`, message);
}
