import type { Command } from 'commander';
import { registerFunnelCommand } from './funnel-command.ts';
import { registerRetentionCommand } from './retention-command.ts';
import { registerKpisCommand } from './kpis-command.ts';
import { registerSegmentsCommand } from './segments-command.ts';
import { registerProfileCommand } from './profile-command.ts';
import { registerReviewsCommand } from './reviews-command.ts';
import { registerPathsCommand } from './paths-command.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerEvaluateCommand } from './evaluate-command.ts';
import { registerSearchCommand } from './search-command.ts';
import { registerSearchEvalCommand } from './search-eval-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerStatsCommand } from './stats-command.ts';
import { registerTrainCommand } from './train-command.ts';
import { registerRecommendCommand } from './recommend-command.ts';
import { registerSimilarCommand } from './similar-command.ts';
import { registerSynonymsCommand } from './synonyms-command.ts';
import { registerSearchReportCommand } from './search-report-command.ts';

/** Every CLI command, one file each. Add a command's register function here. */
export const commandRegistrars: ((program: Command) => void)[] = [registerServeCommand, registerStatsCommand, registerConfigCommand, registerEvaluateCommand, registerDemoCommand, registerSearchCommand, registerSynonymsCommand, registerSearchReportCommand, registerSearchEvalCommand, registerImportCommand, registerFunnelCommand, registerRetentionCommand, registerKpisCommand, registerSegmentsCommand, registerProfileCommand, registerReviewsCommand, registerPathsCommand, registerTrainCommand, registerRecommendCommand, registerSimilarCommand];
