import { spawn } from 'node:child_process';
import { HybridLabError } from '../common/errors.ts';
import type { LabNode } from '../nodes/node.ts';

/** The program and arguments that run argv in a node with this process's stdin, stdout and stderr attached. */
function attachedCommand(node: LabNode, argv: readonly string[]): [string, string[]] {
  if (node.kind === 'host') return [argv[0], argv.slice(1)];
  const container = (node as Partial<{ containerName: string }>).containerName;
  if (node.kind === 'container' && container) return ['docker', ['exec', '-i', container, ...argv]];
  throw new HybridLabError(`exec -i: node "${node.name}" is a ${node.kind}, whose exec channel has no stdin yet. Fix: pass the input as an argument, e.g. exec ${node.name} -- sh -c '...'`);
}

/**
 * `exec -i`: runs argv in the node with stdin, stdout and stderr passed straight through (a
 * stream, not a buffer), like `docker exec -i`. Returns the command's exit code (124 on --timeout).
 */
export function execWithStdin(node: LabNode, argv: readonly string[], timeoutMs?: number): Promise<number> {
  const [command, args] = attachedCommand(node, argv);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    let timedOut = false;
    const timer = timeoutMs ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs) : undefined;
    child.on('error', (error) => reject(new HybridLabError(`exec -i: cannot start ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(timedOut ? 124 : (code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    });
  });
}
