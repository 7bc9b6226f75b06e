import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

const ROLES = ['admin', 'member', 'viewer'] as const;
const LINES_PER_WRITE = 10_000;

/** Path of a generated users CSV (`email,name,role`, unique valid emails) with `rows` data rows; made once, then reused. */
export async function ensureUsersCsv(options: { rows: number; dir: string }): Promise<string> {
  const path = join(options.dir, `users-${options.rows}.csv`);
  if (
    await stat(path).then(
      (s) => s.size > 0,
      () => false,
    )
  ) {
    return path;
  }
  await mkdir(options.dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  out.write('email,name,role\n');
  for (let start = 1; start <= options.rows; start += LINES_PER_WRITE) {
    let chunk = '';
    for (let i = start; i < Math.min(start + LINES_PER_WRITE, options.rows + 1); i++) {
      chunk += `user${i}@example.com,User ${i},${ROLES[i % ROLES.length]}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, path);
  return path;
}
