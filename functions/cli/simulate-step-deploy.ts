import * as z from 'zod';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import { packageRef } from './simulate-schema';
import { defineStep } from './simulate-step';
import { endpointChange } from './simulate-step-endpoint';

/**
 * The deploy pipeline puts a model package live, as docs/deploy.md asks it to: a CodeDeploy
 * deployment whose description names the package ARN, or an endpoint moved to a config whose model
 * was created from the package. No controller function is invoked by a CodeDeploy deployment
 * itself (its hooks are: a `hook` step); the endpoint's state change reaches the endpoint tracker.
 */
export const deploy = defineStep({
  key: 'deploy',
  phase: 'events',
  schema: z
    .strictObject({
      package: packageRef,
      codedeploy: z
        .strictObject({
          application: z.string(),
          group: z.string(),
          /** Default: a new id. An id already in the world changes that deployment's status instead. */
          id: z.string().optional(),
          status: z
            .enum(['Created', 'Queued', 'InProgress', 'Baking', 'Ready', 'Succeeded', 'Failed', 'Stopped'])
            .default('InProgress'),
          revision: z.record(z.string(), z.unknown()).optional(),
          /** Default: the platform of the application's deployments in the world. */
          computePlatform: z.enum(['Server', 'Lambda', 'ECS']).optional(),
        })
        .optional(),
      endpoint: z.strictObject({ name: z.string(), config: z.string() }).optional(),
    })
    .refine((d) => (d.codedeploy === undefined) !== (d.endpoint === undefined), {
      message: 'needs exactly one of codedeploy or endpoint',
    }),
  run(d, { sim, note }) {
    const arn = sim.packageArn(d.package);
    const name = arn.split(':model-package/')[1];
    const state = rollbackWorld(sim.world);
    if (d.codedeploy) {
      const c = d.codedeploy;
      const known = c.id ? state.deployments.find((x) => x.id === c.id) : undefined;
      if (known) {
        known.status = c.status;
        note(`⇪ CodeDeploy deployment ${known.id} of ${name}: ${c.status}`);
        return [];
      }
      state.applications.set(c.application, (state.applications.get(c.application) ?? new Set()).add(c.group));
      const platform =
        c.computePlatform ?? state.deployments.find((x) => x.application === c.application)?.computePlatform;
      const id = c.id ?? `d-SIM${sim.world.nextId('').slice(-6)}`;
      state.deployments.push({
        id,
        application: c.application,
        group: c.group,
        status: c.status,
        createTime: sim.clock.now().toISOString(),
        description: `deploy model package ${arn}`,
        ...(c.revision ? { revision: c.revision } : {}),
        ...(platform ? { computePlatform: platform } : {}),
      });
      note(`⇪ CodeDeploy deployment ${id} of ${c.application}/${c.group} puts ${name} live: ${c.status}`);
      return [];
    }
    const e = d.endpoint!;
    state.configPackages.set(e.config, arn);
    if (!state.endpoints.has(e.name))
      state.endpoints.set(e.name, { name: e.name, status: 'Creating', config: e.config });
    note(`⇪ endpoint ${e.name} moves to ${e.config}, serving ${name}`);
    return [endpointChange(sim, { name: e.name, config: e.config, status: 'IN_SERVICE' })];
  },
});
