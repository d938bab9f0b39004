/** CloudWatch alarms, read only. */
export interface Alarms {
  /** Current state of each named alarm; a name CloudWatch does not know is absent from the map. */
  states(names: readonly string[]): Promise<Map<string, string>>;
  tags(alarmArn: string): Promise<Record<string, string>>;
}
