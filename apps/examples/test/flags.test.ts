import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../src/mnist/flags.js';

describe('mnist flags', () => {
  it('parses every flag', () => {
    expect(parseFlags(['--model', 'cnn', '--optimizer', 'sgd', '--epochs', '3', '--batch-size', '32', '--lr', '0.1', '--lambd', '0.001', '--alpha', '0.5', '--t0', '100', '--weight-decay', '0.01', '--seed', '4'])).toEqual({
      help: false,
      options: { model: 'cnn', optimizer: 'sgd', epochs: 3, batchSize: 32, lr: 0.1, lambd: 0.001, alpha: 0.5, t0: 100, weightDecay: 0.01, seed: 4 },
    });
    expect(parseFlags([])).toEqual({ help: false, options: {} });
    expect(parseFlags(['--out', 'runs/a', '--resume'])).toEqual({ help: false, options: { out: 'runs/a', resume: true } });
    expect(parseFlags(['--help'])).toEqual({ help: true });
  });

  it('reads decimal notation: a sign, a point, an exponent', () => {
    const lr = (v: string): unknown => parseFlags(['--lr', v]);
    for (const [text, want] of [['5', 5], ['0.5', 0.5], ['.5', 0.5], ['5.', 5], ['+2', 2], ['1e-3', 1e-3], ['2.5E+1', 25], ['007', 7]] as const) {
      expect(lr(text), text).toEqual({ help: false, options: { lr: want } });
    }
    expect(parseFlags(['--epochs', '1e1'])).toEqual({ help: false, options: { epochs: 10 } });
  });

  const bad: [string[], string][] = [
    [['--bogus'], 'unknown flag --bogus (see --help)'],
    [['--lr'], 'flag --lr needs a value (see --help)'],
    [['--lr', '-1'], "flag --lr got a value that starts with '-': write --lr=VALUE"],
    [['--lr=-1'], "--lr must be a number >= 0, got '-1'"],
    [['--lr', 'fast'], "--lr must be a number >= 0, got 'fast'"],
    [['--epochs', '2.5'], "--epochs must be an integer >= 1, got '2.5'"],
    [['--epochs', '0'], "--epochs must be an integer >= 1, got '0'"],
    [['--batch-size', ''], "--batch-size must be an integer >= 1, got ''"],
    // Number() reads all of these as numbers; a flag takes decimal notation only.
    [['--lr', '0x10'], "--lr must be a number >= 0 in decimal notation, got '0x10'"],
    [['--lr', '0o17'], "--lr must be a number >= 0 in decimal notation, got '0o17'"],
    [['--lr', '0b11'], "--lr must be a number >= 0 in decimal notation, got '0b11'"],
    [['--epochs', '0x2'], "--epochs must be an integer >= 1 in decimal notation, got '0x2'"],
    [['--lr', ' 0.5'], "--lr must be a number >= 0 in decimal notation, got ' 0.5'"],
    [['--lr', '0.5\n'], "--lr must be a number >= 0 in decimal notation, got '0.5\\n'"], // one line
    [['--lr', ' '], "--lr must be a number >= 0, got ' '"],
    [['--lr='], "--lr must be a number >= 0, got ''"],
    [['--lr', 'Infinity'], "--lr must be a number >= 0, got 'Infinity'"],
    [['--lr', '1_000'], "--lr must be a number >= 0, got '1_000'"],
    [['--lr', '1e400'], "--lr must be a number >= 0, got '1e400'"],
    [['--model', 'rnn'], "--model must be mlp or cnn, got 'rnn'"],
    [['--optimizer', 'adam'], "--optimizer must be asgd or sgd, got 'adam'"],
    [['--resume'], '--resume needs --out DIR (the run to continue)'],
    [['--out', ''], "--out must name a directory, got ''"],
    [['extra'], "Unexpected argument 'extra'. This command does not take positional arguments (see --help)"],
  ];
  it.each(bad)('refuses %j with one line naming the flag and the value', (argv, error) => {
    expect(parseFlags(argv)).toEqual({ error });
  });

  it('the command exits with status 2 and prints one line on stderr', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [run, 'mnist', '--epochs', 'x'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("mnist: --epochs must be an integer >= 1, got 'x'");
    expect(r.stdout).toBe('');
  });
});
