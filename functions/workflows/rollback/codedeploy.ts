import type { RollbackBinding } from '../../config/policy-rollback';
import type { AlarmChange } from '../../parsing/alarm';
import { redeployDescription } from '../../domain/redeploy';
import { codeDeployPlan } from '../../domain/rollback';
import { writes } from '../../domain/writes';
import { found, nothingNow, once, reasonText, type Incident, type RollbackFlow } from './flow';

const DAY_MS = 86_400_000;

/** Stops the in-flight deployments of the bound group, or redeploys its last good revision. */
export async function rollbackCodeDeploy(
  flow: RollbackFlow,
  binding: RollbackBinding,
  change: AlarmChange,
  incident: Incident,
): Promise<void> {
  const cd = binding.codedeploy!;
  const target = `codedeploy:${cd.application}/${cd.deploymentGroup}`;
  const since = new Date(flow.now().getTime() - cd.lookbackDays * DAY_MS);
  const recent = await flow.deployments.recent(cd.application, cd.deploymentGroup, since);
  const plan = codeDeployPlan(recent);
  const base = { kind: 'rollback.codedeploy', subject: `${binding.name}/${target}` };
  if (plan.kind === 'none') {
    // The latest is the controller's own redeployment that an earlier attempt made: follow it.
    const adopted = await flow.redeploy.adopt(
      {
        subject: base.subject,
        binding: binding.name,
        application: cd.application,
        group: cd.deploymentGroup,
        alarm: change.name,
      },
      reasonText(change),
      recent,
    );
    if (adopted)
      return found(flow, binding, incident, {
        target,
        version: adopted.bad,
        packages: adopted.badPackage ? [adopted.badPackage] : [],
      });
    return nothingNow(flow, binding, base, change, incident, target, plan.reason, {});
  }
  // What a redeploy means on the group's compute platform (reads only; decided in domain/redeploy.ts).
  const verdict = plan.kind === 'redeploy' ? await flow.redeploy.verdict(plan.good) : undefined;
  if (verdict?.kind === 'nothing')
    return flow.recorder.record({
      ...base,
      outcome: 'NOTHING_TO_ROLL_BACK',
      reasons: [reasonText(change), plan.reason, verdict.reason],
      inputs: { platform: verdict.platform },
    });
  const bad = plan.kind === 'stop' ? plan.bad : [plan.bad];
  const version = bad.map((d) => d.id).join('+');
  const packages = bad.flatMap((d) => (d.modelPackageArn ? [d.modelPackageArn] : []));
  await found(flow, binding, incident, { target, version, packages });
  const reasons = [reasonText(change), plan.reason, ...(verdict ? [verdict.reason] : [])];
  const inputs = {
    version,
    ...(plan.kind === 'redeploy' ? { good: plan.good.id, platform: verdict!.platform } : {}),
  };
  const outcome = plan.kind === 'stop' ? 'STOPPED' : verdict?.kind === 'refuse' ? 'FAILED' : 'REDEPLOYED';
  const won = await once(
    flow,
    target,
    version,
    { ...base, outcome, reasons, inputs },
    plan.kind === 'stop'
      ? plan.bad.map((d) => writes.stopDeployment(d.id, cd.application, cd.deploymentGroup))
      : verdict?.kind === 'create'
        ? [writes.createDeployment(cd.application, cd.deploymentGroup)]
        : [],
    async () => {
      if (plan.kind === 'stop') {
        for (const d of plan.bad) await flow.deployments.stop(d.id);
        return;
      }
      // Refused (FAILED): nothing to create; the claim keeps the refusal to one decision and notice.
      if (verdict?.kind !== 'create') return;
      const created = await flow.deployments.redeploy(
        cd.application,
        cd.deploymentGroup,
        verdict.revision,
        redeployDescription(reasonText(change), plan.bad.id, plan.good.id),
      );
      // A withheld redeployment (observe mode, kill switch) created nothing to follow.
      if ('withheld' in created) return;
      await flow.redeploy.follow({
        deploymentId: created.deploymentId,
        binding: binding.name,
        subject: base.subject,
        application: cd.application,
        group: cd.deploymentGroup,
        platform: verdict.platform,
        bad: plan.bad.id,
        good: plan.good.id,
        alarm: change.name,
        createdAt: flow.now().toISOString(),
      });
    },
  );
  if (!won)
    await flow.recorder.record({
      ...base,
      outcome: 'ALREADY_ROLLED_BACK',
      reasons: [reasonText(change), `rollback of ${version} was already claimed`],
      inputs,
    });
}
