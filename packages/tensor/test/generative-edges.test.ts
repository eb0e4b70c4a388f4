import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * The edges of issue 24's layers that a mutation run found untested: every argument check of
 * the transposed convolutions, padding and interpolation (functions and layers), and the
 * transposed convolution's backward when only one of input and weight needs a gradient (checked
 * against the PyTorch gradients of test/fixtures/generative.json). Values come from the fixture;
 * the messages are ours (PyTorch's wording where it has one).
 */
const { F, nn } = T;

type ErrorRow = [name: string, fn: () => unknown, type: new (...a: never[]) => Error, message: string];
const x4 = T.randn([1, 4, 5, 5]), x3 = T.randn([1, 4, 5]);
const w4 = T.randn([4, 2, 3, 3]), w3 = T.randn([4, 2, 3]);

const ERRORS: ErrorRow[] = [
  // F.convTranspose2d / F.convTranspose1d
  ['convTranspose2d weight 3-d', () => F.convTranspose2d(x4, w3), T.ShapeError, 'convTranspose2d: weight must be 4-d [Cin,Cout/groups,kh,kw], got shape [4,2,3]'],
  ['convTranspose1d weight 4-d', () => F.convTranspose1d(x3, w4), T.ShapeError, 'convTranspose1d: weight must be 3-d [Cin,Cout/groups,k], got shape [4,2,3,3]'],
  ['convTranspose2d input 5-d', () => F.convTranspose2d(T.randn([1, 1, 4, 5, 5]), w4), T.ShapeError, 'convTranspose2d: expected a 3-d (unbatched) or 4-d (batched) input, got [1,1,4,5,5]'],
  ['convTranspose2d input 2-d', () => F.convTranspose2d(T.randn([4, 5]), w4), T.ShapeError, 'convTranspose2d: expected a 3-d (unbatched) or 4-d (batched) input, got [4,5]'],
  ['convTranspose2d in channels not divisible by groups', () => F.convTranspose2d(x4, w4, null, { groups: 3 }), RangeError, 'convTranspose2d: in channels 4 (weight [4,2,3,3]) must be divisible by groups 3'],
  ['convTranspose2d groups 1.5', () => F.convTranspose2d(x4, w4, null, { groups: 1.5 }), RangeError, 'convTranspose2d: groups must be a positive integer, got 1.5'],
  ['convTranspose2d groups a string', () => F.convTranspose2d(x4, w4, null, { groups: '2' as never }), RangeError, 'convTranspose2d: groups must be a positive integer, got 2'],
  ['convTranspose2d bias not a tensor', () => F.convTranspose2d(x4, w4, [1, 2] as never), TypeError, 'convTranspose2d: bias must be a Tensor, got an array'],
  ['convTranspose2d input not a tensor', () => F.convTranspose2d([1] as never, w4), TypeError, 'convTranspose2d: input must be a Tensor, got an array'],
  ['convTranspose2d weight not a tensor', () => F.convTranspose2d(x4, null as never), TypeError, 'convTranspose2d: weight must be a Tensor, got null'],
  ['convTranspose2d float64 input, float32 weight', () => F.convTranspose2d(x4.double(), w4), TypeError, 'convTranspose2d: expected m1 and m2 to have the same dtype, but got: double != float'],
  ['convTranspose2d float32 input, float64 weight', () => F.convTranspose2d(x4, w4.double()), TypeError, 'convTranspose2d: expected m1 and m2 to have the same dtype, but got: float != double'],
  ['convTranspose2d int32 input and weight', () => F.convTranspose2d(x4.int(), w4.int()), TypeError, "convTranspose2d: not implemented for 'Int'"],
  ['convTranspose2d outputPadding >= stride in width only', () => F.convTranspose2d(x4, w4, null, { stride: 2, outputPadding: [1, 2] }), RangeError,
    'convTranspose2d: output padding must be smaller than either stride or dilation, but got outputPadding [1,2], stride [2,2], dilation [1,1]'],
  ['convTranspose1d output too small', () => F.convTranspose1d(x3, w3, null, 1, 5), T.ShapeError,
    'convTranspose1d: Given input size per channel: (5). Calculated output size per channel: (-3). Output size is too small (input [1,4,5], weight [4,2,3])'],
  ['convTranspose2d output too small in width only', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 1]), null, { padding: [0, 3] }), T.ShapeError,
    'convTranspose2d: Given input size per channel: (5 x 5). Calculated output size per channel: (7 x -1).'],
  ['convTranspose1d padding -1', () => F.convTranspose1d(x3, w3, null, { padding: -1 }), RangeError, 'convTranspose1d: padding must be a non-negative integer, got -1'],
  ['convTranspose1d stride 0', () => F.convTranspose1d(x3, w3, null, 0), RangeError, 'convTranspose1d: stride must be a positive integer, got 0'],
  ['convTranspose1d stride [0]', () => F.convTranspose1d(x3, w3, null, [0]), RangeError, 'convTranspose1d: stride must be a positive integer, got [0]'],
  ['convTranspose1d dilation 1.5', () => F.convTranspose1d(x3, w3, null, { dilation: 1.5 }), RangeError, 'convTranspose1d: dilation must be a positive integer, got 1.5'],
  ['convTranspose1d outputPadding a string', () => F.convTranspose1d(x3, w3, null, { outputPadding: '1' as never }), RangeError, 'convTranspose1d: outputPadding must be a non-negative integer, got 1'],
  ['convTranspose1d outputPadding >= stride and dilation', () => F.convTranspose1d(x3, w3, null, { stride: 2, outputPadding: 2 }), RangeError,
    'convTranspose1d: output padding must be smaller than either stride or dilation, but got outputPadding 2, stride 2, dilation 1'],
  ['convTranspose1d input channels', () => F.convTranspose1d(T.randn([1, 3, 5]), w3), T.ShapeError,
    'convTranspose1d: Given transposed=1, weight of size [4,2,3], expected input [1,3,5] to have 4 channels, but got 3 channels instead'],
  ['convTranspose1d bias with groups', () => F.convTranspose1d(x3, w3, T.randn([2]), { groups: 2 }), T.ShapeError, 'convTranspose1d: bias has shape [2] but weight [4,2,3] with groups 2 needs [4]'],

  // nn.ConvTranspose2d / nn.ConvTranspose1d
  ['ConvTranspose2d outputSize below the range in one dim', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [10, 11]), T.ShapeError,
    'ConvTranspose2d: requested an output size of [10,11], but valid sizes range from [11,11] to [12,12] (for an input of [5,5])'],
  ['ConvTranspose2d outputSize above the range in one dim', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [11, 13]), T.ShapeError,
    'ConvTranspose2d: requested an output size of [11,13], but valid sizes range from [11,11] to [12,12] (for an input of [5,5])'],
  ['ConvTranspose2d outputSize of 3 for a 4-d input', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [2, 11, 12]), RangeError, 'ConvTranspose2d: for 4D input, output_size must have 2 or 4 elements (got 3)'],
  ['ConvTranspose2d outputSize of 4 for a 3-d input', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4.select(0, 0), [1, 2, 11, 12]), RangeError, 'ConvTranspose2d: for 3D input, output_size must have 2 or 3 elements (got 4)'],
  ['ConvTranspose1d outputSize of 2 for a 3-d input', () => new nn.ConvTranspose1d(4, 2, 3, 3).call(x3, [3, 18]), RangeError, 'ConvTranspose1d: for 3D input, output_size must have 1 or 3 elements (got 2)'],
  ['ConvTranspose1d outputSize out of range', () => new nn.ConvTranspose1d(4, 2, 3, 3).call(x3, [14]), T.ShapeError,
    'ConvTranspose1d: requested an output size of [14], but valid sizes range from [15] to [17] (for an input of [5])'],
  ['ConvTranspose2d outputSize not integers', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [11.5, 12]), TypeError, 'ConvTranspose2d.forward: outputSize must be an array of integers, got 11.5,12'],
  ['ConvTranspose2d outputSize a number', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, 11 as never), TypeError, 'ConvTranspose2d.forward: outputSize must be an array of integers, got 11'],
  ['ConvTranspose2d inChannels 0', () => new nn.ConvTranspose2d(0, 2, 3), RangeError, 'ConvTranspose2d: inChannels must be an integer >= 1, got 0'],
  ['ConvTranspose2d outChannels 0', () => new nn.ConvTranspose2d(4, 0, 3), RangeError, 'ConvTranspose2d: outChannels must be an integer >= 1, got 0'],
  ['ConvTranspose2d kernelSize 0', () => new nn.ConvTranspose2d(4, 2, 0), RangeError, 'ConvTranspose2d: kernelSize must be an integer >= 1 or a pair of them, got 0'],
  ['ConvTranspose2d stride 0', () => new nn.ConvTranspose2d(4, 2, 3, 0), RangeError, 'ConvTranspose2d: stride must be an integer >= 1 or a pair of them, got 0'],
  ['ConvTranspose2d padding -1', () => new nn.ConvTranspose2d(4, 2, 3, 1, -1), RangeError, 'ConvTranspose2d: padding must be an integer >= 0 or a pair of them, got -1'],
  ['ConvTranspose2d outputPadding -1', () => new nn.ConvTranspose2d(4, 2, 3, 1, 0, -1), RangeError, 'ConvTranspose2d: outputPadding must be an integer >= 0 or a pair of them, got -1'],
  ['ConvTranspose2d dilation 0', () => new nn.ConvTranspose2d(4, 2, 3, { dilation: 0 }), RangeError, 'ConvTranspose2d: dilation must be an integer >= 1 or a pair of them, got 0'],
  ['ConvTranspose2d groups 0', () => new nn.ConvTranspose2d(4, 2, 3, { groups: 0 }), RangeError, 'ConvTranspose2d: groups must be a positive integer, got 0'],
  ['ConvTranspose2d inChannels % groups', () => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 }), RangeError, 'ConvTranspose2d: inChannels must be divisible by groups, got 3 and 2'],
  ['ConvTranspose2d paddingMode a number', () => new nn.ConvTranspose2d(4, 2, 3, { paddingMode: 3 as never }), RangeError,
    "ConvTranspose2d: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got paddingMode=3"],
  ['ConvTranspose1d paddingMode circular', () => new nn.ConvTranspose1d(4, 2, 3, { paddingMode: 'circular' as 'zeros' }), RangeError,
    'ConvTranspose1d: Only "zeros" padding mode is supported for ConvTranspose1d, got paddingMode="circular"'],
  ['ConvTranspose2d paddingMode replicate', () => new nn.ConvTranspose2d(4, 2, 3, { paddingMode: 'replicate' as 'zeros' }), RangeError,
    'ConvTranspose2d: Only "zeros" padding mode is supported for ConvTranspose2d, got paddingMode="replicate"'],
  ['ConvTranspose2d paddingMode positional a number', () => new nn.ConvTranspose2d(4, 2, 3, 1, 0, 0, 1, true, 1, 0 as never), TypeError, 'ConvTranspose2d: paddingMode (positional 7) must be a string, got number 0'],
  ['ConvTranspose1d inChannels 0', () => new nn.ConvTranspose1d(0, 2, 3), RangeError, 'ConvTranspose1d: inChannels must be an integer >= 1, got 0'],
  ['ConvTranspose1d outChannels 1.5', () => new nn.ConvTranspose1d(4, 1.5, 3), RangeError, 'ConvTranspose1d: outChannels must be an integer >= 1, got 1.5'],
  ['ConvTranspose1d kernelSize [0]', () => new nn.ConvTranspose1d(4, 2, [0]), RangeError, 'ConvTranspose1d: kernelSize must be an integer >= 1, got [0]'],
  ['ConvTranspose1d stride 0', () => new nn.ConvTranspose1d(4, 2, 3, 0), RangeError, 'ConvTranspose1d: stride must be an integer >= 1, got 0'],
  ['ConvTranspose1d padding -1', () => new nn.ConvTranspose1d(4, 2, 3, 1, -1), RangeError, 'ConvTranspose1d: padding must be an integer >= 0, got -1'],
  ['ConvTranspose1d outputPadding -1', () => new nn.ConvTranspose1d(4, 2, 3, 1, 0, -1), RangeError, 'ConvTranspose1d: outputPadding must be an integer >= 0, got -1'],
  ['ConvTranspose1d dilation 0', () => new nn.ConvTranspose1d(4, 2, 3, { dilation: 0 }), RangeError, 'ConvTranspose1d: dilation must be an integer >= 1, got 0'],
  ['ConvTranspose1d outChannels % groups', () => new nn.ConvTranspose1d(4, 3, 3, { groups: 2 }), RangeError, 'ConvTranspose1d: outChannels must be divisible by groups, got 3 and 2'],
  ['ConvTranspose1d unknown option', () => new nn.ConvTranspose1d(4, 2, 3, { output_padding: 1 } as never), TypeError, "ConvTranspose1d: unknown option 'output_padding'"],

  // F.pad
  ['pad of a number', () => F.pad(x4, 3 as never), TypeError, 'pad: pad must be an array of integers, got number 3'],
  ['pad value a string', () => F.pad(x4, [1, 1], { value: '1' as never }), TypeError, 'pad: value must be a number or null, got string 1'],
  ['pad mode a number', () => F.pad(x4, [1, 1], { mode: 3 as never }), RangeError, 'pad: Unrecognised padding mode 3'],
  ['pad 2 pairs of a 1-d input', () => F.pad(T.randn([3]), [1, 1, 1, 1]), RangeError, 'pad: Padding length too large: pad [1,1,1,1] pads 2 dims of a 1-d input [3]'],
  ['pad reflect with a value', () => F.pad(x4, [1, 1], 'reflect', 0), RangeError, 'pad: Padding mode "reflect" doesn\'t take in value argument, got value 0'],
  ['pad reflect right pad as large as the dim', () => F.pad(x4, [0, 0, 0, 5], 'reflect'), T.ShapeError,
    'pad: Padding size should be less than the corresponding input dimension, but got: padding (0, 5) at dimension 2 of input [1,4,5,5]'],
  ['pad circular left wraps twice', () => F.pad(x4, [6, 0, 0, 0], 'circular'), T.ShapeError, 'pad: Padding value causes wrapping around more than once: padding (6, 0) at dimension 3 of input [1,4,5,5]'],
  ['pad circular right wraps twice', () => F.pad(x4, [0, 0, 0, 6], 'circular'), T.ShapeError, 'pad: Padding value causes wrapping around more than once: padding (0, 6) at dimension 2 of input [1,4,5,5]'],
  ['pad circular 4 dims', () => F.pad(T.randn([1, 2, 2, 2, 2]), [1, 1, 1, 1, 1, 1, 1, 1], 'circular'), RangeError, "pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: mode 'circular' pads 4 trailing dims"],
  ['pad circular no dims', () => F.pad(T.randn([3]), [], 'circular'), RangeError, "pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: mode 'circular' pads 0 trailing dims"],
  ['pad circular 2 dims of an unbatched input', () => F.pad(T.randn([2, 3, 3]), [1, 1, 1, 1], 'circular'), RangeError, 'pad: Invalid padding size, expected 2 but got 4'],
  ['pad circular 3 dims of an unbatched input', () => F.pad(T.randn([2, 3, 3, 3]), [1, 1, 1, 1, 1, 1], 'circular'), RangeError, 'pad: Invalid padding size, expected 4 but got 6'],
  ['pad replicate 1 dim of a 4-d input', () => F.pad(x4, [1, 1], 'replicate'), RangeError, "pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: mode 'replicate' pads 1 trailing dims of a 2-d or 3-d input"],
  ['pad replicate 2 dims of a 2-d input', () => F.pad(T.randn([3, 3]), [1, 1, 1, 1], 'replicate'), RangeError, "mode 'replicate' pads 2 trailing dims of a 3-d or 4-d input, got pad [1,1,1,1] for input [3,3]"],
  ['pad replicate crops to nothing', () => F.pad(x4, [-2, -3], 'replicate'), RangeError, "pad: Only 2D, 3D, 4D, 5D padding"],
  ['pad replicate crops to nothing (3-d)', () => F.pad(x3, [-2, -3], 'replicate'), T.ShapeError, 'pad: input [1,4,5] is too small for padding (-2, -3) at dimension 2: calculated output size 0'],
  ['pad circular crops below nothing', () => F.pad(x3, [-3, -3], 'circular'), T.ShapeError, 'pad: input [1,4,5] is too small for padding (-3, -3) at dimension 2: calculated output size -1'],

  // F.interpolate, F.pixelShuffle, F.pixelUnshuffle
  ['interpolate alignCorners a string', () => F.interpolate(x4, { size: 3, mode: 'bilinear', alignCorners: 'yes' as never }), TypeError, 'interpolate: alignCorners must be a boolean or null, got string yes'],
  ['interpolate alignCorners false with nearest', () => F.interpolate(x4, { size: 3, alignCorners: false }), RangeError,
    "interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (got mode 'nearest', alignCorners false)"],
  ['interpolate size 2.5', () => F.interpolate(x4, 2.5), TypeError, 'interpolate: size must be an integer or an array of integers, got number 2.5'],
  ['interpolate size [3, 2.5]', () => F.interpolate(x4, [3, 2.5]), TypeError, 'interpolate: size must be an integer or an array of integers, got an array'],
  ['interpolate scaleFactor -2', () => F.interpolate(x4, null, -2), RangeError, 'interpolate: scaleFactor must be positive and finite, got number -2'],
  ['interpolate scaleFactor 0', () => F.interpolate(x4, null, [2, 0]), RangeError, 'interpolate: scaleFactor must be positive and finite, got an array'],
  ['interpolate scaleFactor Infinity', () => F.interpolate(x4, null, Infinity), RangeError, 'interpolate: scaleFactor must be positive and finite, got number Infinity'],
  ['interpolate scaleFactor NaN', () => F.interpolate(x4, null, NaN), RangeError, 'interpolate: scaleFactor must be positive and finite, got number NaN'],
  ['interpolate scaleFactor a string in an array', () => F.interpolate(x4, null, ['2', 2] as never), RangeError, 'interpolate: scaleFactor must be positive and finite, got an array'],
  ['interpolate size 0 in one dim', () => F.interpolate(x4, [3, 0]), T.ShapeError, 'interpolate: Input and output sizes should be greater than 0, but got input [5,5] output [3,0]'],
  ['interpolate an empty input', () => F.interpolate(T.randn([1, 1, 0, 3]), [2, 2]), T.ShapeError, 'interpolate: Input and output sizes should be greater than 0, but got input [0,3] output [2,2]'],
  ['interpolate area (a mode tensile lacks)', () => F.interpolate(x4, 3, null, 'area' as never), RangeError, '(got area) (tensile implements nearest, nearest-exact, linear, bilinear and trilinear)'],
  ['interpolate 6-d input', () => F.interpolate(T.randn([1, 1, 2, 2, 2, 2]), 3), RangeError, 'interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got 6D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got nearest)'],
  ['interpolate trilinear on 4-d', () => F.interpolate(x4, 3, null, 'trilinear'), RangeError, 'interpolate: Got 4D input, but trilinear mode needs 5D input'],
  ['interpolate unknown option', () => F.interpolate(x4, { scale: 2 } as never), TypeError, "interpolate: unknown option 'scale'"],
  ['pixelShuffle factor 1.5', () => F.pixelShuffle(x4, 1.5), RangeError, 'pixelShuffle: pixel_shuffle expects a positive upscale_factor, but got 1.5'],
  ['pixelShuffle factor a string', () => F.pixelShuffle(x4, '2' as never), RangeError, 'pixelShuffle: pixel_shuffle expects a positive upscale_factor, but got string 2'],
  ['pixelShuffle input not a tensor', () => F.pixelShuffle([1] as never, 2), TypeError, 'pixelShuffle: input must be a Tensor, got an array'],
  ['pixelUnshuffle factor -1', () => F.pixelUnshuffle(x4, -1), RangeError, 'pixelUnshuffle: pixel_unshuffle expects a positive downscale_factor, but got -1'],
  ['pixelUnshuffle factor a string', () => F.pixelUnshuffle(x4, '2' as never), RangeError, 'pixelUnshuffle: pixel_unshuffle expects a positive downscale_factor, but got string 2'],
  ['pixelUnshuffle 2-d input', () => F.pixelUnshuffle(T.randn([4, 4]), 2), T.ShapeError, 'pixelUnshuffle: pixel_unshuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)'],

  // the padding layers
  ['ConstantPad1d padding 1.5', () => new nn.ConstantPad1d(1.5, 0), TypeError, 'ConstantPad1d: padding must be an integer or 2 integers (left, right), got number 1.5'],
  ['ConstantPad1d padding of 3', () => new nn.ConstantPad1d([1, 2, 3] as never, 0), TypeError, 'ConstantPad1d: padding must be an integer or 2 integers (left, right), got an array'],
  ['ConstantPad2d padding a string', () => new nn.ConstantPad2d('1' as never, 0), TypeError, 'ConstantPad2d: padding must be an integer or 4 integers (left, right, top, bottom), got string 1'],
  ['ReplicationPad1d padding [1, 0.5]', () => new nn.ReplicationPad1d([1, 0.5]), TypeError, 'ReplicationPad1d: padding must be an integer or 2 integers (left, right), got an array'],
  ['ZeroPad2d padding of 2', () => new nn.ZeroPad2d([1, 2] as never), TypeError, 'ZeroPad2d: padding must be an integer or 4 integers (left, right, top, bottom), got an array'],
  ['ReflectionPad1d padding -0.5', () => new nn.ReflectionPad1d(-0.5), TypeError, 'ReflectionPad1d: padding must be an integer or 2 integers (left, right), got number -0.5'],
  ['ReplicationPad2d padding null', () => new nn.ReplicationPad2d(null as never), TypeError, 'ReplicationPad2d: padding must be an integer or 4 integers (left, right, top, bottom), got null'],
  ['ConstantPad1d value a string', () => new nn.ConstantPad1d(1, '0' as never), TypeError, 'ConstantPad1d: value must be a number, got string 0'],
  ['ConstantPad2d value missing', () => new (nn.ConstantPad2d as unknown as new (p: number) => T.nn.Module)(1), TypeError, 'ConstantPad2d: value must be a number, got undefined'],

  // the upsampling layers
  ['Upsample mode bicubic', () => new nn.Upsample({ scaleFactor: 2, mode: 'bicubic' as never }), RangeError, "Upsample: mode must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', got string bicubic"],
  ['Upsample neither size nor scaleFactor', () => new nn.Upsample(), RangeError, 'Upsample: either size or scale_factor should be defined'],
  ['Upsample alignCorners with nearest', () => new nn.Upsample({ size: 3, alignCorners: false }), RangeError, "Upsample: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (got mode 'nearest')"],
  ['Upsample alignCorners with nearest-exact', () => new nn.Upsample(3, null, 'nearest-exact', true), RangeError, "Upsample: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (got mode 'nearest-exact')"],
  ['Upsample unknown option', () => new nn.Upsample({ scale: 2 } as never), TypeError, "Upsample: unknown option 'scale'"],
  ['UpsamplingNearest2d size and scaleFactor', () => new nn.UpsamplingNearest2d(3, 2), RangeError, 'UpsamplingNearest2d: only one of size or scale_factor should be defined'],
  ['UpsamplingBilinear2d neither', () => new nn.UpsamplingBilinear2d(), RangeError, 'UpsamplingBilinear2d: either size or scale_factor should be defined'],
  ['UpsamplingNearest2d mode option', () => new nn.UpsamplingNearest2d({ size: 3, mode: 'bilinear' } as never), TypeError, "UpsamplingNearest2d: unknown option 'mode'"],
  ['UpsamplingBilinear2d mode option', () => new nn.UpsamplingBilinear2d({ size: 3, mode: 'nearest' } as never), TypeError, "UpsamplingBilinear2d: unknown option 'mode'"],
  ['PixelShuffle factor 0', () => new nn.PixelShuffle(0), RangeError, 'PixelShuffle: upscaleFactor must be a positive integer, got number 0'],
  ['PixelShuffle factor 1.5', () => new nn.PixelShuffle(1.5), RangeError, 'PixelShuffle: upscaleFactor must be a positive integer, got number 1.5'],
  ['PixelUnshuffle factor a string', () => new nn.PixelUnshuffle('2' as never), RangeError, 'PixelUnshuffle: downscaleFactor must be a positive integer, got string 2'],
];

describe('errors of the transposed convolutions, padding and interpolation (functions and layers)', () => {
  for (const [name, fn, type, message] of ERRORS) {
    it(name, () => {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err, 'throws').toBeInstanceOf(type);
      expect((err as Error).message).toContain(message);
    });
  }
});

interface Packed { shape: number[]; data: number[] }
interface Checked extends Packed { err32: number }
interface Case { name: string; op: string; args: Record<string, unknown>; inputs: Packed[]; upstream: Packed; output: Checked; grads: Checked[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/generative.json', import.meta.url), 'utf8')) as { cases: Case[] };

function expectNear(actual: T.Tensor, want: Checked, label: string): void {
  expect([...actual.shape], `${label}: shape`).toEqual(want.shape);
  const a = actual.toFloat32Array();
  for (let i = 0; i < a.length; i++) {
    const e = want.data[i]!, tol = 4 * want.err32 + 2 ** -22 * Math.abs(e);
    if (!(Math.abs(a[i]! - e) <= tol)) expect.fail(`${label}[${i}]: got ${a[i]}, PyTorch ${e} (tolerance ${tol})`);
  }
}

describe("the transposed convolution's backward when only some inputs need a gradient (PyTorch's gradients)", () => {
  const cases = fixture.cases.filter((c) => c.op === 'convTranspose2d' && c.inputs.length === 3 && c.args['groups'] === undefined).slice(0, 3);
  const opts = (c: Case): T.F.ConvTranspose2dOptions => c.args as T.F.ConvTranspose2dOptions;
  for (const c of cases) {
    for (const [need, label] of [[[true, false, false], 'input only'], [[false, true, false], 'weight only'], [[false, false, true], 'bias only']] as const) {
      it(`${c.name}: ${label}`, () => {
        const [x, w, b] = c.inputs.map((p, i) => T.tensor(p.data, { shape: p.shape, requiresGrad: need[i]! }));
        const y = F.convTranspose2d(x!, w!, b!, opts(c));
        T.sum(T.mul(y, T.tensor(c.upstream.data, { shape: c.upstream.shape }))).backward();
        [x, w, b].forEach((t, i) => {
          if (need[i]) expectNear(t!.grad!, c.grads[i]!, `grad ${i}`);
          else expect(t!.grad, `grad ${i}`).toBeNull();
        });
      });
    }
    it(`${c.name}: the weight gradient with createGraph (recorded backward) is PyTorch's, and differentiable`, () => {
      const [x, w, b] = c.inputs.map((p) => T.tensor(p.data, { shape: p.shape, requiresGrad: true }));
      const y = F.convTranspose2d(x!, w!, b!, opts(c));
      const loss = T.sum(T.mul(y, T.tensor(c.upstream.data, { shape: c.upstream.shape })));
      const [gw] = T.grad(loss, [w!], { createGraph: true });
      expectNear(gw!, c.grads[1]!, 'grad of the weight');
      expect(gw!.requiresGrad).toBe(true);
    });
  }
});

describe('the transposed layers: paddingMode zeros, outputSize null', () => {
  it("paddingMode 'zeros' (PyTorch's only mode), positionally and in the bag, gives the default layer", () => {
    const a = new nn.ConvTranspose2d(4, 2, 3, 1, 0, 0, 1, true, 1, 'zeros'), b = new nn.ConvTranspose1d(4, 2, 3, { paddingMode: 'zeros' });
    expect([a.paddingMode, b.paddingMode]).toEqual(['zeros', 'zeros']);
  });
  it('forward(x, null) is forward(x): the output padding given at construction', () => {
    const m2 = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: [1, 0] }), m1 = new nn.ConvTranspose1d(4, 2, 3, { stride: 2, outputPadding: 1 });
    expect(m2.call(x4, null).toArray()).toEqual(m2.call(x4).toArray());
    expect([...m2.call(x4, null).shape]).toEqual([1, 2, 12, 11]);
    expect(m1.call(x3, null).toArray()).toEqual(m1.call(x3).toArray());
    expect([...m1.call(x3, null).shape]).toEqual([1, 2, 12]);
  });
});

describe('F.pad crops a dim to nothing in constant mode, as PyTorch (shape [1, 4, 5, 0])', () => {
  it('pad(x, [-5, 0]) of [1, 4, 5, 5]', () => expect([...F.pad(x4, [-5, 0]).shape]).toEqual([1, 4, 5, 0]));
});
