/** The Redis names of one job's events. */
export interface JobKeys {
  /** The job these keys are for. */
  jobId: string;
  /** The stream of the job's newest events, entry ids `<seq>-0`. */
  events: string;
  /** A hash beside it: `epoch` (the history's) and `seq` (its newest event's). */
  meta: string;
  /** The channel each appended event is published on. */
  channel: string;
}

/**
 * A job's keys and channel, under `prefix`. The job id is the hash tag (`{…}`), so a Redis Cluster keeps both keys
 * in one slot, which the append script needs.
 */
export function jobKeys(prefix: string, jobId: string): JobKeys {
  const base = `${prefix}job:{${jobId}}`;
  return { jobId, events: `${base}:events`, meta: `${base}:meta`, channel: `${base}:events` };
}

/** The job id of a job's channel under `prefix` (`<prefix>job:{<jobId>}:events`, as `jobKeys` makes it). */
export function jobIdOfChannel(prefix: string, channel: string): string {
  return channel.slice(prefix.length + 'job:{'.length, -'}:events'.length);
}
