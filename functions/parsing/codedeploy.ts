import * as z from 'zod/mini';
import { describeIssues } from '../domain/validation';
import { notUnderstood, one, type Parsed } from './parsed';

/** A CodeDeploy BeforeAllowTraffic / AfterAllowTraffic hook invocation: the ids its answer names. */
export interface LifecycleHook {
  deploymentId: string;
  hookExecutionId: string;
}

const hookEvent = z.object({
  DeploymentId: z.string().check(z.minLength(1)),
  LifecycleEventHookExecutionId: z.string().check(z.minLength(1)),
});

export function parseLifecycleHook(event: unknown): Parsed<LifecycleHook> {
  const parsed = hookEvent.safeParse(event);
  if (!parsed.success)
    return notUnderstood(
      { via: 'codedeploy', id: 'event' },
      `not a CodeDeploy lifecycle hook event: ${describeIssues(parsed.error, { root: 'event' })}`,
    );
  return one({
    deploymentId: parsed.data.DeploymentId,
    hookExecutionId: parsed.data.LifecycleEventHookExecutionId,
  });
}
