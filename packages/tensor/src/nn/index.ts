/**
 * Layers, containers and losses with PyTorch's `torch.nn` semantics, exported as `nn`.
 *
 * @example
 * ```ts
 * import { nn, randn, tensor } from '@tensile/tensor';
 * const model = new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Linear(10, 4));
 * const loss = new nn.CrossEntropyLoss().call(model.call(randn([2, 6])), tensor([0, 3]));
 * loss.backward();
 * ```
 */
export { Module, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export {
  Linear, Conv2d, MaxPool2d, ReLU, Tanh, Sigmoid, GELU, Dropout, Flatten, Sequential,
  type InitOptions, type LinearOptions, type Conv2dOptions,
} from './layers.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, BCEWithLogitsLoss } from './loss.js';
