import { Metrics } from '@aws-lambda-powertools/metrics';

/** One Powertools Metrics instance per container, flushed by lambdaHandler's logMetrics middleware. */
export const metrics = new Metrics({ namespace: 'MlopsController', serviceName: 'mlops-controller' });
