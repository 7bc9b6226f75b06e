import type { RedisConnection } from './redis-connection';

/** A Lua script run by its SHA once Redis has it, loaded again when Redis answers NOSCRIPT (it restarted). */
export class RedisScript {
  private sha: string | undefined;

  constructor(
    private readonly client: RedisConnection,
    private readonly source: string,
  ) {}

  /** Runs the script with `keys` and `args`; resolves with its reply. */
  async run(keys: string[], args: string[]): Promise<unknown> {
    try {
      this.sha ??= await this.client.scriptLoad(this.source);
      return await this.client.evalSha(this.sha, { keys, arguments: args });
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      this.sha = await this.client.scriptLoad(this.source);
      return this.client.evalSha(this.sha, { keys, arguments: args });
    }
  }
}
