export { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';
