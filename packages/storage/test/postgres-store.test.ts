import { inject } from 'vitest';
import { PostgresStore } from '../src/index';
import { createSchema } from '../src/testing/index';
import { describeStore } from './store.contract';

describeStore('PostgreSQL', async () => {
  const schema = await createSchema(inject('postgresUrl'));
  const clock = { now: Date.now() };
  const store = await PostgresStore.open({ url: schema.url, now: () => clock.now });
  return {
    store,
    clock,
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await schema.drop();
    },
  };
});
