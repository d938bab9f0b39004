/**
 * Starts and stops a moto server (a Python process on a free local port). Used by jest's global
 * setup/teardown for the integration tests and by `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 100;
const INSTALL_HINT = 'moto is a Python package: pip install "moto[server]" (python3 must be on PATH)';

export interface MotoHandle {
  pid: number;
  endpoint: string;
  logFile: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function tail(file: string, chars = 2_000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars).trim();
  } catch {
    return '';
  }
}

function explain(log: string): string {
  if (/No module named/.test(log) || /ModuleNotFoundError|ImportError/.test(log))
    return `moto or its server extras are missing. ${INSTALL_HINT}`;
  return `moto server did not start. ${INSTALL_HINT}`;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function start(): Promise<{ child: ChildProcess; handle: MotoHandle }> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const logFile = join(tmpdir(), `moto-${process.pid}-${port}.log`);
  // A file, not a pipe: moto logs every request, and a pipe nobody drains would block it.
  const log = openSync(logFile, 'w');
  const child = spawn('python3', ['-m', 'moto.server', '-H', HOST, '-p', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  closeSync(log);

  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT' ? new Error(`python3 was not found on PATH. ${INSTALL_HINT}`, { cause: error }) : error;
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(`${explain(tail(logFile))} (exited with ${code ?? signal})\n${tail(logFile)}`);
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (failure) throw failure;
      if (await answers(endpoint)) {
        // Not awaited by jest: the teardown stops it; unref so it never holds jest open on its own.
        child.unref();
        return { child, handle: { pid: child.pid!, endpoint, logFile } };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw (
      failure ??
      new Error(`moto server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000}s.\n${tail(logFile)}`)
    );
  } catch (error) {
    // Never leave an orphan behind a failed setup.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}

/**
 * Starts moto and waits until it answers. The free port can be taken between probing and moto
 * binding it: a second port is tried before giving up. Never leaves an orphan behind a failure.
 */
export async function startMoto(): Promise<{ child: ChildProcess; handle: MotoHandle }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error && /address already in use/i.test(error.message))) break;
    }
  }
  throw lastError;
}

const GRACE_MS = 3_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after a grace period; removes the log file when it is known. */
export async function stopMoto(pid: number, logFile?: string): Promise<void> {
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + GRACE_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (logFile) rmSync(logFile, { force: true });
}

/** Environment every client and test sees: moto's endpoint, dummy credentials, one region. */
export function motoEnvironment(handle: MotoHandle): Record<string, string> {
  return {
    MOTO_ENDPOINT: handle.endpoint,
    MOTO_PID: String(handle.pid),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
