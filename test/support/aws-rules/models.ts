/**
 * Checks an AWS request input against the service's own model, as botocore ships it
 * (`botocore/data/<service>/<version>/service-2.json.gz`; moto depends on botocore, so every
 * machine that runs the integration tests has it). The rules are AWS's server-side constraints:
 * `required` members, `min`/`max` (string length, list and map entry counts, blob bytes, numeric
 * range: which one depends on the shape's type, exactly as botocore reads them), `pattern`
 * (Java regex, full match), `enum`, the member's type, unions (exactly one member) and members the
 * model does not have (the SDK drops them silently, so a misspelt member is a lost argument).
 *
 * Members marked `idempotencyToken` may be absent: the SDK fills them with a UUID v4.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { translateJavaPattern } from './models-patterns';

export interface Violation {
  service: string;
  operation: string;
  /** Member path from the input's root: `variables[0].name`, `Tags{env}`. */
  path: string;
  rule: 'required' | 'type' | 'min' | 'max' | 'pattern' | 'enum' | 'union' | 'unknown-member' | 'model';
  message: string;
}

interface Member {
  shape: string;
  idempotencyToken?: boolean;
  jsonvalue?: boolean;
  streaming?: boolean;
}
interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  member?: Member;
  key?: Member;
  value?: Member;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  union?: boolean;
  streaming?: boolean;
  document?: boolean;
}
interface Operation {
  name: string;
  input?: { shape: string };
}
export interface ServiceModel {
  directory: string;
  version: string;
  serviceId: string;
  protocol: string;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/**
 * The services the controller and its tests call (CloudFormation, CloudWatch Logs and IAM only to
 * set up and read back moto), by the SDK v3 client's `config.serviceId` and by the name the
 * memory adapters record (the botocore directory, which is also the endpoint prefix and IAM
 * service prefix). A client for any other service fails with a `model` violation until it is
 * listed here: nothing goes unchecked silently.
 */
const directories: Record<string, string> = {
  CloudFormation: 'cloudformation',
  CloudWatch: 'cloudwatch',
  'CloudWatch Logs': 'logs',
  CodeBuild: 'codebuild',
  CodeDeploy: 'codedeploy',
  CodePipeline: 'codepipeline',
  DynamoDB: 'dynamodb',
  ECS: 'ecs',
  'Elastic Load Balancing v2': 'elbv2',
  EventBridge: 'events',
  IAM: 'iam',
  Lambda: 'lambda',
  S3: 's3',
  SageMaker: 'sagemaker',
  'SageMaker Runtime': 'sagemaker-runtime',
  SFN: 'stepfunctions',
  SNS: 'sns',
  SQS: 'sqs',
};
for (const directory of Object.values(directories)) directories[directory] = directory;
// The memory adapters record Step Functions under its SDK client's name.
directories.sfn = 'stepfunctions';
export const modelledServices = [...new Set(Object.values(directories))].sort();

const cacheDir = join(tmpdir(), `mlops-aws-models-${process.getuid?.() ?? 'user'}`);

function writeAtomically(file: string, text: string): void {
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

let dataDir: string | undefined;
/**
 * botocore's data directory, found by asking the python3 that has botocore (never a path written
 * into the repository). Asking python costs ~0.3 s, and jest loads this module afresh for every
 * test file, so the answer is kept in a temp-dir file and reused while that directory exists.
 */
export function botocoreDataDir(): string {
  if (dataDir) return dataDir;
  const fromEnv = process.env.BOTOCORE_DATA_DIR;
  if (fromEnv) return (dataDir = fromEnv);
  const locationFile = join(cacheDir, 'location.json');
  try {
    const cached = JSON.parse(readFileSync(locationFile, 'utf8')) as { dataDir?: string };
    if (cached.dataDir && existsSync(cached.dataDir)) return (dataDir = cached.dataDir);
  } catch {
    // No cache yet: ask python below.
  }
  let root: string;
  try {
    root = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
    }).trim();
  } catch (error) {
    throw new Error('botocore not found: the AWS request models come from python3 -m botocore (installed with moto)', {
      cause: error,
    });
  }
  dataDir = join(root, 'data');
  writeAtomically(locationFile, JSON.stringify({ dataDir }));
  return dataDir;
}

/** Only the parts the validator reads: documentation is ~80% of a model file. */
function strip(model: {
  metadata: { serviceId: string; protocol: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape & Record<string, unknown>>;
}): Pick<ServiceModel, 'serviceId' | 'protocol' | 'operations' | 'shapes'> {
  const keep = ['type', 'required', 'min', 'max', 'pattern', 'enum', 'union', 'streaming', 'document'] as const;
  const member = (m: Member): Member => ({
    shape: m.shape,
    ...(m.idempotencyToken ? { idempotencyToken: true } : {}),
    ...(m.jsonvalue ? { jsonvalue: true } : {}),
    ...(m.streaming ? { streaming: true } : {}),
  });
  // Only shapes a request can reach: responses and errors are half of a model and never checked.
  const reachable = new Set<string>();
  const visit = (name: string): void => {
    const shape = model.shapes[name];
    if (reachable.has(name) || !shape) return;
    reachable.add(name);
    for (const m of Object.values(shape.members ?? {})) visit(m.shape);
    for (const k of ['member', 'key', 'value'] as const) if (shape[k]) visit(shape[k].shape);
  };
  for (const op of Object.values(model.operations)) if (op.input) visit(op.input.shape);
  const shapes: Record<string, Shape> = {};
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (!reachable.has(name)) continue;
    const s: Record<string, unknown> = {};
    for (const k of keep) if (shape[k] !== undefined) s[k] = shape[k];
    if (shape.members) s.members = Object.fromEntries(Object.entries(shape.members).map(([n, m]) => [n, member(m)]));
    for (const k of ['member', 'key', 'value'] as const) if (shape[k]) s[k] = member(shape[k]);
    shapes[name] = s as unknown as Shape;
  }
  const operations = Object.fromEntries(
    Object.entries(model.operations).map(([n, o]) => [n, { name: n, ...(o.input ? { input: o.input } : {}) }]),
  );
  return { serviceId: model.metadata.serviceId, protocol: model.metadata.protocol, operations, shapes };
}

const models = new Map<string, ServiceModel>();

/** The newest API version's model of a service (botocore keeps old versions beside it). */
export function serviceModel(service: string): ServiceModel | undefined {
  const directory = directories[service];
  if (!directory) return undefined;
  const loaded = models.get(directory);
  if (loaded) return loaded;
  const root = join(botocoreDataDir(), directory);
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'service-2.json.gz')) || existsSync(join(root, v, 'service-2.json')))
    .sort()
    .at(-1);
  if (!version) throw new Error(`botocore has no service-2.json for ${directory}`);
  const gz = join(root, version, 'service-2.json.gz');
  const file = existsSync(gz) ? gz : join(root, version, 'service-2.json');
  const stamp = `${directory}-${version}-inputs-${statSync(file).mtimeMs}-${statSync(file).size}`;
  const cached = join(cacheDir, `${stamp}.json`);
  let body: Pick<ServiceModel, 'serviceId' | 'protocol' | 'operations' | 'shapes'>;
  try {
    body = JSON.parse(readFileSync(cached, 'utf8'));
  } catch {
    const raw = readFileSync(file);
    body = strip(JSON.parse((file === gz ? gunzipSync(raw) : raw).toString('utf8')));
    writeAtomically(cached, JSON.stringify(body));
  }
  const model: ServiceModel = { directory, version, ...body };
  models.set(directory, model);
  return model;
}

export interface SkippedPattern {
  service: string;
  shape: string;
  pattern: string;
  reason: string;
}
/** Patterns met while validating that JS cannot express: never checked, always reported. */
export const skippedPatterns: SkippedPattern[] = [];
const compiled = new Map<string, ReturnType<typeof translateJavaPattern>>();

function patternFor(service: string, shapeName: string, pattern: string): RegExp | undefined {
  let t = compiled.get(pattern);
  if (!t) {
    t = translateJavaPattern(pattern);
    compiled.set(pattern, t);
  }
  if (t.ok) return t.regex;
  if (!skippedPatterns.some((s) => s.service === service && s.shape === shapeName))
    skippedPatterns.push({ service, shape: shapeName, pattern, reason: t.reason });
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  // By tag, not prototype: objects may come from another realm (jest's vm context, node internals).
  return Object.prototype.toString.call(value) === '[object Object]' && !isStream(value);
}

function byteLength(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  return undefined;
}

function isStream(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function';
}

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
};

class Walker {
  readonly violations: Violation[] = [];
  constructor(
    private readonly model: ServiceModel,
    private readonly operation: string,
  ) {}

  private fail(path: string, rule: Violation['rule'], message: string): void {
    this.violations.push({ service: this.model.directory, operation: this.operation, path, rule, message });
  }

  private range(path: string, shape: Shape, measured: number, what: string): void {
    if (shape.min !== undefined && measured < shape.min)
      this.fail(path, 'min', `${what} ${measured} is below the model's min ${shape.min}`);
    if (shape.max !== undefined && measured > shape.max)
      this.fail(path, 'max', `${what} ${measured} is above the model's max ${shape.max}`);
  }

  check(path: string, shapeName: string, value: unknown, member?: Member): void {
    const shape = this.model.shapes[shapeName];
    if (!shape) return this.fail(path, 'model', `shape ${shapeName} is missing from the model`);
    const where = path || '(input)';
    switch (shape.type) {
      case 'structure': {
        if (!isPlainObject(value)) return this.fail(where, 'type', `expected a structure (${shapeName})`);
        const members = shape.members ?? {};
        for (const name of shape.required ?? [])
          if ((value[name] === undefined || value[name] === null) && !members[name]?.idempotencyToken)
            this.fail(join2(path, name), 'required', `required member ${name} of ${shapeName} is missing`);
        const present = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null);
        if (shape.union && present.length !== 1)
          this.fail(where, 'union', `union ${shapeName} needs exactly one member set, got ${present.length}`);
        for (const name of present) {
          const m = members[name];
          if (!m) {
            this.fail(join2(path, name), 'unknown-member', `${shapeName} has no member ${name}`);
            continue;
          }
          this.check(join2(path, name), m.shape, value[name], m);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) return this.fail(where, 'type', `expected a list (${shapeName})`);
        this.range(where, shape, value.length, 'list length');
        value.forEach((item, i) => {
          if (item === undefined || item === null) this.fail(`${path}[${i}]`, 'type', 'a list entry is null');
          else this.check(`${path}[${i}]`, shape.member!.shape, item, shape.member);
        });
        return;
      }
      case 'map': {
        const entries =
          value instanceof Map ? [...value.entries()] : isPlainObject(value) ? Object.entries(value) : undefined;
        if (!entries) return this.fail(where, 'type', `expected a map (${shapeName})`);
        this.range(where, shape, entries.length, 'map size');
        for (const [k, v] of entries) {
          this.check(`${path}{${String(k)}}.key`, shape.key!.shape, k, shape.key);
          if (v !== undefined && v !== null) this.check(`${path}{${String(k)}}`, shape.value!.shape, v, shape.value);
        }
        return;
      }
      case 'string': {
        // A jsonvalue member (a JSON document sent as a string) takes an object too: the SDK encodes it.
        if (member?.jsonvalue && typeof value !== 'string') return;
        if (typeof value !== 'string') return this.fail(where, 'type', `expected a string (${shapeName})`);
        // Java's String.length(), like JS's, counts UTF-16 code units: the unit AWS's lengths use.
        this.range(where, shape, value.length, 'length');
        if (shape.enum && !shape.enum.includes(value))
          this.fail(where, 'enum', `${show(value)} is not one of ${shapeName}'s values [${shape.enum.join(', ')}]`);
        if (shape.pattern) {
          const regex = patternFor(this.model.directory, shapeName, shape.pattern);
          if (regex && !regex.test(value))
            this.fail(where, 'pattern', `${show(value)} does not match ${shapeName}'s pattern ${shape.pattern}`);
        }
        return;
      }
      case 'integer':
      case 'long': {
        const n = typeof value === 'bigint' && shape.type === 'long' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n))
          return this.fail(where, 'type', `expected an ${shape.type} (${shapeName}), got ${show(value)}`);
        if (shape.type === 'integer' && (n < -(2 ** 31) || n >= 2 ** 31))
          this.fail(where, 'type', `${n} does not fit a 32-bit integer`);
        this.range(where, shape, n, 'value');
        return;
      }
      case 'float':
      case 'double': {
        if (typeof value !== 'number' || Number.isNaN(value))
          return this.fail(where, 'type', `expected a number (${shapeName}), got ${show(value)}`);
        this.range(where, shape, value, 'value');
        return;
      }
      case 'boolean':
        if (typeof value !== 'boolean') this.fail(where, 'type', `expected a boolean (${shapeName})`);
        return;
      case 'timestamp':
        // SDK v3 serializes timestamps from Date objects only.
        if (!(value instanceof Date) || Number.isNaN(value.getTime()))
          this.fail(where, 'type', `expected a valid Date (${shapeName}), got ${show(value)}`);
        return;
      case 'blob': {
        if (isStream(value) && (shape.streaming || member?.streaming)) return;
        const bytes = byteLength(value);
        if (bytes === undefined) return this.fail(where, 'type', `expected bytes or a string (${shapeName})`);
        this.range(where, shape, bytes, 'size in bytes');
        return;
      }
      default:
        // `document` shapes (and any type a newer model adds) take any JSON value.
        return;
    }
  }
}

function join2(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Every way `input` breaks the service model for `operation` (an empty list when it is valid). */
export function validateRequest(service: string, operation: string, input: unknown): Violation[] {
  const model = serviceModel(service);
  if (!model)
    return [{ service, operation, path: '', rule: 'model', message: `no botocore model is mapped for ${service}` }];
  const op = model.operations[operation];
  if (!op)
    return [
      {
        service: model.directory,
        operation,
        path: '',
        rule: 'model',
        message: `${model.directory} has no operation ${operation}`,
      },
    ];
  if (!op.input) {
    const extra = isPlainObject(input) ? Object.keys(input).filter((k) => input[k] !== undefined) : [];
    return extra.map((k) => ({
      service: model.directory,
      operation,
      path: k,
      rule: 'unknown-member',
      message: `${operation} takes no input`,
    }));
  }
  const walker = new Walker(model, operation);
  walker.check('', op.input.shape, input ?? {});
  return walker.violations;
}

export function describeViolation(v: Violation): string {
  return `${v.service}.${v.operation} ${v.path || '(input)'} [${v.rule}]: ${v.message}`;
}
