import type { JobKeys } from './job-keys';
import type { RedisConnection } from './redis-connection';
import { RedisScript } from './redis-script';

/**
 * Appends events to a job's stream if the caller's view of the job is current, in one atomic step:
 * - the meta hash's epoch and seq must equal the caller's expected ones (else `conflict`, with the actual ones: a
 *   stale or duplicated writer is refused);
 * - no meta hash and an expected seq of 0 starts a history in the caller's new epoch; no meta hash while the
 *   caller expected events answers `lost` (Redis lost the job: the caller starts a new epoch);
 * - `restart` (with the epoch and seq Redis was seen to have) replaces the job's history with one in the new
 *   epoch: for a writer that finds Redis behind what it wrote (a failover lost the last events), so that no id of
 *   the lost events is ever given to another event;
 * - each event is added as entry `<seq>-0`, the stream trimmed to the ring size, and published as
 *   `<epoch>:<seq> <field>`; both keys expire after the running TTL, or the retention once the job has ended.
 *
 * KEYS: stream, meta. ARGV: expected epoch, expected seq, new epoch, ring size, running TTL ms, ended TTL ms,
 * channel, 1 if the last event is terminal, `append` or `restart`, then the events' fields.
 */
const SCRIPT = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local seq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
if epoch then
  if epoch ~= ARGV[1] or seq ~= tonumber(ARGV[2]) then return {'conflict', epoch, seq} end
  if ARGV[9] == 'restart' then
    epoch = ARGV[3]
    seq = 0
    redis.call('DEL', KEYS[1])
  end
elseif tonumber(ARGV[2]) ~= 0 then
  return {'lost', '', 0}
else
  epoch = ARGV[3]
  redis.call('DEL', KEYS[1])
end
for i = 10, #ARGV do
  seq = seq + 1
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], seq .. '-0', 'e', ARGV[i])
  redis.call('PUBLISH', ARGV[7], epoch .. ':' .. seq .. ' ' .. ARGV[i])
end
redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', seq)
local ttl = ARGV[6]
if ARGV[8] ~= '1' then ttl = ARGV[5] end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return {'ok', epoch, seq}
`;

/** What an append script call did. */
export type AppendOutcome =
  | { status: 'ok'; epoch: string; seq: number }
  | { status: 'conflict'; epoch: string; seq: number }
  | { status: 'lost' };

/** One call of the append script. */
export interface AppendCall {
  keys: JobKeys;
  /** The epoch and seq the caller believes are the job's newest ('' and 0: the job has no history). */
  expectedEpoch: string;
  expectedSeq: number;
  /** The epoch a new history gets. */
  newEpoch: string;
  maxEvents: number;
  runningTtlMs: number;
  endedTtlMs: number;
  ended: boolean;
  /** Replace the history (seen as `expectedEpoch`/`expectedSeq`) with one in `newEpoch`, rather than add to it. */
  restart: boolean;
  fields: readonly string[];
}

/** Runs the append script. */
export class AppendScript {
  private readonly script: RedisScript;

  constructor(client: RedisConnection) {
    this.script = new RedisScript(client, SCRIPT);
  }

  async run(call: AppendCall): Promise<AppendOutcome> {
    const keys = [call.keys.events, call.keys.meta];
    const args = [
      call.expectedEpoch,
      String(call.expectedSeq),
      call.newEpoch,
      String(call.maxEvents),
      String(call.runningTtlMs),
      String(call.endedTtlMs),
      call.keys.channel,
      call.ended ? '1' : '0',
      call.restart ? 'restart' : 'append',
      ...call.fields,
    ];
    const [status, epoch, seq] = (await this.script.run(keys, args)) as [string, string, number];
    if (status === 'lost') return { status };
    return { status: status as 'ok' | 'conflict', epoch, seq: Number(seq) };
  }
}
