/**
 * moto answers CodeDeploy GetDeployment/BatchGetDeployments with ISO-string timestamps (and nulls),
 * where the API and SDK v3 expect epoch seconds: the SDK fails with "Expected real number". This
 * test-only middleware rewrites just those timestamp fields in moto's raw answer before the SDK
 * parses it, so everything else moto returns (statuses, revisions, descriptions) is used as is.
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';

const TIME_FIELDS = new Set(['createTime', 'startTime', 'completeTime']);

function fix(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fix);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (TIME_FIELDS.has(k)) {
      if (typeof v === 'string') out[k] = Date.parse(v) / 1000;
      else if (typeof v === 'number') out[k] = v;
      continue;
    }
    if (v !== null) out[k] = fix(v);
  }
  return out;
}

export function fixMotoCodeDeployTimes(client: CodeDeployClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { body?: AsyncIterable<Uint8Array> | Uint8Array; statusCode?: number };
      if (!response?.body || response.statusCode !== 200) return result;
      const chunks: Uint8Array[] = [];
      if (response.body instanceof Uint8Array) chunks.push(response.body);
      else for await (const c of response.body) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      let body = text;
      try {
        body = JSON.stringify(fix(JSON.parse(text)));
      } catch {
        // Not JSON: leave it to the SDK.
      }
      response.body = new Uint8Array(Buffer.from(body));
      return result;
    },
    // Inside the deserializer: it sees the raw HTTP response first.
    { step: 'deserialize', priority: 'low', name: 'fixMotoCodeDeployTimes' },
  );
}
