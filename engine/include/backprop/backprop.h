// Backprop Studio engine — one include for everything.
//
// A first look: fit y = a·x² + b by gradient descent.
//
//   bp::Tensor x = bp::Tensor::from_vector({1, 2, 3}, {3});
//   bp::Tensor a = bp::Tensor::scalar(0.5f).set_requires_grad();
//   bp::Tensor b = bp::Tensor::scalar(0.0f).set_requires_grad();
//   bp::Tensor y = a * bp::pow(x, 2) + b;         // records the graph as it computes
//   bp::Tensor loss = bp::mean(bp::pow(y - bp::Tensor::from_vector({3, 9, 19}, {3}), 2));
//   loss.backward();                              // a.grad(), b.grad() now hold dloss/da, dloss/db
//   for (const bp::Tensor& node : bp::topological_order(loss))
//     std::printf("%llu %s %s\n", (unsigned long long)node.seq(), node.op_name(),
//                 node.shape().str().c_str());   // every node: op, value, gradient
//
// Layers: tensor.h/ops.h (arrays and differentiable ops) → autograd.h (the graph) → nn.h,
// loss.h, optim.h, init.h (training) → data.h, features.h, grid.h (2D datasets and plots).
#pragma once

#include "backprop/autograd.h"
#include "backprop/data.h"
#include "backprop/device.h"
#include "backprop/errors.h"
#include "backprop/explain.h"
#include "backprop/features.h"
#include "backprop/grid.h"
#include "backprop/health.h"
#include "backprop/init.h"
#include "backprop/loss.h"
#include "backprop/model_io.h"
#include "backprop/nn.h"
#include "backprop/ops.h"
#include "backprop/optim.h"
#include "backprop/random.h"
#include "backprop/scalar.h"
#include "backprop/shape.h"
#include "backprop/tensor.h"
#include "backprop/threads.h"
#include "backprop/train.h"
