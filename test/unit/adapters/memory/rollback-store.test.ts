import { MemoryRollbackStore } from '../../../../functions/adapters/memory/rollback-store';
import { describeRollbackStoreContract } from '../../../contract/rollback-store.contract';

describeRollbackStoreContract('memory', () => new MemoryRollbackStore());
