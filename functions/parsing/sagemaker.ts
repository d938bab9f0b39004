import * as z from 'zod/mini';
import { eventTime } from '../domain/time';
import { eventId, notUnderstood, one, type Parsed } from './parsed';

/** A SageMaker endpoint (deployment) state change: the config the endpoint runs, and its status. */
export interface EndpointSighting {
  id: string;
  endpoint: string;
  config: string;
  status: string;
  at: string;
  account?: string;
  region?: string;
}

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

/** `now` stands in for an event without a readable time. */
export function parseEndpointChange(event: unknown, now: string): Parsed<EndpointSighting> {
  const parsed = endpointEvent.safeParse(event);
  if (!parsed.success)
    return notUnderstood({ via: 'unknown', id: eventId(event) }, 'not a SageMaker endpoint (deployment) state change');
  const e = parsed.data;
  return one({
    id: e.id,
    endpoint: e.detail.EndpointName,
    config: e.detail.EndpointConfigName,
    status: e.detail.EndpointStatus,
    at: eventTime(e.time, now),
    ...(e.account ? { account: e.account } : {}),
    ...(e.region ? { region: e.region } : {}),
  });
}
