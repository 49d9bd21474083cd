import type { Command } from 'commander';
import { registerConfigCommand } from './config-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerEvaluateCommand } from './evaluate-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerStatsCommand } from './stats-command.ts';

/** Every CLI command, one file each. Add a command's register function here. */
export const commandRegistrars: ((program: Command) => void)[] = [registerServeCommand, registerStatsCommand, registerConfigCommand, registerEvaluateCommand, registerDemoCommand, registerImportCommand];
