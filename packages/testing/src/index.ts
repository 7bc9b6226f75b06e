export { WAIT_TIMEOUT_MS, waitFor } from './wait-for';
