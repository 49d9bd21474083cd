import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'cartwise.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

/** Starts `cartwise serve` as a real child process on a free port and waits until it prints its URL. */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', CARTWISE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', () => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${err}`)), 60_000);
    const check = () => {
      const m = /serving at (http:\/\/localhost:\d+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${err}`));
    });
  });
  return { child, url, stderr: () => err };
}
