import { bundledCommands, packagedTemplate } from '../../support/packaged-template';

/**
 * APIs whose Service Authorization Reference entry lists no resource type: "*" is the only Resource
 * IAM accepts for them. Keep this list short; every entry needs that reason.
 */
const RESOURCE_STAR_ALLOWED = new Set([
  // List action over a group's packages; no model-package resource type (the packages it returns
  // are then read and written through ARN-scoped statements).
  'sagemaker:ListModelPackages',
  // A hook's answer: the action has no resource type (the hook execution id is the only scope).
  'codedeploy:PutLifecycleEventHookExecutionStatus',
  // Stopping a deployment: no resource type either (the deployments stopped are the ones the
  // role's scoped ListDeployments/BatchGetDeployments found in the bound groups).
  'codedeploy:StopDeployment',
]);

/**
 * IAM actions an SDK command needs besides its own name, and commands whose IAM prefix differs
 * from the client's name.
 */
function iamActions(command: string): string[] {
  const [client, operation] = command.split(':') as [string, string];
  const service = client === 'sagemaker-runtime' ? 'sagemaker' : client;
  const action = `${service}:${operation}`;
  switch (action) {
    case 's3:GetObject':
      // A GET naming a VersionId (the data-drop schema check reads the exact version) is authorized
      // as s3:GetObjectVersion.
      return [action, 's3:GetObjectVersion'];
    case 'dynamodb:TransactWriteItems':
      // Not an IAM action: each item of the transaction is authorized by its own kind.
      return ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];
    case 'codedeploy:CreateDeployment':
      // Dependent actions of CreateDeployment: the revision and the group's deployment config.
      return [action, 'codedeploy:GetApplicationRevision', 'codedeploy:GetDeploymentConfig'];
    default:
      return [action];
  }
}

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const template = packagedTemplate();
const resources = Object.entries(template.Resources);
/** Every policy statement of the template: roles' inline policies and resource policies. */
const allStatements: Array<{ where: string; statement: Statement }> = resources.flatMap(([id, r]) => [
  ...(r.Properties?.Policies ?? []).flatMap((p: { PolicyDocument: { Statement: Statement[] } }) =>
    p.PolicyDocument.Statement.map((statement) => ({ where: id, statement })),
  ),
  ...(r.Properties?.PolicyDocument ? list(r.Properties.PolicyDocument.Statement as Statement | Statement[]) : []).map(
    (statement) => ({ where: id, statement }),
  ),
]);
const functions = resources
  .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
  .map(([id, r]) => {
    const role = /^\$\{(\w+)\.Arn\}$/.exec(r.Properties.Role['Fn::Sub'])?.[1] as string;
    return { id, role, file: `${String(r.Properties.Handler).replace(/\.handler$/, '')}.ts` };
  });

describe('least privilege in the packaged CloudFormation template (osls package)', () => {
  it('packages every function with a role of its own', () => {
    expect(functions.length).toBeGreaterThanOrEqual(9);
    expect(new Set(functions.map((f) => f.role)).size).toBe(functions.length);
    for (const f of functions) expect(template.Resources[f.role]?.Type).toBe('AWS::IAM::Role');
  });

  it('allows no Action "*" and no service-wide or partial action wildcard anywhere', () => {
    const wildcards = allStatements
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ where, statement }) =>
        list(statement.Action)
          .filter((a) => a.includes('*'))
          .map((a) => `${where}/${statement.Sid}: ${a}`),
      );
    expect(wildcards).toEqual([]);
  });

  it('allows Resource "*" only for APIs that have no resource ARN', () => {
    const starred = allStatements
      .filter(({ statement }) => statement.Effect === 'Allow' && list(statement.Resource).includes('*'))
      .flatMap(({ where, statement }) =>
        list(statement.Action)
          .filter((a) => !RESOURCE_STAR_ALLOWED.has(a))
          .map((a) => `${where}/${statement.Sid}: ${a}`),
      );
    expect(starred).toEqual([]);
  });

  /** The functions whose role grants ConditionCheckItem, each through one statement `sid`. */
  const checking = (sid: string) =>
    functions
      .filter((f) =>
        (template.Resources[f.role]!.Properties.Policies[0].PolicyDocument.Statement as Statement[]).some(
          (s) => s.Sid === sid && list(s.Action).includes('dynamodb:ConditionCheckItem'),
        ),
      )
      .map((f) => f.id)
      .sort();

  // Without these grants the transactions would be refused in AWS (moto does not enforce IAM).
  it('lets the functions that commit decisions check the kill switch, on its partition only', () => {
    expect(checking('KillSwitchCheck')).toEqual([
      'AlarmRollbackLambdaFunction',
      'EndpointTrackerLambdaFunction',
      'RegistryGateLambdaFunction',
    ]);
  });

  it("lets the ledger's closers check their lease, on the ledger's partitions only", () => {
    expect(checking('LedgerLeaseCheck')).toEqual([
      'DataArrivedLambdaFunction',
      'ExecutionFinishedLambdaFunction',
      'SweeperLambdaFunction',
    ]);
  });

  it('grants ConditionCheckItem only alone and scoped to those partitions', () => {
    const scopes: Record<string, unknown> = {
      KillSwitchCheck: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } },
      LedgerLeaseCheck: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LEDGER#*'] } },
    };
    const statements = allStatements.filter(({ statement }) =>
      list(statement.Action).includes('dynamodb:ConditionCheckItem'),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const { statement } of statements) {
      expect(list(statement.Action)).toEqual(['dynamodb:ConditionCheckItem']);
      expect((statement as { Condition?: unknown }).Condition).toEqual(scopes[statement.Sid ?? '']);
    }
  });

  it('grants each function only the actions its bundled code can call (plus what Lambda does for it)', async () => {
    const commands = await bundledCommands(functions.map((f) => f.file));
    const overGrants: string[] = [];
    for (const f of functions) {
      const callable = new Set([...(commands.get(f.file) ?? [])].flatMap(iamActions));
      expect(callable.size).toBeGreaterThan(0);
      for (const s of template.Resources[f.role]!.Properties.Policies[0].PolicyDocument.Statement as Statement[]) {
        const platform = platformGrant(s);
        for (const action of list(s.Action))
          if (!callable.has(action) && !platform.includes(action)) overGrants.push(`${f.role}/${s.Sid}: ${action}`);
      }
    }
    expect(overGrants).toEqual([]);
  }, 60_000);
});

/**
 * Actions Lambda itself performs with the function's role, on exactly these resources: writing the
 * function's logs, sending failed asynchronous invocations to the destination queue, polling the
 * data queue for the SQS event source mapping.
 */
function platformGrant(s: Statement): string[] {
  const resource = JSON.stringify(s.Resource);
  if (/^\{"Fn::GetAtt":\["\w+LogGroup","Arn"\]\}$/.test(resource)) return ['logs:CreateLogStream', 'logs:PutLogEvents'];
  if (resource === '{"Fn::GetAtt":["FailedInvocationsQueue","Arn"]}') return ['sqs:SendMessage'];
  if (resource === '{"Fn::GetAtt":["DataQueue","Arn"]}')
    return ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
  return [];
}
