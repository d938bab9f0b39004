/**
 * One moto request at a time, for tests that run concurrent protocols against moto.
 *
 * Real DynamoDB applies every request atomically (per item, and per transaction). moto does not:
 * its server is threaded and TransactWriteItems deep-copies the whole table first (for rollback),
 * so a transaction racing other writes to the same table fails with HTTP 500 ("dictionary changed
 * size during iteration"), and a cancelled one restores that snapshot, undoing every write made
 * meanwhile. Serializing the HTTP round trips restores per-request atomicity while the protocol
 * under test still interleaves freely between its requests, which is where its races live.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export function serializeRequests(...clients: DynamoDBClient[]): void {
  let tail: Promise<void> = Promise.resolve();
  for (const client of clients) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const previous = tail;
        let release!: () => void;
        tail = new Promise((resolve) => (release = resolve));
        await previous;
        try {
          return await next(args);
        } finally {
          release();
        }
      },
      // After the retry middleware: the lock covers exactly one HTTP round trip.
      { step: 'finalizeRequest', priority: 'low', name: 'serializeForMoto' },
    );
  }
}
