#!/usr/bin/python3
"""Writes the ONNX golden files that the model format tests read.

Run from this folder with Debian's python3-torch and python3-onnx:
    /usr/bin/python3 make_golden.py
Seeds are fixed, so the files come out the same on every run with the same library versions.
Each model NAME.onnx gets NAME.io.txt beside it: a few input rows and the outputs that the
producing library computed for them, so the tests can check the reader against the producer.
"""
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

IN, H1, H2, OUT = 8, 6, 5, 3
ROWS = 4


def write_io(name, x, y):
    with open(name + ".io.txt", "w") as f:
        for label, a in (("input", x), ("output", y)):
            a = np.asarray(a, dtype=np.float64)
            f.write("%s %d %d\n" % (label, a.shape[0], a.shape[1]))
            for row in a:
                f.write(" ".join(repr(float(v)) for v in row) + "\n")


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def torch_model():
    """As torch.onnx.export writes it: Flatten, Gemm (transB=1), Relu, Tanh, Softmax."""
    torch.manual_seed(4)
    net = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(IN, H1),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.2),
        torch.nn.Linear(H1, H2),
        torch.nn.Tanh(),
        torch.nn.Linear(H2, OUT),
        torch.nn.Softmax(dim=1),
    )
    net.eval()
    x = torch.randn(ROWS, IN)
    torch.onnx.export(
        net,
        x,
        "torch_mlp.onnx",
        input_names=["features"],
        output_names=["probabilities"],
        dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=13,
        do_constant_folding=True,
    )
    with torch.no_grad():
        write_io("torch_mlp", x.numpy(), net(x).numpy())


def tensor(name, array, raw):
    """An initializer as raw_data (raw=True) or as float_data/double_data."""
    array = np.ascontiguousarray(array)
    if raw:
        return numpy_helper.from_array(array, name)
    dtype = TensorProto.FLOAT if array.dtype == np.float32 else TensorProto.DOUBLE
    return helper.make_tensor(name, dtype, array.shape, array.flatten().tolist(), raw=False)


def save(graph, name, opset=13):
    model = helper.make_model(
        graph, producer_name="make_golden.py", opset_imports=[helper.make_opsetid("", opset)]
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")


def float_data_model():
    """float_data initializers; Reshape at the input; Gemm with alpha, beta, transA-free,
    transB both ways; Identity; Sigmoid; LogSoftmax at the output."""
    rng = np.random.default_rng(11)
    w1 = rng.normal(size=(IN, H1)).astype(np.float32)  # [in, out], transB = 0
    b1 = rng.normal(size=(H1,)).astype(np.float32)
    w2 = rng.normal(size=(H2, H1)).astype(np.float32)  # [out, in], transB = 1
    b2 = rng.normal(size=(H2,)).astype(np.float32)
    w3 = rng.normal(size=(OUT, H2)).astype(np.float32)
    b3 = rng.normal(size=(OUT,)).astype(np.float32)
    shape = np.array([-1, IN], dtype=np.int64)
    nodes = [
        helper.make_node("Reshape", ["x", "shape"], ["x2"], name="reshape_input"),
        helper.make_node("Gemm", ["x2", "w1", "b1"], ["z1"], name="dense_1", alpha=0.5, beta=2.0),
        helper.make_node("Sigmoid", ["z1"], ["h1"], name="sigmoid_1"),
        helper.make_node("Identity", ["h1"], ["h1i"], name="identity_1"),
        helper.make_node("Gemm", ["h1i", "w2", "b2"], ["z2"], name="dense_2", transB=1),
        helper.make_node("Relu", ["z2"], ["h2"], name="relu_2"),
        helper.make_node("Gemm", ["h2", "w3", "b3"], ["z3"], name="dense_3", transB=1, beta=1.0),
        helper.make_node("LogSoftmax", ["z3"], ["log_probs"], name="log_softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "float_data_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", IN])],
        [helper.make_tensor_value_info("log_probs", TensorProto.FLOAT, ["N", OUT])],
        [tensor("shape", shape, True)]
        + [tensor(n, a, False) for n, a in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("w3", w3), ("b3", b3))],
    )
    save(graph, "float_data_mlp")
    x = rng.normal(size=(ROWS, IN)).astype(np.float32)
    h = 1 / (1 + np.exp(-(0.5 * x.astype(np.float64) @ w1 + 2.0 * b1)))
    h = np.maximum(h @ w2.T + b2, 0)
    write_io("float_data_mlp", x, log_softmax(h @ w3.T + b3))


def matmul_add_model():
    """As tf2onnx writes dense layers: MatMul then Add, the bias on either side; one weight
    given by a Constant node; a regression output (no output transform)."""
    rng = np.random.default_rng(12)
    w1 = rng.normal(size=(IN, H1)).astype(np.float32)
    b1 = rng.normal(size=(H1,)).astype(np.float32)
    w2 = rng.normal(size=(H1, H2)).astype(np.float32)
    b2 = rng.normal(size=(H2,)).astype(np.float32)
    w3 = rng.normal(size=(H2, OUT)).astype(np.float32)
    b3 = rng.normal(size=(OUT,)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["input", "w1"], ["m1"], name="dense/MatMul"),
        helper.make_node("Add", ["m1", "b1"], ["z1"], name="dense/BiasAdd"),
        helper.make_node("Relu", ["z1"], ["h1"], name="dense/Relu"),
        helper.make_node("Constant", [], ["w2"], name="dense_1/kernel", value=tensor("w2", w2, True)),
        helper.make_node("MatMul", ["h1", "w2"], ["m2"], name="dense_1/MatMul"),
        helper.make_node("Add", ["b2", "m2"], ["z2"], name="dense_1/BiasAdd"),
        helper.make_node("Tanh", ["z2"], ["h2"], name="dense_1/Tanh"),
        helper.make_node("MatMul", ["h2", "w3"], ["m3"], name="dense_2/MatMul"),
        helper.make_node("Add", ["m3", "b3"], ["output"], name="dense_2/BiasAdd"),
    ]
    graph = helper.make_graph(
        nodes,
        "matmul_add_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["unk__0", IN])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["unk__1", OUT])],
        [tensor(n, a, True) for n, a in (("w1", w1), ("b1", b1), ("b2", b2), ("w3", w3), ("b3", b3))],
    )
    save(graph, "matmul_add_mlp", opset=15)
    x = rng.normal(size=(ROWS, IN)).astype(np.float32)
    h = np.maximum(x.astype(np.float64) @ w1 + b1, 0)
    h = np.tanh(h @ w2 + b2)
    write_io("matmul_add_mlp", x, h @ w3 + b3)


def gather_model():
    """A Gather (axis 1) of some input columns in front of the first Gemm; float64 weights
    as double_data are not used here (ONNX Runtime needs one dtype per Gemm), so raw float32."""
    rng = np.random.default_rng(13)
    kept = np.array([0, 2, 3, 5, 7], dtype=np.int64)
    w1 = rng.normal(size=(len(kept), H1)).astype(np.float32)
    b1 = rng.normal(size=(H1,)).astype(np.float32)
    w2 = rng.normal(size=(OUT, H1)).astype(np.float32)
    b2 = rng.normal(size=(OUT,)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["x", "kept"], ["xk"], name="select_features", axis=1),
        helper.make_node("Gemm", ["xk", "w1", "b1"], ["z1"], name="dense_1"),
        helper.make_node("Relu", ["z1"], ["h1"], name="relu_1"),
        helper.make_node("Gemm", ["h1", "w2", "b2"], ["z2"], name="dense_2", transB=1),
        helper.make_node("Softmax", ["z2"], ["y"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "gather_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", IN])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", OUT])],
        [tensor(n, a, True) for n, a in (("kept", kept), ("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2))],
    )
    save(graph, "gather_mlp")
    x = rng.normal(size=(ROWS, IN)).astype(np.float32)
    h = np.maximum(x[:, kept].astype(np.float64) @ w1 + b1, 0)
    write_io("gather_mlp", x, softmax(h @ w2.T + b2))


def float64_model():
    """A graph in float64 throughout, initializers as double_data; Flatten at the input."""
    rng = np.random.default_rng(14)
    w1 = rng.normal(size=(H1, IN))  # transB = 1
    b1 = rng.normal(size=(H1,))
    w2 = rng.normal(size=(H1, OUT))
    b2 = rng.normal(size=(OUT,))
    nodes = [
        helper.make_node("Flatten", ["x"], ["xf"], name="flatten", axis=1),
        helper.make_node("Gemm", ["xf", "w1", "b1"], ["z1"], name="dense_1", transB=1),
        helper.make_node("Tanh", ["z1"], ["h1"], name="tanh_1"),
        helper.make_node("Gemm", ["h1", "w2", "b2"], ["y"], name="dense_2"),
    ]
    graph = helper.make_graph(
        nodes,
        "float64_mlp",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["batch", IN])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["batch", OUT])],
        [tensor(n, a, False) for n, a in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2))],
    )
    save(graph, "float64_mlp")
    x = rng.normal(size=(ROWS, IN)).astype(np.float32)
    h = np.tanh(x.astype(np.float64) @ w1.T + b1)
    write_io("float64_mlp", x, h @ w2 + b2)


if __name__ == "__main__":
    torch_model()
    float_data_model()
    matmul_add_model()
    gather_model()
    float64_model()
