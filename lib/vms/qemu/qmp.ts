import { createConnection } from 'node:net';

/**
 * Sends one QMP command to QEMU's monitor socket (greeting, qmp_capabilities, command) and
 * returns its `return` value. Rejects on error replies, a closed socket or after timeoutMs.
 */
export function qmpCommand(socketPath: string, command: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    let stage: 'greeting' | 'capabilities' | 'command' = 'greeting';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`QMP ${command} on ${socketPath}: no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => { clearTimeout(timer); fail(error); });
    socket.on('close', () => { clearTimeout(timer); if (stage !== 'command') reject(new Error(`QMP ${command}: socket closed`)); else resolve(undefined); });
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline)) as { QMP?: unknown; return?: unknown; error?: { desc: string }; event?: string };
        buffer = buffer.slice(newline + 1);
        if (message.event) continue;
        if (message.error) { clearTimeout(timer); fail(new Error(`QMP ${command}: ${message.error.desc}`)); return; }
        if (stage === 'greeting') { stage = 'capabilities'; socket.write('{"execute":"qmp_capabilities"}\n'); continue; }
        if (stage === 'capabilities') { stage = 'command'; socket.write(`${JSON.stringify({ execute: command })}\n`); continue; }
        clearTimeout(timer);
        socket.end();
        resolve(message.return);
        return;
      }
    });
  });
}
