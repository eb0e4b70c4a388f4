export {
  asgd, asgdSchedule, asgdReference, asgdUpdate,
  type ASGDHyper, type ASGDState, type ASGDCapturableState, type ASGDFunctionalOptions,
} from './asgd.js';
export { sgd, sgdUpdate, type SGDHyper, type SGDFunctionalOptions } from './sgd.js';
export { adam, adamCapturableReference, adamCapturableScalars, adamMoments, adamReference, adamScalars, decoupledDecay, type AdamHyper, type AdamState, type AdamFunctionalOptions, type MomentHyper } from './adam.js';
export { runUpdate, type PathOptions } from './common.js';
export { fmaf, lerpf, powf } from './float32.js';
export { adadelta, adadeltaReference, type AdadeltaHyper, type AdadeltaState, type AdadeltaFunctionalOptions } from './adadelta.js';
export { rmsprop, rmspropReference, type RMSpropHyper, type RMSpropState, type RMSpropFunctionalOptions } from './rmsprop.js';
export { adagrad, adagradReference, type AdagradHyper, type AdagradState, type AdagradFunctionalOptions } from './adagrad.js';
export { adamax, adamaxCapturableReference, adamaxCapturableScale, adamaxReference, type AdamaxHyper, type AdamaxState, type AdamaxFunctionalOptions } from './adamax.js';
export { nadam, nadamCapturableReference, nadamCapturableScalars, nadamReference, nadamScalars, type NAdamHyper, type NAdamState, type NAdamFunctionalOptions } from './nadam.js';
export { radam, radamCapturableReference, radamCapturableScalars, radamReference, radamScalars, type RAdamHyper, type RAdamState, type RAdamFunctionalOptions } from './radam.js';
export { rprop, rpropReference, type RpropHyper, type RpropState, type RpropFunctionalOptions } from './rprop.js';
