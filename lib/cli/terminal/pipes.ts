/**
 * `hybrid-lab status | head -1`: when the reader goes away, stop quietly with exit 0 like other
 * Unix tools, instead of an EPIPE stack trace.
 */
export function exitQuietlyOnBrokenPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

/** Whether an error is a write to a closed pipe (reported by a write call rather than the stream). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}
