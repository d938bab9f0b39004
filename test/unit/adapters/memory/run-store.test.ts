import { MemoryRunStore } from '../../../../functions/adapters/memory/run-store';
import { describeRunStoreContract } from '../../../contract/run-store.contract';

describeRunStoreContract('memory', () => new MemoryRunStore());
