export { asgdSchedule, asgdUpdate, asgdFused, asgdForLoop, asgdCapturable, asgdDifferentiable, type ASGDHyper, type ASGDScalars, type ASGDSlot, type ASGDTensorScalars } from './asgd.js';
export { sgdUpdate, type SGDHyper } from './sgd.js';
