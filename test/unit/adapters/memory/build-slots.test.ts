import { MemoryBuildSlots } from '../../../../functions/adapters/memory/build-slots';
import { describeBuildSlotsContract } from '../../../contract/build-slots.contract';

describeBuildSlotsContract('MemoryBuildSlots', async () => new MemoryBuildSlots());
