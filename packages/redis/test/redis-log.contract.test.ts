import { CONTRACT_LIMITS, describeJobEventLog } from '@jobstream/progress/testing';
import { redisLog } from './redis-log-env';

describeJobEventLog('RedisJobEventLog', () => redisLog(CONTRACT_LIMITS));
