import type { AppRouter } from '@jobstream/api';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

/** An import template as `upload.templates` lists it. */
export type Template = Outputs['upload']['templates'][number];

/** A job as stored, from `upload.get` and `upload.list`. */
export type StoredJob = Outputs['upload']['get'];

/** The limits an upload is held to, from `upload.limits` (null when the server states none). */
export type UploadLimits = NonNullable<Outputs['upload']['limits']>;
