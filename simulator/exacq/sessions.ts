/** Login sessions of the exacq web service: UUID ids (as in the seed's sample), forgotten after idling. */
import { randomUUID } from 'node:crypto';

export class SessionStore {
  private readonly lastUsed = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly idleMs: () => number,
  ) {}

  create(): string {
    const id = randomUUID();
    this.lastUsed.set(id, this.now());
    return id;
  }

  /** True and refreshes the idle timer when the session is live; forgets it when it has idled out. */
  touch(id: string | undefined): boolean {
    if (!id) return false;
    const last = this.lastUsed.get(id);
    if (last === undefined) return false;
    const now = this.now();
    if (now - last > this.idleMs()) {
      this.lastUsed.delete(id);
      return false;
    }
    this.lastUsed.set(id, now);
    return true;
  }

  /** Like touch() but without refreshing: for housekeeping that must not keep sessions alive. */
  isLive(id: string): boolean {
    const last = this.lastUsed.get(id);
    return last !== undefined && this.now() - last <= this.idleMs();
  }

  delete(id: string): boolean {
    return this.lastUsed.delete(id);
  }

  clear(): void {
    this.lastUsed.clear();
  }

  get size(): number {
    return this.lastUsed.size;
  }
}
