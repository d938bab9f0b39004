/**
 * moto writes some timestamps as ISO strings where the service's JSON protocol sends epoch
 * seconds, and SDK v3 refuses the whole response ("Expected real number"): CodePipeline
 * GetPipeline's `metadata` (created, updated, pollingDisabledAt) and CodeDeploy GetApplication's
 * `application.createTime`. This rewrites exactly those fields of moto's own response to epoch
 * seconds before the SDK reads it; the rest of the answer is moto's, unchanged.
 */
import { Readable } from 'node:stream';

const FIELDS: Record<string, Array<[string, string]>> = {
  GetPipelineCommand: [
    ['metadata', 'created'],
    ['metadata', 'updated'],
    ['metadata', 'pollingDisabledAt'],
  ],
  GetApplicationCommand: [['application', 'createTime']],
};

async function text(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function epochTimestamps(client: { middlewareStack: { add: (...args: any[]) => void } }): void {
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      const result = await next(args);
      const fields = FIELDS[context.commandName ?? ''];
      if (!fields || result.response?.statusCode !== 200) return result;
      const doc = JSON.parse(await text(result.response.body));
      for (const [parent, field] of fields)
        if (typeof doc[parent]?.[field] === 'string') doc[parent][field] = Date.parse(doc[parent][field]) / 1000;
      const fixed = JSON.stringify(doc);
      result.response.body = Readable.from([Buffer.from(fixed)]);
      result.response.headers['content-length'] = String(Buffer.byteLength(fixed));
      return result;
    },
    // Inside the deserializer: it sees the raw HTTP response first.
    { step: 'deserialize', priority: 'low', name: 'motoEpochTimestamps' },
  );
}
