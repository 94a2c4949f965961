// The core's utility-process entry in a child process (utility-child.ts), driven as Electron's main
// process would: calls, events, the keychain answered by the test, and the shutdown message.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface CoreMessage {
  type: string;
  id?: number;
  event?: string;
  payload?: unknown;
  result?: unknown;
  op?: string;
  text?: string;
  message?: string;
}

export interface UtilityCore {
  child: ChildProcess;
  /** Everything the core sent, in order. */
  messages: CoreMessage[];
  exited: Promise<number | null>;
  call(name: string, request?: unknown): Promise<unknown>;
  /** Resolves with the first message the predicate accepts (already received or to come). */
  until(predicate: (m: CoreMessage) => boolean, what: string, timeoutMs?: number): Promise<CoreMessage>;
  stderr(): string;
  /** What the core printed (its start-up notes). */
  stdout(): string;
}

export function startUtilityCore(flags: string[], answerKeychain?: (m: CoreMessage) => Record<string, unknown>): UtilityCore {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'utility-child.ts'), ...flags], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  child.stdout!.on('data', (d) => (stdout += String(d)));
  const messages: CoreMessage[] = [];
  const watchers = new Set<() => void>();
  child.on('message', (raw) => {
    const m = raw as CoreMessage;
    messages.push(m);
    if (m.type === 'keychain' && answerKeychain) child.send({ type: 'keychain-reply', id: m.id, ...answerKeychain(m) });
    for (const w of watchers) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = (predicate: (m: CoreMessage) => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<CoreMessage>((resolve, reject) => {
      const check = () => {
        const found = messages.find(predicate);
        if (!found) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`the core sent no ${what}\n${stderr}`));
      }, timeoutMs);
      watchers.add(check);
      check();
    });
  let nextId = 1;
  return {
    child,
    messages,
    exited,
    until,
    stderr: () => stderr,
    stdout: () => stdout,
    async call(name, request = {}) {
      const id = nextId++;
      child.send({ type: 'call', id, name, request });
      return (await until((m) => m.type === 'reply' && m.id === id, `reply to ${name}`)).result;
    },
  };
}
