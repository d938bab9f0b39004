import { packagedTemplate } from '../../support/packaged-template';

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
  // A redeploy's check that an ECS group's task definition is still ACTIVE: no resource type.
  'ecs:DescribeTaskDefinition',
  // Stopping a deployment: no resource type either (the deployments stopped are the ones the
  // role's scoped ListDeployments/BatchGetDeployments found in the bound groups).
  'codedeploy:StopDeployment',
]);

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
    expect(checking('LedgerLeaseCheck')).toEqual(['DataArrivedLambdaFunction', 'SweeperLambdaFunction']);
  });

  // executionFinished releases guards and starts batches already recorded: it never closes one,
  // so it never reads a new object's head nor replaces a lapsed closer's batch item.
  it('reads new data heads only in the functions that close batches', () => {
    const reading = functions
      .filter((f) =>
        (template.Resources[f.role]!.Properties.Policies[0].PolicyDocument.Statement as Statement[]).some(
          (s) => list(s.Action).includes('s3:GetObjectVersion') && s.Sid === 'ReadNewDataHeads',
        ),
      )
      .map((f) => f.id)
      .sort();
    expect(reading).toEqual(['DataArrivedLambdaFunction', 'SweeperLambdaFunction']);
  });

  // A Query of the state table finds a ledger lane's end (an append, a close, the sweep's read of
  // the open batch) or the pending retrain requests (the sweep). executionFinished reads its guard,
  // batch records and a batch's members by key only, even on a container that never saw the lanes.
  it('lets, of the retraining functions, only those that close batches query the state table', () => {
    const querying = functions
      .filter((f) =>
        (template.Resources[f.role]!.Properties.Policies[0].PolicyDocument.Statement as Statement[]).some((s) =>
          list(s.Action).includes('dynamodb:Query'),
        ),
      )
      .map((f) => f.id);
    expect(querying).not.toContain('ExecutionFinishedLambdaFunction');
    expect(querying).toEqual(expect.arrayContaining(['DataArrivedLambdaFunction', 'SweeperLambdaFunction']));
  });

  // The retraining functions put and update their items and never delete one (a decision they
  // record is a plain put, no claim to give back); the rollback and gate roles delete claims.
  it('lets no retraining function delete from the state table', () => {
    const deleting = functions
      .filter((f) =>
        (template.Resources[f.role]!.Properties.Policies[0].PolicyDocument.Statement as Statement[]).some((s) =>
          list(s.Action).includes('dynamodb:DeleteItem'),
        ),
      )
      .map((f) => f.id);
    for (const retraining of ['DataArrivedLambdaFunction', 'ExecutionFinishedLambdaFunction', 'SweeperLambdaFunction'])
      expect(deleting).not.toContain(retraining);
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
});
