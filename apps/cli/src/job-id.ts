import { JobId } from '@jobstream/contracts';
import { CliError, ExitCode } from './exit-codes';

/** `value` if it is a job id (a UUID); a usage error otherwise. */
export function jobIdArgument(value: string): string {
  if (JobId.safeParse(value).success) return value;
  throw new CliError(
    ExitCode.USAGE,
    `Invalid job id '${value}': a job id is a UUID`,
    'List your jobs with: jobstream jobs',
  );
}
