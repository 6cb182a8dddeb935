import type { Command } from 'commander';
import { registerValidate } from './validate.ts';

/** Every CLI command registers itself on the program; add new ones here. */
export const commands: Array<(program: Command) => void> = [registerValidate];
