//===- BladeRecurrentOps.td - recurrent network layers -----*- tablegen -*-===//
//
// Recurrent layers (ONNX RNN, GRU, LSTM): one op with a cell kind whose time
// loop stays a loop until codegen.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADERECURRENTOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADERECURRENTOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_RecurrentOp : Blade_Op<"recurrent",
    [Pure, AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "A recurrent layer: RNN, GRU or LSTM cells (ONNX RNN, GRU, LSTM)";
  let description = [{
    Runs a recurrent layer over the time-major input `X` `[seq, batch,
    input]` with the ONNX weight layouts: `W` `[D, G * H, input]`, `R`
    `[D, G * H, H]`, optional `B` `[D, 2 * G * H]` (input then recurrent
    biases), optional `sequence_lens` `[batch]`, `initial_h` and `initial_c`
    `[D, batch, H]` and the LSTM peepholes `P` `[D, 3 * H]`. `cell` is
    `rnn` (G = 1, gate `i`), `gru` (G = 3, gates `z, r, h`) or `lstm`
    (G = 4, gates `i, o, f, c`); `direction` is `forward`, `reverse` or
    `bidirectional` (D = 2, the second direction runs reversed). H is
    `hidden_size`.

    `activations` holds the cell's functions for every direction by their
    ONNX names (1, 2 or 3 per direction), `activation_alpha` and
    `activation_beta` one value per activation (the importer fills the
    defaults). With `clip`, gate inputs are clamped to `[-clip, clip]`
    before their activation. `linear_before_reset` (GRU) applies the reset
    gate after the recurrent product; `input_forget` (LSTM) couples the
    input and forget gates.

    A batch entry stops at its sequence length: its state stays and `Y` is 0
    from there on; a reversed direction starts at the last step of each
    sequence. The results are `Y` `[seq, D, batch, H]`, the last state
    `Y_h` `[D, batch, H]` and, for `lstm` only, the last cell state `Y_c`.
    ONNX's batch-major `layout = 1` is transposes around this op.

    Example:

    ```mlir
    %y, %yh = blade.recurrent %x, %w, %r bias %b {activation_alpha = array<f32: 0.0>,
           activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "rnn",
           direction = "forward", hidden_size = 4 : i64, input_forget = false,
           linear_before_reset = false}
         : (tensor<?x?x2xf32>, tensor<1x4x2xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>)
         -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>)
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$X, Blade_FloatTensor:$W,
                       Blade_FloatTensor:$R, Optional<Blade_FloatTensor>:$B,
                       Optional<Blade_IntegerTensor>:$sequence_lens,
                       Optional<Blade_FloatTensor>:$initial_h,
                       Optional<Blade_FloatTensor>:$initial_c,
                       Optional<Blade_FloatTensor>:$P,
                       StrAttr:$cell, StrAttr:$direction, I64Attr:$hidden_size,
                       StrArrayAttr:$activations,
                       DenseF32ArrayAttr:$activation_alpha,
                       DenseF32ArrayAttr:$activation_beta,
                       OptionalAttr<F32Attr>:$clip,
                       BoolAttr:$linear_before_reset, BoolAttr:$input_forget);
  let results = (outs Blade_FloatTensor:$Y, Blade_FloatTensor:$Y_h,
                      Optional<Blade_FloatTensor>:$Y_c);
  let assemblyFormat = [{
    $X `,` $W `,` $R (`bias` $B^)? (`sequence_lens` $sequence_lens^)?
    (`initial_h` $initial_h^)? (`initial_c` $initial_c^)? (`peepholes` $P^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Gates per cell: 1 (rnn), 3 (gru) or 4 (lstm); 0 for another name.
    static int64_t getNumGates(llvm::StringRef cell);
    int64_t getNumGates() { return getNumGates(getCell()); }
    /// Activation functions per direction: 1 (rnn), 2 (gru) or 3 (lstm).
    static int64_t getNumActivations(llvm::StringRef cell);
    /// Checks the shapes of the operands and results after X, given by their
    /// ONNX names (W, R, B, sequence_lens, initial_h, initial_c, P, Y, Y_h,
    /// Y_c), against X, the directions and the hidden size; returns the
    /// first problem, or "" when they fit.
    static std::string checkShapes(llvm::StringRef cell, int64_t numDirs,
        int64_t hiddenSize, mlir::RankedTensorType x,
        llvm::ArrayRef<std::pair<llvm::StringRef, mlir::Type>> operands);
    /// Whether `name` is an ONNX recurrent activation function.
    static bool isKnownActivation(llvm::StringRef name);
    /// 2 for a bidirectional layer, else 1.
    int64_t getNumDirections() { return getDirection() == "bidirectional" ? 2 : 1; }
  }];
}

#endif // BLADE_DIALECT_BLADE_IR_BLADERECURRENTOPS_TD
