/**
 * moto's CodePipeline writes the timestamps of GetPipeline's `metadata` (created, updated,
 * pollingDisabledAt) as ISO strings, where the service's JSON protocol sends epoch seconds: SDK v3
 * refuses the whole response ("Expected real number"). This rewrites those three fields of moto's
 * own response to epoch seconds before the SDK reads it; the rest of the answer is moto's unchanged.
 */
import { Readable } from 'node:stream';

const FIELDS = ['created', 'updated', 'pollingDisabledAt'];

async function text(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function epochMetadata(client: { middlewareStack: { add: (...args: any[]) => void } }): void {
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      const result = await next(args);
      if (context.commandName !== 'GetPipelineCommand' || result.response?.statusCode !== 200) return result;
      const doc = JSON.parse(await text(result.response.body));
      for (const field of FIELDS)
        if (typeof doc.metadata?.[field] === 'string') doc.metadata[field] = Date.parse(doc.metadata[field]) / 1000;
      const fixed = JSON.stringify(doc);
      result.response.body = Readable.from([Buffer.from(fixed)]);
      result.response.headers['content-length'] = String(Buffer.byteLength(fixed));
      return result;
    },
    // Inside the deserializer: it sees the raw HTTP response first.
    { step: 'deserialize', priority: 'low', name: 'motoEpochMetadata' },
  );
}
