import { getBackend, kernels, setBackend, type Backend, type Kernels } from '@tensile/tensor';

/** The kernel set of backend `name`, leaving the active backend as it was. */
export function kernelSet(name: Backend): Kernels {
  const initial = getBackend() as Backend;
  setBackend(name);
  const k = kernels();
  setBackend(initial);
  return k;
}
