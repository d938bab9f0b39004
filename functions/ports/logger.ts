/** The slice of Powertools Logger the workflows use (Powertools' Logger satisfies it). */
export type LogAttributes = Record<string, unknown>;

export interface Logger {
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}
