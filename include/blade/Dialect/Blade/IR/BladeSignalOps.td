//===- BladeSignalOps.td - Signal processing ops ------------*- tablegen -*-===//
//
// Fourier transforms (ONNX DFT, STFT) and mel filter banks (ONNX
// MelWeightMatrix); the window generators are ONNX functions, expanded by the
// importer.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADESIGNALOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADESIGNALOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Blade_DftOp : Blade_Op<"dft", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Discrete Fourier transform along one axis (ONNX DFT)";
  let description = [{
    The operand holds real (last dim 1) or complex (last dim 2: real,
    imaginary) values; the result is complex. Along `axis` the transform
    reads `length` samples (default: the axis size; missing samples are 0,
    extra ones ignored) and writes `length` frequencies, or `length / 2 + 1`
    when `onesided` is set. `inverse` conjugates the twiddles and divides by
    `length`. Twiddles use the exact residue `(k * n) mod length` and
    everything accumulates in f64.

    Example:

    ```mlir
    %y = blade.dft %x {axis = 1 : i64, inverse = false, onesided = false}
        : tensor<1x10x10x1xf32> -> tensor<1x10x10x2xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input, I64Attr:$axis,
                       BoolAttr:$inverse, BoolAttr:$onesided,
                       OptionalAttr<I64Attr>:$length);
  let results = (outs Blade_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result shape for `inputShape` (dims may be dynamic); fails with
    /// a message if the operand or attributes do not fit.
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> inputShape, int64_t axis,
               bool onesided, std::optional<int64_t> length,
               std::string &error);
  }];
}

def Blade_StftOp : Blade_Op<"stft",
    [Pure, AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Short-time Fourier transform (ONNX STFT)";
  let description = [{
    `signal` is [batch, samples, 1 or 2] (real or complex). Frames of
    `L` samples start every `frame_step` samples; `L` is the `window` size,
    or `frame_length` without a window (then every sample weighs 1). The
    result is [batch, frames, L or L / 2 + 1 (`onesided`), 2] with
    `frames = (samples - L) / frame_step + 1`, each frame the DFT of its
    windowed samples (accumulated in f64). The run-time checks require a
    positive frame step and frame length, and at least one frame's samples.

    Example:

    ```mlir
    %y = blade.stft %s, %step, %w {onesided = true}
        : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$signal,
                       0DTensorOf<[I32, I64]>:$frame_step,
                       Optional<Blade_FloatTensor>:$window,
                       Optional<0DTensorOf<[I32, I64]>>:$frame_length,
                       BoolAttr:$onesided);
  let results = (outs Blade_FloatTensor:$output);
  let assemblyFormat = [{
    $signal `,` $frame_step (`,` `window` $window^)?
    (`,` `frame_length` $frame_length^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_MelWeightMatrixOp : Blade_Op<"mel_weight_matrix",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Triangular mel filter bank (ONNX MelWeightMatrix)";
  let description = [{
    A `[dft_length / 2 + 1, num_mel_bins]` matrix mapping a one-sided
    spectrum to mel bins. `num_mel_bins + 2` edges are spaced evenly on the
    mel scale (`2595 * log10(1 + hz / 700)`) from `lower_edge_hertz` to
    `upper_edge_hertz` and mapped to spectrum bins
    `floor((dft_length + 1) * hz / sample_rate)`; column `i` rises linearly
    from edge `i` to 1 at edge `i + 1` and falls to 0 at edge `i + 2`. The
    sizes come from the (run-time) scalar operands, which the run-time
    checks require to be positive; edges are computed in f64.

    Example:

    ```mlir
    %m = blade.mel_weight_matrix %bins, %len, %rate, %lo, %hi
        : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I32, I64]>:$num_mel_bins,
                       0DTensorOf<[I32, I64]>:$dft_length,
                       0DTensorOf<[I32, I64]>:$sample_rate,
                       0DTensorOf<[AnyFloat]>:$lower_edge_hertz,
                       0DTensorOf<[AnyFloat]>:$upper_edge_hertz);
  let results = (outs 2DTensorOf<[AnyFloat]>:$output);
  let assemblyFormat = [{
    $num_mel_bins `,` $dft_length `,` $sample_rate `,` $lower_edge_hertz `,`
    $upper_edge_hertz attr-dict `:` functional-type(operands, results)
  }];
}

#endif // BLADE_DIALECT_BLADE_IR_BLADESIGNALOPS_TD
