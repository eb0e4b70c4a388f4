// Hook handles are shared with tensors' and modules' hooks (PyTorch's one
// `torch.utils.hooks.RemovableHandle`, one id counter): they live in @tensile/tensor.
export { RemovableHandle, addHook } from '@tensile/tensor';
