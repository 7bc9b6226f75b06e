import type { AppRouter } from '@jobstream/api';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

/** A job as stored, from `upload.get` and `upload.list`. */
export type StoredJob = Outputs['upload']['get'];

/** An import template as `upload.templates` lists it. */
export type Template = Outputs['upload']['templates'][number];
