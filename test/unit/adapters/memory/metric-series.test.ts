import { MemoryMetricSeries, metricWorld } from '../../../../functions/adapters/memory/metric-series';
import { MemoryWorld } from '../../../../functions/adapters/memory/world';
import { describeMetricSeriesContract } from '../../../contract/metric-series.contract';
import { systemClock } from '../../../../functions/ports/clock';

describeMetricSeriesContract('memory', async () => {
  const world = new MemoryWorld(systemClock);
  const series = new MemoryMetricSeries(world);
  return {
    series,
    requests: () => series.requests,
    put: async (namespace, metricName, dimensions, at, value) =>
      metricWorld(world).put({ namespace, metricName, dimensions, at, value }),
  };
});
