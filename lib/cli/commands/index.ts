import type { Command } from 'commander';
import { registerDoctor, registerSetup } from './host-commands.ts';
import { registerDown, registerExec, registerLogs, registerStatus, registerUp } from './lab-commands.ts';
import { registerBox } from './box.ts';
import { registerImage } from './image.ts';
import { registerDebug } from './debug.ts';
import { registerMonitor } from './monitor.ts';
import { registerReport } from './report.ts';
import { registerBench, registerTest } from './test.ts';
import { registerValidate } from './validate.ts';

/** Every CLI command registers itself on the program; add new ones here. */
export const commands: Array<(program: Command) => void> = [
  registerUp,
  registerDown,
  registerStatus,
  registerExec,
  registerLogs,
  registerTest,
  registerBench,
  registerValidate,
  registerDoctor,
  registerSetup,
  registerReport,
  registerBox,
  registerImage,
  registerDebug,
  registerMonitor,
];
