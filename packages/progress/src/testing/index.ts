export { CONTRACT_LIMITS, describeJobEventLog, type LogUnderTest } from './job-event-log-contract';
export { progressOf, resultOf } from './payloads';
