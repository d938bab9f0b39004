/**
 * Why a run the controller started failed, in words a person can act on: where it failed (the
 * stage and action, the step, the phase), the service's own message, and a classification of
 * the common causes with what to do about each. Pure: the adapters read the facts.
 */

/** What a target's service says about a failed run (functions/ports/run-failures.ts). */
export interface FailureFacts {
  /** Where it failed, as the service names it: `stage Train, action TrainModel`, `step Train (Training)`. */
  failedAt?: string;
  /** The service's failure message, verbatim. */
  message?: string;
  /**
   * The last lines of the run's own log (CodeBuild's CloudWatch stream), oldest first, already
   * capped by the reader: classified with the message, and their end quoted in the text.
   */
  log?: string[];
  /** The failed part's status when it says more than "failed" (CodeBuild's TIMED_OUT, FAULT): classified too. */
  status?: string;
  /** Why the facts are incomplete (a read failed or found nothing), when they are. */
  unread?: string;
}

export type FailureCause =
  'access denied' | 'quota or capacity' | 'out of memory' | 'timeout' | 'syntax or configuration' | 'unclassified';

export interface FailureExplanation {
  cause: FailureCause;
  hint: string;
  /** One paragraph for the decision and its notification (≤ MAX_TEXT characters). */
  text: string;
}

/** A notification and a decision reason stay readable; messages past this are cut. */
export const MAX_MESSAGE = 600;
export const MAX_TEXT = 1000;
/** What is kept of a run's log: its last LOG_LINES lines within LOG_BYTES (UTF-8). */
export const LOG_LINES = 30;
export const LOG_BYTES = 4096;

/** The last non-blank lines of a log's messages (each may hold several lines), oldest first, within the caps. */
export function logTail(messages: readonly string[]): string[] {
  const lines = messages.flatMap((m) => m.split(/\r?\n/)).filter((l) => l.trim() !== '');
  const encoder = new TextEncoder();
  const kept: string[] = [];
  let bytes = 0;
  for (const line of lines.reverse()) {
    const size = encoder.encode(line).length;
    if (kept.length === LOG_LINES || bytes + size > LOG_BYTES) break;
    kept.unshift(line);
    bytes += size;
  }
  return kept;
}

/**
 * Checked in order, first match wins: a quota message often says "invalid" too, and an access
 * message may name a missing resource, so the specific causes come before the general one.
 */
const CAUSES: ReadonlyArray<{ cause: Exclude<FailureCause, 'unclassified'>; pattern: RegExp; hint: string }> = [
  {
    cause: 'access denied',
    pattern:
      /Access[ _]?Denied|not authorized to perform|is not authorized|UnauthorizedOperation|Forbidden|\b403\b|permissions? (?:is |are )?(?:missing|insufficient)|insufficient permissions|no identity-based policy allows|Unable to locate credentials/i,
    hint: 'the role named in the message lacks that permission: add the action (and resource) to the role the pipeline, job or build runs as, or to the resource policy that denies it',
  },
  {
    cause: 'quota or capacity',
    pattern:
      /ResourceLimitExceeded|LimitExceeded|service limit|quota|InsufficientInstanceCapacity|InsufficientCapacity|CapacityError|insufficient capacity|ThrottlingException|Rate exceeded|too many concurrent|AccountLimitExceeded|toomanyrequests|pull rate limit|Cannot have more than \d+ builds? in queue/i,
    hint: "an account limit or the region's capacity stopped it: request an increase in Service Quotas for the named resource, choose another instance type, or retry later",
  },
  {
    cause: 'out of memory',
    pattern:
      /out of memory|with more memory|OutOfMemory|\bOOM\b|MemoryError|Cannot allocate memory|exit (?:code|status):? 137|exited with code 137|signal 9|\bKilled\b|memory limit|std::bad_alloc/i,
    hint: 'the job ran out of memory: choose an instance type with more memory, or lower the batch size or the data loaded per instance',
  },
  {
    cause: 'timeout',
    pattern:
      /timed?[ _]?out|timeout|MaxRuntimeInSeconds|MaxRuntimeExceeded|stopping condition|deadline exceeded|exceeded the maximum (?:run|execution) ?time/i,
    hint: 'it ran longer than allowed: raise the limit (MaxRuntimeInSeconds, the action or build timeout) or make the job shorter; check it did not hang waiting on a resource',
  },
  {
    cause: 'syntax or configuration',
    pattern:
      /ValidationException|ValidationError|invalid|malformed|syntax|YAML_FILE_ERROR|parse error|failed to parse|unexpected token|does not exist|not found|could not be found|States\.Runtime|NoSuchKey|NoSuchBucket|Unknown parameter|missing required|KeyError|ModuleNotFoundError|ImportError|No module named|ClientError|Cannot connect to the Docker daemon|runtime version/i,
    hint: 'the pipeline definition, its parameters or the code it runs is wrong: fix the file, parameter or resource the message names, and check the manifest variable reaches the step that reads it',
  },
];

export function classifyFailure(message: string | undefined): { cause: FailureCause; hint: string } {
  const found = message ? CAUSES.find((c) => c.pattern.test(message)) : undefined;
  if (found) return { cause: found.cause, hint: found.hint };
  return {
    cause: 'unclassified',
    hint: message
      ? 'no common cause recognised in the message: open the run in its console (execution id above) for the full log'
      : 'the service gave no failure message: open the run in its console (execution id above) for the full log',
  };
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** A traceback ends with its error: a long message keeps its head and, mostly, its tail. */
const ends = (text: string, max: number): string =>
  text.length <= max
    ? text
    : `${text.slice(0, Math.floor(max / 3))} … ${text.slice(text.length - Math.ceil((2 * max) / 3) + 3)}`;

/**
 * The log's lines worth quoting: the build's own output, without the agent's `[Container]` /
 * `[Instance]` bookkeeping that follows a failure (phase complete, the next phases, uploads),
 * unless the agent's lines are all there is.
 */
const AGENT_LINE = /^\[(?:Container|Instance)\] \d{4}\/\d{2}\/\d{2} /;
function quotable(log: readonly string[]): string[] {
  const lines = log.map(oneLine).filter(Boolean);
  const own = lines.filter((line) => !AGENT_LINE.test(line));
  return own.length > 0 ? own : lines;
}

/** The last characters of the log, whole lines where they fit. */
function logEnd(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const line of [...lines].reverse()) {
    if (used + line.length + 3 > max) {
      if (kept.length === 0) kept.push(`…${line.slice(line.length - max + 4)}`);
      break;
    }
    kept.unshift(line);
    used += line.length + 3;
  }
  return kept.join(' | ');
}

/** The explanation of a failed run: one per failure, the same words for decision and notification. */
export function explainFailure(target: string, executionId: string, facts: FailureFacts): FailureExplanation {
  const whole = facts.message ? oneLine(facts.message) : undefined;
  const log = quotable(facts.log ?? []);
  // Classified on the whole message and every log line read: the words that name the cause may be
  // in the part the text cuts out.
  const { cause, hint } = classifyFailure(
    [facts.status, whole, ...(facts.log ?? [])].filter(Boolean).join('\n') || undefined,
  );
  const head = `${target} run ${executionId} failed${facts.failedAt ? ` at ${facts.failedAt}` : ''}`;
  const tail = `. Likely cause: ${cause}; ${hint}.${facts.unread ? ` (${facts.unread})` : ''}`;
  // The cause and hint are what a person acts on: the message and log share what is left.
  const room = Math.max(0, MAX_TEXT - head.length - tail.length - LOG_LABEL.length - 4);
  const messageRoom = Math.min(MAX_MESSAGE, log.length > 0 ? Math.ceil(room / 2) : room);
  const message = whole ? ends(whole, messageRoom) : undefined;
  const quoted = log.length > 0 ? logEnd(log, room - (message?.length ?? 0)) : '';
  const parts = [head, message ? `: ${message}` : '', quoted ? `${LOG_LABEL}${quoted}` : '', tail];
  return { cause, hint, text: cut(parts.join(''), MAX_TEXT) };
}

const LOG_LABEL = '. Log ends: ';
