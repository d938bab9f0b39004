import { MemoryBatchLedger } from '../../../../functions/adapters/memory/batch-ledger';
import { describeBatchLedgerContract } from '../../../contract/batch-ledger.contract';

describeBatchLedgerContract('memory', () => new MemoryBatchLedger());
