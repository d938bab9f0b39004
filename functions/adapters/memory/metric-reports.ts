import { ObjectAccessDeniedError, ObjectNotFoundError } from '../aws/s3';
import { parseReport, unreadable } from '../aws/metric-reports';
import { parseS3Uri } from '../../domain/gates';
import { ReportError, type MetricReports, type ReadOptions } from '../../ports/metric-reports';
import { gatesState } from './gates-world';
import { MemoryWorld } from './world';

/** Reports from the embedded S3, judged by the same parser as S3MetricReports. */
export class MemoryMetricReports implements MetricReports {
  constructor(private readonly world: MemoryWorld) {}

  async readJson(uri: string, options: ReadOptions): Promise<unknown> {
    const where = parseS3Uri(uri);
    if (!where) throw new ReportError('ERROR', `${uri} is not an s3:// URI`);
    if (gatesState(this.world).denied.has(MemoryWorld.objectKey(where.bucket, where.key)))
      throw unreadable(
        uri,
        new ObjectAccessDeniedError(
          where.bucket,
          where.key,
          Object.assign(new Error('simulated AccessDenied'), { name: 'AccessDenied' }),
        ),
      )!;
    const stored = this.world.getObject(where.bucket, where.key);
    if (!stored)
      throw unreadable(
        uri,
        new ObjectNotFoundError(
          where.bucket,
          where.key,
          Object.assign(new Error('simulated NoSuchKey'), { name: 'NoSuchKey' }),
        ),
      )!;
    const bytes = new TextEncoder().encode(stored.body);
    return parseReport(uri, bytes.subarray(0, options.maxBytes + 1), bytes.length, options);
  }
}
