import { InMemoryJobEventLog } from '../src/index';
import { CONTRACT_LIMITS, describeJobEventLog } from '../src/testing/index';

describeJobEventLog('InMemoryJobEventLog', async () => {
  const log = new InMemoryJobEventLog(CONTRACT_LIMITS);
  return { log, [Symbol.asyncDispose]: async () => log[Symbol.dispose]() };
});
