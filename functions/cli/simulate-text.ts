/** Places in scenario and event files (`file:line:column`), and event files read with them. */
import { isAbsolute, relative } from 'node:path';
import { LineCounter } from 'yaml';
import { ControllerError } from '../domain/errors';

export const shown = (file: string): string => (isAbsolute(file) ? relative(process.cwd(), file) || file : file);

/** `file:line:column` of a character offset. */
export function at(file: string, lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${shown(file)}:${line}:${col}`;
}

/** JSON text → value, or one line naming the file, line and column of the first error. */
export function parseJsonFile(file: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const where = offset !== undefined ? at(file, lines, Number(offset)) : shown(file);
    throw new ControllerError(`${where}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}
