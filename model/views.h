// views.h: the only "framework" in scratchgpt: four Eigen::Map aliases (and two strided ones).
// A Map is a matrix-shaped window onto a raw float buffer we own; it copies
// nothing. Eigen's default is column-major, so with the one layout rule below a
// (B,T,C) activation buffer is, with no copying, a C x BT matrix.
//
// Shape letters used in every comment of the project:
//   B batch size       T time (sequence length)   C channels      OC output channels
//   NH heads           hs head size (C/NH)        V vocab size    Vp padded vocab size
//   L layers           maxT max sequence length   BT = B*T
// Shapes are written outermost first, as in PyTorch: (B,T,C) means C varies fastest.
// The one layout rule: each COLUMN of a Map is one token position.
//   a (B,T,C) activation  -> Mat (C,BT): column bt holds inp[b,t,:]
//   a PyTorch (OC,C) weight -> Mat (C,OC): column o holds row o of the weight
#pragma once
#include <Eigen/Core>  // Eigen::Map, Matrix, Vector

using Mat      = Eigen::Map<Eigen::MatrixXf>;        // writable matrix view
using ConstMat = Eigen::Map<const Eigen::MatrixXf>;  // read-only matrix view
using Vec      = Eigen::Map<Eigen::VectorXf>;        // writable vector view
using ConstVec = Eigen::Map<const Eigen::VectorXf>;  // read-only vector view

// A view that skips through memory: column j starts `stride` floats after column j-1.
// Attention uses it to see one head's q, k or v inside the (B,T,3C) qkv buffer:
// rows = the hs channels of that head, columns = positions, stride = 3C.
using StridedMat      = Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using ConstStridedMat = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
