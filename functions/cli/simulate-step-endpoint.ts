import * as z from 'zod';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import { ControllerError } from '../domain/errors';
import { endpointEvent } from './rollback-envelopes';
import { defineStep } from './simulate-step';
import type { Delivery, SimWorld } from './simulate-world';

/** The endpoint reaches `status` on `config` in the world, and its state change event is built. */
export function endpointChange(sim: SimWorld, e: { name: string; config: string; status: string }): Delivery {
  const known = rollbackWorld(sim.world).endpoints.get(e.name);
  if (!known) throw new ControllerError(`endpoint.name: no endpoint ${e.name} in the world`);
  known.config = e.config;
  // Events spell IN_SERVICE / UPDATING, DescribeEndpoint InService / Updating.
  known.status = /in_?service/i.test(e.status) ? 'InService' : /updat/i.test(e.status) ? 'Updating' : e.status;
  return {
    fn: 'endpointTracker',
    event: endpointEvent(e, sim.where()),
    label: `endpoint ${e.name} ${e.status} on ${e.config}`,
  };
}

/** An endpoint reaches a status with a config ("SageMaker Endpoint State Change"). */
export const endpoint = defineStep({
  key: 'endpoint',
  phase: 'events',
  schema: z.strictObject({ name: z.string(), config: z.string(), status: z.string().default('IN_SERVICE') }),
  run: (e, { sim }) => [endpointChange(sim, e)],
});
