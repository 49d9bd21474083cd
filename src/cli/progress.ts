/**
 * A progress line on stderr (stdout stays clean for `--json`). Redraws at most 10 times a second; on a
 * non-TTY stderr it prints a line every few seconds instead.
 */
export interface Progress {
  update(done: number, extra?: string): void;
  finish(extra?: string): void;
}

export function createProgress(label: string, total?: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = Date.now();
  let last = 0;
  const tty = Boolean(stream.isTTY);
  const render = (done: number, extra = '') => {
    const secs = (Date.now() - start) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    let bar = '';
    if (total && total > 0) {
      const f = Math.min(1, done / total);
      const width = 24;
      bar = `[${'█'.repeat(Math.round(f * width)).padEnd(width, '░')}] ${(f * 100).toFixed(0).padStart(3)}% `;
    }
    return `${label} ${bar}${done.toLocaleString('en-US')}${total ? '/' + total.toLocaleString('en-US') : ''} · ${rate.toLocaleString('en-US')}/s · ${secs.toFixed(1)}s${extra ? ' · ' + extra : ''}`;
  };
  return {
    update(done, extra) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 5000)) return;
      last = now;
      stream.write(tty ? `\r${render(done, extra)}\x1b[K` : render(done, extra) + '\n');
    },
    finish(extra) {
      stream.write(tty ? `\r\x1b[K` : '');
      void extra;
    },
  };
}
