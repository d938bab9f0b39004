import { MemoryRedeployWatch } from '../../../../functions/adapters/memory/redeploy-watch';
import { describeRedeployWatchContract } from '../../../contract/redeploy-watch.contract';

describeRedeployWatchContract('memory', () => new MemoryRedeployWatch());
