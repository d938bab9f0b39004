import * as z from 'zod';
import { ControllerError } from '../domain/errors';
import * as envelopes from './envelopes';
import { defineStep } from './simulate-step';

/**
 * Ends the running execution of a rule's pipeline with the real pipeline-execution event. A failed
 * one may say what its service would report (`failure`: the failed stage/action, step, state or
 * phase, its message, and for a build the last lines of its log), which the failure decision explains.
 */
export const finish = defineStep({
  key: 'finish',
  phase: 'events',
  schema: z.strictObject({
    rule: z.string(),
    status: z.string().optional(),
    failure: z
      .strictObject({
        failedAt: z.string().optional(),
        message: z.string().optional(),
        /** A build's last log lines, as its CloudWatch Logs stream holds them. */
        log: z.array(z.string()).optional(),
      })
      .optional(),
  }),
  run(f, { sim, note }) {
    const rule = sim.policy.retraining.find((r) => r.name === f.rule);
    if (!rule) throw new ControllerError(`finish.rule: no retraining rule named ${f.rule}`);
    const running = sim.world.executions
      .filter((e) => e.pipeline === rule.target.name && e.status === 'InProgress')
      .at(-1);
    if (!running) {
      note(`(no running execution of ${rule.target.name} to finish)`);
      return [];
    }
    const ok = !f.status || /succ/i.test(f.status);
    running.status = ok ? 'Succeeded' : 'Failed';
    if (!ok && f.failure) running.failure = f.failure;
    const w = sim.where();
    const event =
      rule.target.type === 'codepipeline'
        ? envelopes.codePipelineFinishedEvent(running.pipeline, running.id, f.status ?? 'SUCCEEDED', w)
        : rule.target.type === 'sagemaker'
          ? envelopes.sageMakerFinishedEvent(running.id, f.status ?? 'Succeeded', w)
          : rule.target.type === 'stepfunctions'
            ? envelopes.stepFunctionsFinishedEvent(rule.target.stateMachineArn, running.id, f.status ?? 'SUCCEEDED', w)
            : envelopes.codeBuildFinishedEvent(running.pipeline, running.id, f.status ?? 'SUCCEEDED', w);
    note(`${running.kind} execution ${running.id.split('/').at(-1)} of ${running.pipeline} ends ${running.status}`);
    return [{ fn: 'executionFinished', event, label: 'pipeline finished' }];
  },
});
