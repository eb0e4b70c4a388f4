import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`word-language-model: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
try {
  main(flags.args);
} catch (e) {
  // A bad flag combination (--tied with nhid != emsize, an odd --emsize for the Transformer): one line, status 2.
  if (e instanceof RangeError) {
    console.error(`word-language-model: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
