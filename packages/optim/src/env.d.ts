// The one host API the optimizers use: present in every JavaScript runtime, but declared by
// neither the ES library nor (deliberately) by Node's or the DOM's types here.
declare const console: { warn(message: string): void };
