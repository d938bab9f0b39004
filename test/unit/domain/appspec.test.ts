import { parse as parseYaml } from 'yaml';
import { readAppSpec, withLambdaVersions, type AppSpec } from '../../../functions/domain/appspec';

// Block-style YAML as CodeDeploy's AppSpec reference writes it for a Lambda deployment.
const YAML = `version: 0.0
Resources:
  - churnModel:
      Type: AWS::Lambda::Function
      Properties:
        Name: "churn-predict"
        Alias: "live"
        CurrentVersion: "2"
        TargetVersion: "3"
Hooks:
  - BeforeAllowTraffic: "CodeDeployHook_churnBefore"
`;
const JSON_SPEC = `{
  "version": 0.0,
  "Resources": [
    { "churnModel": { "Type": "AWS::Lambda::Function", "Properties": { "Name": "churn-predict", "Alias": "live", "CurrentVersion": "2", "TargetVersion": "3" } } }
  ],
  "Hooks": [{ "BeforeAllowTraffic": "CodeDeployHook_churnBefore" }]
}`;
const LAMBDA = 'AWS::Lambda::Function';
const fn = { Name: 'churn-predict', Alias: 'live', CurrentVersion: '2', TargetVersion: '3' };
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/churn-serve:7';

/** YAML with the Properties block of the one resource replaced by `props` (one line each). */
const yamlWith = (...props: string[]) =>
  `version: 0.0\nResources:\n  - churnModel:\n      Type: ${LAMBDA}\n      Properties:\n${props.map((p) => `        ${p}\n`).join('')}`;
const jsonWith = (resources: unknown) => JSON.stringify({ version: 0, Resources: resources });

describe('readAppSpec', () => {
  it.each<[string, string, 'json' | 'yaml', Array<{ type: string; properties: Record<string, string> }>]>([
    ['JSON as the AppSpec reference writes it', JSON_SPEC, 'json', [{ type: LAMBDA, properties: fn }]],
    ['JSON after leading whitespace', `\n  ${JSON_SPEC}`, 'json', [{ type: LAMBDA, properties: fn }]],
    [
      'JSON versions given as numbers, read as strings',
      jsonWith([{ f: { Type: LAMBDA, Properties: { Name: 'f', Alias: 'a', CurrentVersion: 2, TargetVersion: 3 } } }]),
      'json',
      [{ type: LAMBDA, properties: { Name: 'f', Alias: 'a', CurrentVersion: '2', TargetVersion: '3' } }],
    ],
    [
      'JSON: an empty or non-scalar field is not read, other properties are ignored',
      jsonWith([{ f: { Type: LAMBDA, Properties: { Name: '', Alias: ['a'], TargetVersion: '3', Description: 'x' } } }]),
      'json',
      [{ type: LAMBDA, properties: { TargetVersion: '3' } }],
    ],
    [
      'JSON: a resource without a Type has type ""',
      jsonWith([{ f: { Properties: { TaskDefinition: TASK_DEF } } }]),
      'json',
      [{ type: '', properties: { TaskDefinition: TASK_DEF } }],
    ],
    [
      'JSON: entries that are not objects are skipped; an entry with two resources yields both',
      jsonWith(['x', null, { a: { Type: LAMBDA }, b: { Type: 'AWS::ECS::Service' } }]),
      'json',
      [
        { type: LAMBDA, properties: {} },
        { type: 'AWS::ECS::Service', properties: {} },
      ],
    ],
    ['YAML as the AppSpec reference writes it', YAML, 'yaml', [{ type: LAMBDA, properties: fn }]],
    [
      'YAML: an ECS task definition ARN, colons and all',
      `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: "${TASK_DEF}"\n        LoadBalancerInfo:\n          ContainerName: "churn"\n          ContainerPort: 8080\n`,
      'yaml',
      [{ type: 'AWS::ECS::Service', properties: { TaskDefinition: TASK_DEF } }],
    ],
    [
      'YAML: bare, single-quoted (with a doubled quote) and double-quoted (with an escape) scalars',
      yamlWith('Name: churn-predict', "Alias: 'it''s'", 'TargetVersion: "3\\"b"'),
      'yaml',
      [{ type: LAMBDA, properties: { Name: 'churn-predict', Alias: "it's", TargetVersion: '3"b' } }],
    ],
    [
      'YAML: a trailing comment is dropped; a # inside a bare scalar is not a comment',
      yamlWith('Name: a#b', 'Alias: live   # the serving alias', 'TargetVersion: "3" # good'),
      'yaml',
      [{ type: LAMBDA, properties: { Name: 'a#b', Alias: 'live', TargetVersion: '3' } }],
    ],
    [
      'YAML: a Type left empty reads as "" (the redeploy then finds no resource of its platform)',
      `version: 0.0\nResources:\n  - f:\n      Type:\n      Properties:\n        Name: f\n`,
      'yaml',
      [{ type: '', properties: { Name: 'f' } }],
    ],
    [
      'YAML with Windows (CRLF) line endings, read like LF',
      YAML.replace(/\n/g, '\r\n'),
      'yaml',
      [{ type: LAMBDA, properties: fn }],
    ],
    [
      'YAML with two resources: both types, sharing the fields (the redeploy refuses two anyway)',
      `version: 0.0\nResources:\n  - a:\n      Type: ${LAMBDA}\n      Properties:\n        Name: f\n  - b:\n      Type: AWS::ECS::Service\n`,
      'yaml',
      [
        { type: LAMBDA, properties: { Name: 'f' } },
        { type: 'AWS::ECS::Service', properties: { Name: 'f' } },
      ],
    ],
  ])('reads %s', (_, text, format, resources) => {
    const spec = readAppSpec(text);
    expect(spec?.format).toBe(format);
    expect(spec?.resources).toEqual(resources);
  });

  it.each<[string, string]>([
    ['JSON that does not parse', '{ "version": 0.0, "Resources": [ }'],
    ['JSON without Resources', '{ "version": 0.0 }'],
    ['JSON whose Resources is not a list', jsonWith({ f: { Type: LAMBDA } })],
    ['a JSON list rather than a document', '[{ "Resources": [] }]'],
    ['YAML without Resources', 'version: 0.0\nHooks: []\n'],
    ['YAML with a field given twice', yamlWith('Alias: "live"', 'Alias: "canary"')],
    ['YAML with a field left empty', yamlWith('Name: f', 'Alias:', 'TargetVersion: 3')],
    ['YAML with a field that holds only a comment', yamlWith('Name: f', 'Alias: # set per stage', 'TargetVersion: 3')],
    ['YAML with a literal block scalar', yamlWith('Name: |', '  f')],
    ['YAML with a folded block scalar', yamlWith('Name: >', '  f')],
    ['YAML with a flow sequence as a field', yamlWith('Name: [f]')],
    [
      'flow-style YAML',
      `version: 0.0\nResources:\n  - churnModel: {Type: ${LAMBDA}, Properties: {Name: f, Alias: a, TargetVersion: "3"}}\n`,
    ],
  ])('cannot read %s', (_, text) => {
    expect(readAppSpec(text)).toBeUndefined();
  });
});

describe('withLambdaVersions', () => {
  const rewrite = (text: string, current = '4', target = '3') =>
    withLambdaVersions(readAppSpec(text)!, current, target);
  const yamlProps = (text: string) => parseYaml(text).Resources[0].churnModel.Properties;

  it.each<[string, string, Record<string, unknown>]>([
    ['JSON: both versions set, as strings', JSON_SPEC, { ...fn, CurrentVersion: '4', TargetVersion: '3' }],
    [
      'JSON without CurrentVersion: it is added',
      jsonWith([{ churnModel: { Type: LAMBDA, Properties: { Name: 'f', Alias: 'a', TargetVersion: '3' } } }]),
      { Name: 'f', Alias: 'a', TargetVersion: '3', CurrentVersion: '4' },
    ],
  ])('%s', (_, text, properties) => {
    expect(JSON.parse(rewrite(text)).Resources[0].churnModel.Properties).toEqual(properties);
  });

  it('JSON: keeps the hooks and writes the AppSpec version as 0.0, as CodeDeploy’s reference does', () => {
    const out = rewrite(JSON_SPEC);
    expect(out.startsWith('{\n  "version": 0.0,\n')).toBe(true);
    expect(JSON.parse(out).Hooks).toEqual([{ BeforeAllowTraffic: 'CodeDeployHook_churnBefore' }]);
  });

  it('JSON: leaves a resource that is not a Lambda function as it was', () => {
    const text = jsonWith([
      { f: { Type: LAMBDA, Properties: { TargetVersion: '3' } } },
      { s: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: TASK_DEF } } },
    ]);
    expect(JSON.parse(rewrite(text)).Resources[1]).toEqual({
      s: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: TASK_DEF } },
    });
  });

  it.each<[string, string, string]>([
    [
      'YAML: only the two version lines change, quoted, at their indentation',
      YAML,
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: "4"'),
    ],
    [
      'YAML without CurrentVersion: it is added just above TargetVersion',
      YAML.replace('        CurrentVersion: "2"\n', ''),
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: "4"'),
    ],
    [
      'YAML with bare versions and comments elsewhere: the versions become quoted strings, the rest stays',
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: 2')
        .replace('TargetVersion: "3"', 'TargetVersion: 3')
        .replace('Alias: "live"', 'Alias: live # alias'),
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: "4"').replace('Alias: "live"', 'Alias: live # alias'),
    ],
    [
      'YAML with Windows line endings keeps them on every line',
      YAML.replace(/\n/g, '\r\n'),
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: "4"').replace(/\n/g, '\r\n'),
    ],
    [
      'YAML with Windows line endings and no CurrentVersion: the added line ends like the others',
      YAML.replace('        CurrentVersion: "2"\n', '').replace(/\n/g, '\r\n'),
      YAML.replace('CurrentVersion: "2"', 'CurrentVersion: "4"').replace(/\n/g, '\r\n'),
    ],
  ])('%s', (_, text, expected) => {
    expect(rewrite(text)).toBe(expected);
  });

  it('YAML: the result reads, with a YAML parser, as the function at its live and good versions', () => {
    expect(yamlProps(rewrite(YAML, '11', '10'))).toEqual({ ...fn, CurrentVersion: '11', TargetVersion: '10' });
  });

  it('formats are kept: JSON in, JSON out; YAML in, YAML out', () => {
    const formats = (['json', 'yaml'] as const).map((f) => {
      const spec = readAppSpec(f === 'json' ? JSON_SPEC : YAML) as AppSpec;
      return readAppSpec(withLambdaVersions(spec, '4', '3'))?.format;
    });
    expect(formats).toEqual(['json', 'yaml']);
  });
});
