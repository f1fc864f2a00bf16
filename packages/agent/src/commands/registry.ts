import { ask } from './ask';
import type { CommandHandler } from './context';
import { exportData } from './export';
import { help } from './help';
import { forget, history } from './history';
import { link, unlink } from './link';
import { localOnly } from './local';
import { memories } from './memories';
import { memory } from './memory-team';
import { model, models } from './models';
import { remember } from './remember';
import { schedule, schedules, unschedule } from './schedule';
import { cancel, status, task, tasks } from './tasks';
import { usage } from './usage';

/** Every command the agent answers, by name. */
export const COMMAND_HANDLERS: Readonly<Record<string, CommandHandler>> = {
  ask,
  help,
  models,
  model,
  status,
  tasks,
  task,
  cancel,
  schedule,
  schedules,
  unschedule,
  history,
  forget,
  usage,
  local: localOnly,
  remember,
  memories,
  memory,
  link,
  unlink,
  export: exportData,
};
