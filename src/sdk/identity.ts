import type { KeyValueStorage } from './types.ts';

/**
 * The shopper's identity as the SDK sees it: an anonymous id (created on first use), a known user id after
 * `identify`, and a session id that rolls over after inactivity. While `persist` is false (no consent) nothing
 * is written to storage and the ids live only in memory.
 */
export class Identity {
  private anonymousId: string | undefined;
  private knownUserId: string | undefined;
  private session: { id: string; lastMs: number } | undefined;
  private persist = false;

  constructor(
    private readonly storage: KeyValueStorage | undefined,
    private readonly prefix: string,
    private readonly newId: () => string,
    private readonly sessionTimeoutMs: number,
  ) {}

  /** Starts (or stops) using storage. Starting loads what an earlier page stored; stopping erases it. */
  setPersistent(persist: boolean): void {
    if (persist === this.persist) return;
    this.persist = persist;
    if (persist) {
      this.anonymousId = this.read('anon') ?? this.anonymousId;
      this.knownUserId = this.knownUserId ?? this.read('uid'); // an identify() before consent wins
      const s = this.read('session');
      if (s) {
        try {
          const parsed = JSON.parse(s) as { id?: unknown; lastMs?: unknown };
          if (typeof parsed.id === 'string' && typeof parsed.lastMs === 'number') this.session = { id: parsed.id, lastMs: parsed.lastMs };
        } catch {
          // a corrupt entry starts a new session
        }
      }
      this.save();
    } else {
      for (const key of ['anon', 'uid', 'session']) this.remove(key);
      this.anonymousId = undefined;
      this.session = undefined;
    }
  }

  /** The id events are sent under: the known user id after `identify`, else the anonymous id. */
  userId(): string {
    return this.knownUserId ?? this.anonymous();
  }

  anonymous(): string {
    if (this.anonymousId === undefined) {
      this.anonymousId = 'anon-' + this.newId();
      this.save();
    }
    return this.anonymousId;
  }

  known(): string | undefined {
    return this.knownUserId;
  }

  /** Sets the known user id; returns false when it was already the current one. */
  identify(userId: string): boolean {
    if (this.knownUserId === userId) return false;
    this.knownUserId = userId;
    this.save();
    return true;
  }

  /** Forgets the known user (log-out): a fresh anonymous id and session follow. */
  reset(): void {
    this.knownUserId = undefined;
    this.anonymousId = undefined;
    this.session = undefined;
    this.remove('uid');
    this.remove('anon');
    this.remove('session');
  }

  /** The current session id at `nowMs`, starting a new one after `sessionTimeoutMs` of inactivity. */
  sessionId(nowMs: number): string {
    if (this.session === undefined || nowMs - this.session.lastMs > this.sessionTimeoutMs) {
      this.session = { id: 's-' + this.newId(), lastMs: nowMs };
    } else {
      this.session.lastMs = Math.max(this.session.lastMs, nowMs);
    }
    this.save();
    return this.session.id;
  }

  private save(): void {
    if (!this.persist) return;
    if (this.anonymousId !== undefined) this.write('anon', this.anonymousId);
    if (this.knownUserId !== undefined) this.write('uid', this.knownUserId);
    if (this.session !== undefined) this.write('session', JSON.stringify(this.session));
  }

  private read(key: string): string | undefined {
    try {
      return this.storage?.getItem(this.prefix + key) ?? undefined;
    } catch {
      return undefined; // storage can throw (disabled cookies, private mode): fall back to memory
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(this.prefix + key, value);
    } catch {
      // quota or disabled storage: the ids stay in memory for this page
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(this.prefix + key);
    } catch {
      // nothing to erase
    }
  }
}
