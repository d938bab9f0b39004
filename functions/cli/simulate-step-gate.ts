import * as z from 'zod';
import { gatesState } from '../adapters/memory/gates-world';
import * as gateEnvelopes from './gate-envelopes';
import { approval, modelPackage } from './simulate-schema';
import { defineStep } from './simulate-step';
import type { Delivery } from './simulate-world';

/** Model packages registered, approval actions started, a person deciding in the console. */
export const gate = defineStep({
  key: 'gate',
  phase: 'events',
  schema: z.strictObject({
    /** Registers a package (pending unless stated) and delivers its "Model Package State Change". */
    register: modelPackage.optional(),
    /** An approval action starts: it waits in the world, and its event is delivered. */
    approval: approval.extend({ via: z.enum(['eventbridge', 'sns']).default('eventbridge') }).optional(),
    /** A person sets a package's status in the console (no event, no controller action). */
    person: z
      .strictObject({
        group: z.string(),
        version: z.number().int().positive(),
        status: z.enum(['Approved', 'Rejected']),
      })
      .optional(),
  }),
  run(step, { sim, note }) {
    const out: Delivery[] = [];
    const w0 = sim.where();
    if (step.register) {
      const pkg = sim.seedPackage(step.register);
      out.push({
        fn: 'registryGate',
        event: gateEnvelopes.modelPackageEvent({ ...pkg, version: step.register.version, status: pkg.status }, w0),
        label: `model package ${pkg.group}/${pkg.version} registered`,
      });
    }
    if (step.approval) {
      const { via, ...a } = step.approval;
      gatesState(sim.world).approvals.push({ ...a, status: 'InProgress' });
      out.push({
        fn: 'approvalGate',
        event:
          via === 'sns'
            ? gateEnvelopes.approvalNotificationEvent(gateEnvelopes.approvalMessage(a, w0), w0)
            : gateEnvelopes.approvalStartedEvent(a, w0),
        label: `approval ${a.pipeline}/${a.stage}/${a.action} started (${via})`,
      });
    }
    if (step.person) {
      const { group, version, status } = step.person;
      const pkg = gatesState(sim.world).packages.get(sim.packageArn({ group, version }));
      if (pkg) {
        pkg.status = status;
        note(`☺ a person sets ${group}/${version} to ${status} in the console`);
      }
    }
    return out;
  },
});
