'use strict';
// js-pytorch requires this package lazily, only when a tensor lives on device 'gpu'.
class GPU {
  constructor() {
    throw new Error("@eduardoleao052/gpu is stubbed in tensile's benchmark (no native binaries at install); use device 'cpu'");
  }
}
module.exports = { GPU };
