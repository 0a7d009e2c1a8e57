// matmul.cpp: the linear layer as Eigen GEMMs on Maps. See matmul.h.
#include "matmul.h"
#include "views.h"  // Mat, ConstMat, Vec, ConstVec: the (C,BT) views

void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C, int OC) {
    const Eigen::Index BT = (Eigen::Index)B * T;
    ConstMat X(inp, C, BT);     // (C,BT): column bt holds inp[b,t,:]
    ConstMat W(weight, C, OC);  // (C,OC): column o holds row o of the PyTorch weight
    Mat Y(out, OC, BT);         // (OC,BT)
    // out = inp @ weight.T
    Y.noalias() = W.transpose() * X;  // (OC,C)(C,BT) -> (OC,BT)
    // out += bias, broadcast over positions
    if (bias) Y.colwise() += ConstVec(bias, OC);
}

void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int B, int T, int C, int OC) {
    const Eigen::Index BT = (Eigen::Index)B * T;
    ConstMat X(inp, C, BT);     // (C,BT)
    ConstMat W(weight, C, OC);  // (C,OC)
    ConstMat dY(dout, OC, BT);  // (OC,BT)
    Mat dX(dinp, C, BT);        // (C,BT)
    Mat dW(dweight, C, OC);     // (C,OC): the PyTorch (OC,C) gradient
    // forward: Y = W^T X, so dX += W dY
    dX.noalias() += W * dY;                // (C,OC)(OC,BT) -> (C,BT)
    // and dW^T += dY X^T, i.e. in our (C,OC) view dW += X dY^T
    dW.noalias() += X * dY.transpose();    // (C,BT)(BT,OC) -> (C,OC)
    // forward: Y += bias in every column, so dbias += the sum of dY's columns
    if (dbias) Vec(dbias, OC) += dY.rowwise().sum();  // (OC)
}
