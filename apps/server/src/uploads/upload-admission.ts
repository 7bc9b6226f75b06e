import { AddressLimiter } from '../address-limiter';
import { UploadError } from './upload-error';

/** Limits on uploads that apply across sessions: bodies being received per client address, and the spool's size. */
export interface UploadAdmissionLimits {
  /** Upload bodies one client address may be sending at once (429 above). */
  maxPerAddress: number;
  /** Bytes all spooled uploads may take on disk, from the first byte received until their import ends (507 above). */
  maxSpoolBytes: number;
}

/** One admitted upload: charges the bytes it spools and gives everything back when released. */
export interface AdmittedUpload {
  /** Charges `bytes` more of the spool; throws a 507 `UploadError` when the spool has no room for them. */
  charge(bytes: number): void;
  /** Ends the body's slot for its address (its bytes stay charged until `release`). */
  received(): void;
  /** Gives back the address slot (if still held) and every byte charged: the spooled file is gone. */
  release(): void;
}

/** Admits upload bodies within the per-address and spool limits. */
export class UploadAdmission {
  private readonly addresses: AddressLimiter;
  private spooled = 0;
  private bodies = 0;

  constructor(private readonly limits: UploadAdmissionLimits) {
    this.addresses = new AddressLimiter(limits.maxPerAddress);
  }

  /** Bytes charged to the spool now. */
  get spooledBytes(): number {
    return this.spooled;
  }

  /** Upload bodies admitted and still being received. */
  get receiving(): number {
    return this.bodies;
  }

  /** Admits one more body from `address`; throws a 429 `UploadError` when it already sends as many as allowed. */
  admit(address: string): AdmittedUpload {
    if (!this.addresses.acquire(address)) {
      throw new UploadError(429, `At most ${this.limits.maxPerAddress} uploads at once per client address`);
    }
    this.bodies++;
    let receiving = true;
    let charged = 0;
    const received = () => {
      if (!receiving) return;
      receiving = false;
      this.bodies--;
      this.addresses.release(address);
    };
    return {
      charge: (bytes) => {
        if (this.spooled + bytes > this.limits.maxSpoolBytes) {
          throw new UploadError(507, 'The server has no room for more uploads right now: try again later');
        }
        this.spooled += bytes;
        charged += bytes;
      },
      received,
      release: () => {
        received();
        this.spooled -= charged;
        charged = 0;
      },
    };
  }
}
