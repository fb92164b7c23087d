import type { Logger } from 'pino';
import type { ComponentHealth, StopOutcome } from './component.js';

/** A listener whose TLS files can be read again. */
export interface Reloadable {
  name: string;
  /** Throws (ConfigError) when the new files are unusable; the listener then keeps its old ones. */
  reloadCertificates(): void;
}

/**
 * SIGHUP reloads every listener's TLS certificate and key (systemd `ExecReload=kill -HUP $MAINPID`):
 * new connections get the new ones, open connections and the WAL are untouched. Without this
 * handler Node would end the process on SIGHUP.
 */
export class CertificateReloader {
  readonly name = 'certificates';
  private reloads = 0;
  private lastError: string | undefined;
  private readonly onHangup = () => this.reload();

  constructor(private readonly deps: { targets: () => readonly Reloadable[]; log: Logger }) {}

  start(): void {
    process.on('SIGHUP', this.onHangup);
  }

  async stop(): Promise<StopOutcome> {
    process.off('SIGHUP', this.onHangup);
    return 'clean';
  }

  /** Reloads each target; one that fails keeps its old certificate and is logged, the others go on. */
  reload(): void {
    const failed: string[] = [];
    for (const t of this.deps.targets()) {
      try {
        t.reloadCertificates();
      } catch (err) {
        failed.push(t.name);
        this.lastError = (err as Error).message;
        this.deps.log.error({ err, listener: t.name }, 'certificate reload failed; the listener keeps its old certificate');
      }
    }
    this.reloads++;
    if (failed.length === 0) {
      this.lastError = undefined;
      this.deps.log.info({ listeners: this.deps.targets().map((t) => t.name) }, 'certificates reloaded');
    }
  }

  health(): ComponentHealth {
    return { reloads: this.reloads, ...(this.lastError ? { lastReloadError: this.lastError } : {}) };
  }
}
