import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicyText } from '../../../functions/config/policy';
import { credentialsFromEnvironment, defaultProvider } from '../../../functions/config/bundling/lambda-credentials';
import { decisionEvents, decisionNotifier } from '../../../functions/config/bundling/no-decision-sink';
import { repoRoot, serverlessFunctions } from '../../bench/bundles';

describe('lambda credentials (the bundles’ replacement for the default chain)', () => {
  it('reads the execution role credentials the Lambda runtime puts in the environment', () => {
    expect(
      credentialsFromEnvironment({
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_CREDENTIAL_EXPIRATION: '2026-11-22T10:00:00Z',
      }),
    ).toEqual({
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-11-22T10:00:00Z'),
    });
  });

  it('fails with a clear, non-retryable error when the environment has no credentials', () => {
    expect(() => credentialsFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      expect.objectContaining({ retryable: false, message: expect.stringMatching(/AWS_SECRET_ACCESS_KEY/) }),
    );
  });

  it('is a provider factory like the SDK’s defaultProvider', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
    try {
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'a', secretAccessKey: 'b' });
    } finally {
      process.env = saved;
    }
  });
});

describe('no-decision-sink (what a bundle for a policy without a decision bus or topic holds)', () => {
  it('builds no sink for a policy that names none', () => {
    expect(decisionEvents(undefined)).toBeUndefined();
    expect(decisionNotifier(undefined)).toBeUndefined();
  });

  it('refuses a sink it was not packaged for instead of dropping the decisions', () => {
    expect(() => decisionEvents('ml-decisions')).toThrow(/eventBus is ml-decisions.*package it again/);
    expect(() => decisionNotifier('arn:aws:sns:us-east-1:123456789012:t')).toThrow(/topicArn is arn:aws:sns/);
  });
});

/**
 * esbuild runs in a child process: the policy plugin loads policy.ts through tsx's require hook,
 * which jest's own module system would intercept.
 */
function buildInChild(script: string): any {
  const code = `
    import * as esbuild from 'esbuild';
    import { esbuildOptions, repoRoot } from ${JSON.stringify(join(repoRoot, 'test/bench/bundles.ts'))};
    const options = { ...esbuildOptions(), absWorkingDir: repoRoot, metafile: true, logLevel: 'silent' };
    ${script}
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  );
}

describe('function bundles built with serverless.yml’s esbuild options', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bundling-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every function of serverless.yml with its source entry', () => {
    expect(serverlessFunctions().map((f) => f.name)).toEqual(
      expect.arrayContaining(['dataArrived', 'executionFinished', 'sweeper']),
    );
    for (const fn of serverlessFunctions()) expect(fn.entry).toMatch(/^functions\/handlers\/.+\.ts$/);
  });

  it('embed the policy validated at package time, with its defaults, and no YAML parser', () => {
    const { inputs, policy } = buildInChild(`
      const result = await esbuild.build({ ...options, entryPoints: ['functions/config/bundling/bundled-policy.ts'], outdir: ${JSON.stringify(dir)} });
      const file = repoRoot + '/' + Object.keys(result.metafile.outputs)[0];
      const policy = (await import(file)).bundledPolicy();
      process.stdout.write(JSON.stringify({ inputs: Object.keys(result.metafile.inputs), policy }));
    `);
    expect(inputs.some((f: string) => f.includes('node_modules/yaml/'))).toBe(false);
    expect(policy).toEqual(parsePolicyText(readFileSync(join(repoRoot, 'controller.yml'), 'utf8')));
  });

  it('carry zod/mini only: no classic zod and no policy schema in any function', () => {
    const inputs: Record<string, string[]> = buildInChild(`
      const result = await esbuild.build({
        ...options,
        entryPoints: ${JSON.stringify(serverlessFunctions().map((f) => f.entry))},
        write: false,
        outdir: ${JSON.stringify(dir)},
      });
      const inputs = Object.fromEntries(
        Object.values(result.metafile.outputs)
          .filter((o) => o.entryPoint)
          .map((o) => [o.entryPoint, Object.keys(o.inputs)]),
      );
      process.stdout.write(JSON.stringify(inputs));
    `);
    expect(Object.keys(inputs)).toHaveLength(serverlessFunctions().length);
    for (const files of Object.values(inputs)) {
      expect(files).toContainEqual(expect.stringContaining('node_modules/zod/v4/mini/'));
      expect(files.filter((f) => f.includes('node_modules/zod/v4/classic/') || /config\/policy/.test(f))).toEqual([]);
    }
  });

  /** Each function's bundled input files, built with the plugins for `policyScript`'s policy. */
  const inputsFor = (policyScript: string): Record<string, string[]> =>
    buildInChild(`
      import { functionPlugins } from ${JSON.stringify(join(repoRoot, 'infra/esbuild-plugins.cjs'))};
      import { readFileSync } from 'node:fs';
      import { parsePolicyText } from ${JSON.stringify(join(repoRoot, 'functions/config/policy.ts'))};
      const base = parsePolicyText(readFileSync(repoRoot + '/controller.yml', 'utf8'));
      const policy = ${policyScript};
      const result = await esbuild.build({
        ...options,
        plugins: functionPlugins(() => policy, []),
        entryPoints: ${JSON.stringify(serverlessFunctions().map((f) => f.entry))},
        write: false,
        outdir: ${JSON.stringify(dir)},
      });
      process.stdout.write(JSON.stringify(Object.fromEntries(
        Object.values(result.metafile.outputs)
          .filter((o) => o.entryPoint)
          .map((o) => [o.entryPoint, Object.keys(o.inputs)]),
      )));
    `);
  const sinks = (files: string[]) =>
    [
      ['eventbridge client', files.some((f) => f.includes('node_modules/@aws-sdk/client-eventbridge/'))],
      ['sns client', files.some((f) => f.includes('node_modules/@aws-sdk/client-sns/'))],
      ['events sink', files.includes('functions/config/bundling/decision-events-sink.ts')],
      ['notifier sink', files.includes('functions/config/bundling/decision-notifier-sink.ts')],
      ['no sink', files.includes('functions/config/bundling/no-decision-sink.ts')],
    ]
      .filter(([, present]) => present)
      .map(([name]) => name);
  const GATES = ['functions/handlers/model-registered.ts', 'functions/handlers/approval-requested.ts'];

  it('leave the decision sinks out when the policy names no decision bus or topic', () => {
    const inputs = inputsFor('base');
    expect(Object.keys(inputs)).toHaveLength(serverlessFunctions().length);
    for (const [entry, files] of Object.entries(inputs))
      // The gates keep the SNS client for their HOLD notices; no function holds a sink.
      expect([entry, sinks(files)]).toEqual([entry, GATES.includes(entry) ? ['sns client', 'no sink'] : ['no sink']]);
  }, 60_000);

  it('bundle each sink a policy names, and only that one', () => {
    const both = inputsFor(
      `{ ...base, controller: { ...base.controller, decisions: { ...base.controller.decisions, eventBus: 'ml-decisions', topicArn: 'arn:aws:sns:us-east-1:123456789012:ml-decisions' } } }`,
    );
    for (const [entry, files] of Object.entries(both))
      expect([entry, sinks(files)]).toEqual([
        entry,
        ['eventbridge client', 'sns client', 'events sink', 'notifier sink'],
      ]);
    const topicOnly = inputsFor(
      `{ ...base, controller: { ...base.controller, decisions: { ...base.controller.decisions, topicArn: 'arn:aws:sns:us-east-1:123456789012:ml-decisions' } } }`,
    );
    for (const [entry, files] of Object.entries(topicOnly))
      expect([entry, sinks(files)]).toEqual([entry, ['sns client', 'notifier sink', 'no sink']]);
  }, 120_000);

  it('resolve the SDK default credential chain to the environment provider', () => {
    const inputs: string[] = buildInChild(`
      const result = await esbuild.build({
        ...options,
        stdin: { contents: "export { defaultProvider } from '@aws-sdk/credential-provider-node';", resolveDir: repoRoot, loader: 'ts' },
        write: false,
        outdir: ${JSON.stringify(dir)},
      });
      process.stdout.write(JSON.stringify(Object.keys(result.metafile.inputs)));
    `);
    expect(inputs).toContain('functions/config/bundling/lambda-credentials.ts');
    expect(inputs.some((f) => f.includes('credential-provider-'))).toBe(false);
  });
});
