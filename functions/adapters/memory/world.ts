import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import type { TargetType } from '../../config/policy';

/** One AWS write call the embedded backend performed, named as AWS names it. */
export interface Action {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  at: string;
}

export interface StoredObject {
  body: string;
  etag: string;
  versionId?: string;
  lastModified: string;
}

export interface PipelineExecution {
  id: string;
  pipeline: string;
  kind: TargetType;
  token: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
  values: Record<string, string>;
  startedAt: string;
  /** What the service would say about a failed run (a scenario's `finish.failure`). */
  failure?: { failedAt?: string; message?: string; log?: string[] };
}

/**
 * The embedded backend's state: what S3 holds, which pipelines exist and run, and every write
 * action taken (the simulation's output). Memory adapters share one world.
 */
export class MemoryWorld {
  readonly objects = new Map<string, StoredObject>();
  readonly pipelines = new Map<string, { kind: TargetType }>();
  readonly executions: PipelineExecution[] = [];
  readonly actions: Action[] = [];
  private counter = 0;

  constructor(readonly clock: Clock) {}

  static objectKey(bucket: string, key: string): string {
    return `${bucket}/${key}`;
  }

  putObject(bucket: string, key: string, body: string, versionId?: string): StoredObject {
    const stored: StoredObject = {
      body,
      etag: createHash('md5').update(body).digest('hex'),
      lastModified: this.clock.now().toISOString(),
      ...(versionId ? { versionId } : {}),
    };
    this.objects.set(MemoryWorld.objectKey(bucket, key), stored);
    return stored;
  }

  getObject(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(MemoryWorld.objectKey(bucket, key));
  }

  record(service: string, operation: string, input: Record<string, unknown>): void {
    this.actions.push({ service, operation, input, at: this.clock.now().toISOString() });
  }

  /** Deterministic ids keep simulation output stable run to run. */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${String(this.counter).padStart(6, '0')}`;
  }
}
