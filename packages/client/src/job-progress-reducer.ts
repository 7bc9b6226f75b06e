import {
  isTerminalStatus,
  type JobStreamEvent,
  type UploadFailure,
  type UploadProgress,
  type UploadResult,
  UploadStatus,
} from '@jobstream/contracts';
import { compareEventIds } from './event-id';
import { mergeErrors } from './merge-errors';
import { addRateSample, EMPTY_RATE, type RateEstimate } from './rate-estimator';

/** The contract's progress fields as last reported: the template is undefined until the first event. */
type LatestProgress = { [K in 'templateName' | 'processed' | 'total']: UploadProgress[K] | undefined } & Pick<
  UploadProgress,
  'progress' | 'message'
>;

/** Everything known about one job, accumulated from its event stream. */
export interface JobProgressState extends LatestProgress {
  jobId: string | undefined;
  /** Any `UploadStatus`, terminal ones included; undefined until the first event (the snapshot) arrives. */
  status: UploadStatus | undefined;
  /** Row errors so far, without duplicates, in arrival order. */
  errors: readonly string[];
  result: UploadResult | undefined;
  failure: UploadFailure | undefined;
  /** Id of the newest event applied: the resume point. */
  lastEventId: string | undefined;
  /** True once the stream had to replace missed events by a snapshot. */
  missed: boolean;
  rate: RateEstimate;
}

/** What the reducer accepts: a tracked event as received, or a switch to another job. */
export type JobProgressAction =
  | { type: 'event'; id: string; event: JobStreamEvent; receivedAt: number }
  | { type: 'reset'; jobId: string | undefined };

/** The state of a job nothing is known about yet. */
export function initialJobProgress(jobId: string | undefined): JobProgressState {
  return {
    jobId,
    status: undefined,
    templateName: undefined,
    progress: 0,
    message: '',
    processed: undefined,
    total: undefined,
    errors: [],
    result: undefined,
    failure: undefined,
    lastEventId: undefined,
    missed: false,
    rate: EMPTY_RATE,
  };
}

/** True once the job completed or failed. */
export function isFinished(state: JobProgressState): boolean {
  return state.status !== undefined && isTerminalStatus(state.status);
}

function isReplay(state: JobProgressState, id: string, event: JobStreamEvent): boolean {
  if (event.snapshot || state.lastEventId === undefined) return false;
  const order = compareEventIds(id, state.lastEventId);
  return order === undefined ? id === state.lastEventId : order <= 0;
}

function applyEvent(state: JobProgressState, id: string, event: JobStreamEvent, receivedAt: number): JobProgressState {
  const base = { ...state, lastEventId: id, missed: state.missed || event.missed === true };
  switch (event.event) {
    case 'upload-progress': {
      const { payload } = event;
      return {
        ...base,
        status: payload.status,
        templateName: payload.templateName,
        progress: payload.progress,
        message: payload.message,
        processed: payload.processed,
        total: payload.total,
        errors: mergeErrors(state.errors, payload.errors),
        rate: payload.processed === undefined ? state.rate : addRateSample(state.rate, payload.processed, receivedAt),
      };
    }
    case 'upload-completed': {
      const { payload } = event;
      return {
        ...base,
        status: UploadStatus.COMPLETED,
        templateName: payload.templateName,
        progress: 100,
        processed: payload.processed,
        total: payload.total,
        errors: mergeErrors(state.errors, payload.errors),
        result: payload,
      };
    }
    case 'upload-error': {
      const { payload } = event;
      return {
        ...base,
        status: UploadStatus.FAILED,
        templateName: payload.templateName,
        message: payload.message,
        errors: mergeErrors(state.errors, payload.errors),
        failure: payload,
      };
    }
  }
}

/**
 * Pure accumulation of a job's stream: a snapshot sets the current state, each progress event replaces the
 * previous one, row errors accumulate without duplicates, replayed events are ignored, and a terminal state is final.
 */
export function jobProgressReducer(state: JobProgressState, action: JobProgressAction): JobProgressState {
  if (action.type === 'reset') return action.jobId === state.jobId ? state : initialJobProgress(action.jobId);
  const { id, event, receivedAt } = action;
  if (event.payload.jobId !== state.jobId && state.jobId !== undefined) return state;
  if (isFinished(state) || isReplay(state, id, event)) return state;
  return applyEvent(state, id, event, receivedAt);
}
