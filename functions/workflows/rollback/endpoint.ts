import type { RollbackBinding } from '../../config/policy-rollback';
import { recheckVerdict } from '../../domain/alarm-response';
import { isoTime } from '../../domain/time';
import type { AlarmChange } from '../../parsing/alarm';
import type { EndpointSighting } from '../../parsing/sagemaker';
import { ControllerError, EndpointConfigMissingError } from '../../domain/errors';
import { endpointPhase, endpointPlan } from '../../domain/rollback';
import { writes } from '../../domain/writes';
import type { Recheck } from '../../ports/rollback-store';
import { act } from './alarm';
import { found, nothingNow, once, reasonText, type Incident, type RollbackFlow } from './flow';

export type { EndpointSighting };

/** Returns the bound endpoint to its last-good config, or waits for it to settle first. */
export async function rollbackEndpoint(
  flow: RollbackFlow,
  binding: RollbackBinding,
  change: AlarmChange,
  incident: Incident,
): Promise<void> {
  const name = binding.endpoint!.name;
  const target = `endpoint:${name}`;
  const base = { kind: 'rollback.endpoint', subject: `${binding.name}/endpoint:${name}` };
  const state = await flow.endpoints.describe(name);
  if (!state)
    return flow.recorder.record({
      ...base,
      outcome: 'NOT_FOUND',
      reasons: [reasonText(change), `endpoint ${name} does not exist`],
      inputs: {},
    });
  let history = await flow.store.endpointHistory(name);
  if (history.length === 0 && endpointPhase(state.status) === 'in-service') {
    // No history yet (deployed before the controller): at least remember what is live now.
    const pkg = await flow.endpoints.packageOf(state.config);
    const seen = { config: state.config, at: flow.now().toISOString(), ...(pkg ? { modelPackageArn: pkg } : {}) };
    await flow.store.recordInService(name, seen);
    history = [seen];
  }
  const plan = endpointPlan(state, history);
  if (plan.kind === 'wait') {
    // A re-check asks the alarm again once the endpoint settles; a person's rollback has no alarm to ask.
    if (change.via === 'operator')
      throw new ControllerError(`endpoint ${name} is ${state.status}: run the rollback again once it is InService`, {
        retryable: true,
      });
    await flow.store.putRecheck({
      endpoint: name,
      binding: binding.name,
      alarm: change.name,
      since: flow.now().toISOString(),
      config: state.config,
      status: state.status,
    });
    return flow.recorder.record({
      ...base,
      outcome: 'WAITING',
      reasons: [reasonText(change), plan.reason],
      inputs: { status: state.status },
    });
  }
  if (plan.kind === 'failed') {
    // Terminal until a person repairs the endpoint: a wait would re-check forever, a retry change
    // nothing. The package of the config it reports is still the one the alarm fired on: rejected.
    const live =
      history.find((h) => h.config === state.config)?.modelPackageArn ?? (await flow.endpoints.packageOf(state.config));
    const packages = live ? [live] : [];
    await found(flow, binding, incident, { target, version: state.config, packages });
    return flow.recorder.record({
      ...base,
      outcome: 'FAILED',
      reasons: [reasonText(change), plan.reason],
      inputs: { status: state.status, live: state.config, ...(live ? { livePackage: live } : {}) },
    });
  }
  if (plan.kind === 'none')
    return nothingNow(flow, binding, base, change, incident, target, plan.reason, { live: state.config });
  const live = plan.live?.modelPackageArn ?? (await flow.endpoints.packageOf(plan.from));
  await found(flow, binding, incident, { target, version: plan.from, packages: live ? [live] : [] });
  const inputs = { from: plan.from, to: plan.to.config, ...(live ? { livePackage: live } : {}) };
  // A deleted config fails the same way on every retry: one FAILED decision, no retried delivery.
  const gone = (why: string) =>
    flow.recorder.record({
      ...base,
      outcome: 'FAILED',
      reasons: [
        reasonText(change),
        `cannot return ${name} to ${plan.to.config} (last seen InService ${plan.to.at}): ${why}; a person must choose a config`,
      ],
      inputs,
    });
  if (!(await flow.endpoints.configExists(plan.to.config)))
    return gone(`endpoint config ${plan.to.config} no longer exists (deleted)`);
  let won: boolean;
  try {
    won = await once(
      flow,
      `endpoint:${name}`,
      plan.from,
      { ...base, outcome: 'UPDATED', reasons: [reasonText(change), plan.reason], inputs },
      [writes.updateEndpoint(name, plan.to.config)],
      async () => {
        await flow.endpoints.update(name, plan.to.config);
        await flow.store.markRollback(name, plan.from, plan.to.config);
      },
    );
  } catch (error) {
    // Deleted between the check and UpdateEndpoint.
    if (error instanceof EndpointConfigMissingError) return gone(error.message);
    throw error;
  }
  if (!won)
    await flow.recorder.record({
      ...base,
      outcome: 'ALREADY_ROLLED_BACK',
      reasons: [reasonText(change), `rollback of ${name} from ${plan.from} was already claimed`],
      inputs,
    });
}

/** An endpoint event: remember configs that went InService; finish pending re-checks. */
export async function onEndpoint(flow: RollbackFlow, s: EndpointSighting): Promise<void> {
  const subject = `endpoint:${s.endpoint}`;
  const foreign = flow.recorder.foreignOrigin(s);
  if (foreign) return flow.recorder.ignore(subject, [foreign], { id: s.id });
  const bound = flow.policy.rollback.some((b) => b.endpoint?.name.toLowerCase() === s.endpoint.toLowerCase());
  if (!bound) return flow.recorder.ignore(subject, [`no rollback binding names endpoint ${s.endpoint}`], { id: s.id });
  if (!/^in_?service$/i.test(s.status)) {
    flow.logger.info('endpoint not InService; nothing to learn', { endpoint: s.endpoint, status: s.status });
    return;
  }
  const pkg = await flow.endpoints.packageOf(s.config);
  const seen = { config: s.config, at: s.at, ...(pkg ? { modelPackageArn: pkg } : {}) };
  if (await flow.store.recordInService(s.endpoint, seen))
    await flow.recorder.record({
      kind: 'rollback.endpoint-seen',
      subject,
      outcome: 'IN_SERVICE',
      reasons: [`${s.config} InService at ${s.at}${pkg ? ` serving ${pkg}` : ''}`],
      inputs: seen,
    });
  const pending = (await flow.store.pendingRechecks()).filter((r) => r.endpoint === s.endpoint);
  for (const r of pending) await recheck(flow, r);
}

/** An endpoint that was changing when its alarm fired: once settled, roll back if still alarming. */
export async function recheck(flow: RollbackFlow, r: Recheck): Promise<void> {
  const binding = flow.policy.rollback.find((b) => b.name === r.binding);
  const state = await flow.endpoints.describe(r.endpoint);
  if (!binding || !state) {
    await flow.store.clearRecheck(r.endpoint);
    return;
  }
  const phase = endpointPhase(state.status);
  if (phase === 'transitional') return;
  await flow.store.clearRecheck(r.endpoint);
  const subject = `${binding.name}/endpoint:${r.endpoint}`;
  if (phase !== 'in-service') {
    // It will not settle by itself: say so once instead of re-checking on every tick.
    const plan = endpointPlan(state, []);
    await flow.recorder.record({
      kind: 'rollback.endpoint',
      subject,
      outcome: plan.kind === 'failed' ? 'FAILED' : 'NOTHING_TO_ROLL_BACK',
      reasons: [`re-check for alarm ${r.alarm}: ${plan.reason}`],
      inputs: { status: state.status, config: state.config },
    });
    return;
  }
  const states = await flow.alarms.states([r.alarm]);
  const verdict = recheckVerdict(r, state.config, states.get(r.alarm) ?? 'UNKNOWN');
  if (verdict.phase === 'settled') {
    await flow.recorder.record({
      kind: 'rollback.endpoint',
      subject,
      outcome: 'SETTLED',
      reasons: [verdict.reason],
      inputs: { config: state.config },
    });
    return;
  }
  await act(flow, binding, {
    id: `recheck-${r.endpoint}-${r.since}`,
    via: 'eventbridge',
    name: r.alarm,
    state: 'ALARM',
    reason: verdict.reason,
    since: isoTime(r.since, flow.now().toISOString()),
  });
}
