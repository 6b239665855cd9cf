//===- Recurrent.h - The time loop of the recurrent kernel ------*- C++ -*-===//
//
// Private to runtime/lib: what blade_rt_rnn_f32 (Recurrent.cpp: operands,
// weights, input products) hands its time loop (RecurrentLoop.cpp: R in
// panels, the per-step products and gates in registers, threads).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_LIB_RECURRENT_H
#define BLADE_RT_LIB_RECURRENT_H

#include "Dnnl.h"

#include <cstdint>
#include <vector>

namespace blade::rt::recurrent {

/// Hidden units per panel: one AVX-512 vector of f32.
constexpr int64_t kLanes = 16;

/// Operands of one layer, decoded and checked.
struct Layer {
  dnnl_kernels::Operand x, w, r, b, h0, c0, p, y, yh, yc;
  int64_t flags, cell, directions;
  int64_t seq, batch, input, hidden, gates;

  bool has(int64_t flag) const { return flags & flag; }
  bool lstm() const { return cell == BLADE_RNN_LSTM; }
  bool gru() const {
    return cell == BLADE_RNN_GRU || cell == BLADE_RNN_GRU_LINEAR_BEFORE_RESET;
  }
  bool lbr() const { return cell == BLADE_RNN_GRU_LINEAR_BEFORE_RESET; }
};

/// Per direction: packed R, the bias added to the input products, the
/// recurrent bias of GRU's candidate with linear_before_reset, peepholes.
struct DirectionWeights {
  std::vector<float> packed;     ///< Gates of the first product per step.
  std::vector<float> packedCand; ///< GRU: the candidate's R, if separate.
  std::vector<float> bias;       ///< [G * H] for the input products.
  std::vector<float> candBias;   ///< lbr GRU: Rb of the candidate [H].
  std::vector<float> peepholes;  ///< LSTM: i, o, f [3][H] (ONNX order).
};

class StepBarrier;

/// What every thread of the time loop shares.
struct Loop {
  const Layer *l;
  const DirectionWeights *w;
  int64_t d;
  bool reverse;
  int64_t n, h, hp, panels, gh;
  const float *xw;      ///< Input products [seq][batch][G * H].
  float *state[2];      ///< h, alternating between steps [batch][hp].
  float *cell;          ///< LSTM c [batch][hp].
  float *resetState;    ///< GRU: r * h [batch][hp].
  float *zPre;          ///< GRU: z's pre-activations [batch][hp].
  int threads;
  StepBarrier *barrier; ///< Set by runLoop (null on one thread).
  bool vector;
};

/// Runs every step of direction `c.d`, on `c.threads` threads (the panels
/// split between them); leaves the last h in c.state[seq % 2], the last c
/// in c.cell.
void runLoop(Loop &c);

/// Whether this CPU runs the AVX-512 version of the loop.
bool hasAvx512();

} // namespace blade::rt::recurrent

#endif // BLADE_RT_LIB_RECURRENT_H
