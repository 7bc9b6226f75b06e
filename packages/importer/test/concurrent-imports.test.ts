import { countRows } from '@jobstream/storage/testing';
import { describe, expect, it } from 'vitest';
import { holdAfter, importEnv, rowErrors, userRows } from './import-env';

describe('imports running at the same time', () => {
  it('rejects a repeated key as a duplicate although another import overwrote the row in between', async () => {
    await using env = await importEnv();
    const hold = holdAfter(1);
    const csvA = [
      'email,name,role',
      'k@example.com,A first,admin',
      'K@example.com,A again,viewer',
      'a2@example.com,A two,member',
    ].join('\n');
    // A commits its first row (k), then waits; B updates k; then A reads on and meets k again.
    const first = env.run(csvA, { limits: { batchSize: 1 }, onBatch: hold.onBatch });
    await hold.reached;
    const second = await env.run('email,name,role\nk@example.com,B,member\nb2@example.com,B two,member\n');
    expect(second.counts).toMatchObject({ processed: 2, inserted: 1, updated: 1, failed: 0 });
    expect(await countRows(env.store, 'import_overwritten')).toBe(1);
    hold.release();
    const { jobId, counts } = await first;

    expect(counts).toEqual({
      processed: 3,
      total: 3,
      inserted: 2,
      updated: 0,
      failed: 1,
      errors: ['Row 2: email: duplicate of an earlier row'],
    });
    expect(await rowErrors(env.jobs, jobId)).toEqual([
      {
        row: 2,
        message: 'Row 2: email: duplicate of an earlier row',
        cells: ['K@example.com', 'A again', 'viewer'],
      },
    ]);
    expect(await userRows(env.store)).toEqual([
      { email: 'a2@example.com', name: 'A two', role: 'member' },
      { email: 'b2@example.com', name: 'B two', role: 'member' },
      { email: 'k@example.com', name: 'B', role: 'member' },
    ]);
    expect(await countRows(env.store, 'import_overwritten')).toBe(0);
  });

  it('still updates a key the other import wrote first, and remembers nothing for ended imports', async () => {
    await using env = await importEnv();
    const hold = holdAfter(1);
    const first = env.run('email,name,role\nk@example.com,A,admin\nlate@example.com,A late,admin\n', {
      limits: { batchSize: 1 },
      onBatch: hold.onBatch,
    });
    await hold.reached;
    // B overwrites k (A's, while A runs), then repeats it: B's own repeat is a duplicate, A's row is not B's.
    const second = await env.run('email,name,role\nk@example.com,B,member\nk@example.com,B again,viewer\n', {
      limits: { batchSize: 1 },
    });
    expect(second.counts).toMatchObject({ inserted: 0, updated: 1, failed: 1 });
    expect(second.counts.errors).toEqual(['Row 2: email: duplicate of an earlier row']);
    hold.release();
    expect((await first).counts).toMatchObject({ processed: 2, inserted: 2, updated: 0, failed: 0 });

    // A later import updates k although both earlier imports wrote it: they have ended.
    const third = await env.run('email,name,role\nk@example.com,C,viewer\n');
    expect(third.counts).toMatchObject({ inserted: 0, updated: 1, failed: 0 });
    expect((await userRows(env.store)).find((row) => row.email === 'k@example.com')).toEqual({
      email: 'k@example.com',
      name: 'C',
      role: 'viewer',
    });
    expect(await countRows(env.store, 'import_overwritten')).toBe(0);
  });
});
