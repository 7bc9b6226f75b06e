import { type ApiServices, type Caller, createApiContext, ProgressStream } from '@jobstream/api';
import {
  UPLOAD_GATEWAY_NAMESPACE,
  UploadRoomInputSchema,
  UploadStatus,
  uploadRoom,
  WebSocketEvents,
} from '@jobstream/contracts';
import type { DeliveredEvent, JobSubscription, SubscriptionSink } from '@jobstream/progress';
import { getTRPCErrorFromUnknown, type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import type { Socket } from 'socket.io';
import type { ProcedureError } from '../ws/ws-transport';
import { eventPacket } from './event-packet';
import type { SocketIoConnectionHandle } from './socketio-connection-handle';

/** Why a join or leave did nothing, as the client may read it. */
export interface Refusal {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
}

/** What a join or leave acknowledges: the room, or why nothing was done. */
export type RoomReply = { ok: true; room: string } | { ok: false; error: Refusal };

/** A Socket.IO acknowledgement callback, when the client asked for one. */
export type Ack = (reply: RoomReply) => void;

/** The `upload-error` a join without an acknowledgement is refused with: the gateway's failure shape, with the reason. */
export interface JoinRefusal {
  jobId: string | null;
  status: typeof UploadStatus.FAILED;
  message: string;
}

/** The job id of a join's payload, validated; BAD_REQUEST in tRPC's words otherwise. */
function jobIdOf(data: unknown): string {
  const parsed = UploadRoomInputSchema.safeParse(data);
  if (parsed.success) return parsed.data.jobId;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw new TRPCError({ code: 'BAD_REQUEST', message: `Invalid input (${issues.join('; ')})`, cause: parsed.error });
}

/**
 * The `upload-error` that answers a join without an acknowledgement that joined nothing: the reason in the
 * failure's `message` (`No job <jobId>` for a job the caller may not see, as for a missing one).
 */
function refusedJoin(data: unknown, refusal: Refusal): JoinRefusal {
  const jobId = (data as { jobId?: unknown } | null | undefined)?.jobId;
  return { jobId: typeof jobId === 'string' ? jobId : null, status: UploadStatus.FAILED, message: refusal.message };
}

/** One socket in one job's room: the sink its subscription sends into. */
class RoomMember implements SubscriptionSink {
  subscription: JobSubscription | undefined;
  /** Left the room (leave, disconnect): nothing more is sent, and a subscription still opening is closed once open. */
  left = false;

  constructor(
    private readonly rooms: UploadRooms,
    readonly room: string,
  ) {}

  writable(): Promise<void> | undefined {
    return this.left ? undefined : this.rooms.handle.writable();
  }

  send(event: DeliveredEvent): void {
    if (this.left) return;
    this.rooms.handle.send(eventPacket(UPLOAD_GATEWAY_NAMESPACE, event));
    this.rooms.handle.sent(event);
  }

  end(): void {
    this.rooms.ended(this);
  }

  leave(): void {
    this.left = true;
    this.subscription?.close();
  }
}

/**
 * One socket's job rooms on the compatibility path: `join-upload-room` starts a `JobSubscription` through the same
 * `ProgressStream.open` as tRPC's subscription (the access check, the connection's subscription slots, the
 * delivery rules), `leave-upload-room` and disconnect close it. A room is the socket's subscription to a job,
 * named as the gateway named it (`upload:<jobId>`); it is not a Socket.IO adapter room, so events reach it only
 * through the event log. A join of a room the socket is already in changes nothing, as in Socket.IO.
 */
export class UploadRooms {
  /**
   * The rooms it is in, at most the connection's subscription slots: an array, searched by name, because most
   * sockets are in one room, and a Map costs about 130 bytes more per socket.
   */
  private members: RoomMember[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly services: ApiServices,
    private readonly caller: Caller,
    readonly handle: SocketIoConnectionHandle,
    private readonly onError: (error: ProcedureError) => void,
  ) {}

  /** Joins a job's room: the job's current state arrives at once, then every event, ending with the terminal one. */
  async join(data: unknown, ack: Ack | undefined): Promise<void> {
    let member: RoomMember | undefined;
    try {
      const jobId = jobIdOf(data);
      const room = uploadRoom(jobId);
      if (this.memberOf(room)) {
        ack?.({ ok: true, room });
        return;
      }
      member = new RoomMember(this, room);
      // `concat` makes an array of exactly its members; a `push` (or a spread) would reserve room for 17, 152 bytes.
      this.members = this.members.concat(member);
      // The context lives for the join only: a subscription keeps what it needs of it.
      const ctx = createApiContext(this.services, { caller: this.caller, connection: this.handle });
      const subscription = await new ProgressStream(ctx, { jobId }).open(member);
      member.subscription = subscription;
      // Left while the subscription opened (a leave, or the socket went): it ends now.
      if (member.left) subscription.close();
      ack?.({ ok: true, room });
    } catch (cause) {
      if (member) this.ended(member);
      const error = this.refusal(cause);
      if (ack) ack({ ok: false, error });
      else this.socket.emit(WebSocketEvents.UPLOAD_ERROR, refusedJoin(data, error));
    }
  }

  /** Leaves a job's room: its events stop at once. Leaving a room the socket is not in is not an error. */
  leave(data: unknown, ack: Ack | undefined): void {
    let room: string;
    try {
      room = uploadRoom(jobIdOf(data));
    } catch (cause) {
      ack?.({ ok: false, error: this.refusal(cause) });
      return;
    }
    const member = this.memberOf(room);
    if (member) {
      this.remove(member);
      member.leave();
    }
    ack?.({ ok: true, room });
  }

  /** Leaves every room: the socket disconnected. */
  leaveAll(): void {
    for (const member of this.members.splice(0)) member.leave();
  }

  /** A member's subscription is over (its terminal event sent, or it never opened): the socket is no longer in the room. */
  ended(member: RoomMember): void {
    this.remove(member);
  }

  private memberOf(room: string): RoomMember | undefined {
    return this.members.find((member) => member.room === room);
  }

  private remove(member: RoomMember): void {
    const index = this.members.indexOf(member);
    if (index !== -1) this.members.splice(index, 1);
  }

  /** The error as the client may read it (internal errors in fixed words), reported for the log like any procedure's. */
  private refusal(cause: unknown): Refusal {
    const error = getTRPCErrorFromUnknown(cause);
    this.onError({ error, path: WebSocketEvents.JOIN_UPLOAD_ROOM, req: this.socket.request });
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return { code: error.code, message: internal ? 'Internal server error' : error.message };
  }
}
