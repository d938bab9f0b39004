import { MemoryRetrainRequests } from '../../../../functions/adapters/memory/retrain-requests';
import { describeRetrainRequestsContract } from '../../../contract/retrain-requests.contract';

describeRetrainRequestsContract('memory', () => new MemoryRetrainRequests());
