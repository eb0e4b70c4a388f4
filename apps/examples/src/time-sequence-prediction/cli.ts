import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`time-sequence-prediction: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
main(flags.args);
