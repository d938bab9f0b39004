import * as z from 'zod/mini';
import { isoTime } from '../domain/alarms';
import type { Logger } from '../ports/logger';
import type { RollbackWorkflow } from '../workflows/rollback';
import { lambdaHandler } from '../config/runtime';
import { endpointRuntime } from '../config/rollback-runtime';

const endpointEvent = z.object({
  id: z.string(),
  source: z.literal('aws.sagemaker'),
  'detail-type': z.enum(['SageMaker Endpoint State Change', 'SageMaker Endpoint Deployment State Change']),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.union([z.string(), z.number()])),
  detail: z.object({
    EndpointName: z.string().check(z.minLength(1)),
    EndpointConfigName: z.string().check(z.minLength(1)),
    EndpointStatus: z.string().check(z.minLength(1)),
    LastModifiedTime: z.optional(z.union([z.number(), z.string()])),
  }),
});

/** `time` is ISO in most events and an epoch-milliseconds string in endpoint events. */
function eventTime(value: string | number | undefined, fallback: string): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{12,}$/.test(value)))
    return new Date(Number(value)).toISOString();
  return isoTime(value, fallback);
}

/** SageMaker endpoint (deployment) state changes: the controller learns which configs went InService. */
export function endpointChanged(workflow: RollbackWorkflow, logger: Logger, now: () => Date = () => new Date()) {
  return async (event: unknown): Promise<void> => {
    const parsed = endpointEvent.safeParse(event);
    if (!parsed.success) {
      const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
      logger.error('not a SageMaker endpoint state change; ignored', { id });
      await workflow.ignore(`event/${id}`, ['not a SageMaker endpoint (deployment) state change'], {});
      return;
    }
    const e = parsed.data;
    await workflow.onEndpoint({
      id: e.id,
      endpoint: e.detail.EndpointName,
      config: e.detail.EndpointConfigName,
      status: e.detail.EndpointStatus,
      at: eventTime(e.time, now().toISOString()),
      ...(e.account ? { account: e.account } : {}),
      ...(e.region ? { region: e.region } : {}),
    });
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await endpointRuntime();
  return endpointChanged(rt.rollback, rt.logger);
});
