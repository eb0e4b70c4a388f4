export {
  asgd, asgdSchedule, asgdReference, asgdUpdate,
  type ASGDHyper, type ASGDState, type ASGDCapturableState, type ASGDFunctionalOptions,
} from './asgd.js';
export { sgd, sgdUpdate, type SGDHyper, type SGDFunctionalOptions } from './sgd.js';
