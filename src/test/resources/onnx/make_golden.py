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


def torch_image_model():
    """An MLP on small images as torch.onnx.export writes it: input [batch, 1, 4, 4], Flatten,
    Gemm, Sigmoid, Gemm, LogSoftmax."""
    torch.manual_seed(5)
    net = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(16, H1),
        torch.nn.Sigmoid(),
        torch.nn.Linear(H1, OUT),
        torch.nn.LogSoftmax(dim=1),
    )
    net.eval()
    x = torch.rand(ROWS, 1, 4, 4)
    torch.onnx.export(
        net,
        x,
        "torch_image_mlp.onnx",
        input_names=["image"],
        output_names=["log_probs"],
        dynamic_axes={"image": {0: "batch"}, "log_probs": {0: "batch"}},
        opset_version=13,
    )
    with torch.no_grad():
        write_io("torch_image_mlp", x.reshape(ROWS, 16).numpy(), net(x).numpy())


def torch_batchnorm_model():
    """BatchNorm1d as torch.onnx.export writes it in eval mode (BatchNormalization nodes): at the
    input, between a Linear and its ReLU, and after a LeakyReLU (default slope) before the next
    Linear; running statistics and affine parameters set away from their defaults."""
    torch.manual_seed(6)
    net = torch.nn.Sequential(
        torch.nn.BatchNorm1d(IN),
        torch.nn.Linear(IN, H1),
        torch.nn.BatchNorm1d(H1),
        torch.nn.ReLU(),
        torch.nn.Linear(H1, H2),
        torch.nn.LeakyReLU(),
        torch.nn.BatchNorm1d(H2),
        torch.nn.Linear(H2, OUT),
    )
    with torch.no_grad():
        for m in net:
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_mean.copy_(torch.randn(m.num_features))
                m.running_var.copy_(torch.rand(m.num_features) * 2 + 0.2)
                m.weight.copy_(torch.randn(m.num_features))
                m.bias.copy_(torch.randn(m.num_features))
    net.eval()
    x = torch.randn(ROWS, IN)
    torch.onnx.export(
        net,
        x,
        "torch_batchnorm_mlp.onnx",
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
        do_constant_folding=True,
    )
    with torch.no_grad():
        write_io("torch_batchnorm_mlp", x.numpy(), net(x).numpy())


class Standardised(torch.nn.Module):
    """A network that standardises its own inputs, (x - mean) / sd, and scales a hidden layer's
    output by a constant: Sub, Div and Mul nodes with constant operands."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.randn(IN) * 3)
        self.register_buffer("sd", torch.rand(IN) * 4 + 0.5)
        self.fc1 = torch.nn.Linear(IN, H1)
        self.fc2 = torch.nn.Linear(H1, OUT)

    def forward(self, x):
        h = torch.relu(self.fc1((x - self.mean) / self.sd))
        return self.fc2(h * 1.5)


def torch_standardised_model():
    """Standardisation baked into the model, as torch.onnx.export writes it."""
    torch.manual_seed(8)
    net = Standardised()
    net.eval()
    x = torch.randn(ROWS, IN) * 3
    torch.onnx.export(
        net,
        x,
        "torch_standardised_mlp.onnx",
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
        do_constant_folding=True,
    )
    with torch.no_grad():
        write_io("torch_standardised_mlp", x.numpy(), net(x).numpy())


class Viewed(torch.nn.Module):
    """An MLP on small images that flattens with x.view(x.size(0), -1): with a dynamic batch,
    torch.onnx.export computes the Reshape's shape from the input's Shape."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(16, H1)
        self.fc2 = torch.nn.Linear(H1, OUT)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.view(x.size(0), -1))))


def torch_view_model():
    torch.manual_seed(9)
    net = Viewed()
    net.eval()
    x = torch.rand(ROWS, 1, 4, 4)
    torch.onnx.export(
        net,
        x,
        "torch_view_mlp.onnx",
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
        do_constant_folding=True,
    )
    with torch.no_grad():
        write_io("torch_view_mlp", x.reshape(ROWS, 16).numpy(), net(x).numpy())


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


def sklearn_style(name, kind):
    """The graph sklearn-onnx writes for MLPClassifier (zipmap=False) and MLPRegressor: a Cast
    at the input, MatMul then Add with [1, n] intercepts, and for classifiers a label output
    (ArgMax, ArrayFeatureExtractor, Reshape, Cast) beside the probabilities. Built by hand here
    (sklearn-onnx is not packaged by Debian), following that converter's structure."""
    rng = np.random.default_rng({"multiclass": 21, "binary": 22, "regressor": 23}[kind])
    out = {"multiclass": OUT, "binary": 1, "regressor": 1}[kind]
    sizes = [IN, H1, H2, out]
    inits, nodes = [], [helper.make_node("Cast", ["X"], ["cast_input"], name="Cast", to=TensorProto.FLOAT)]
    current = "cast_input"
    ws, bs = [], []
    for i in range(3):
        w = rng.normal(size=(sizes[i], sizes[i + 1])).astype(np.float32)
        b = rng.normal(size=(1, sizes[i + 1])).astype(np.float32)
        ws.append(w)
        bs.append(b)
        inits += [tensor("coefficient%d" % i, w, True), tensor("intercepts%d" % i, b, True)]
        nodes.append(helper.make_node("MatMul", [current, "coefficient%d" % i], ["mul_result%d" % i], name="MatMul%d" % i))
        nodes.append(helper.make_node("Add", ["mul_result%d" % i, "intercepts%d" % i], ["add_result%d" % i], name="Add%d" % i))
        if i < 2:
            nodes.append(helper.make_node("Relu", ["add_result%d" % i], ["next_activations%d" % i], name="Relu%d" % i))
            current = "next_activations%d" % i
    last = {"multiclass": "Softmax", "binary": "Sigmoid", "regressor": "Identity"}[kind]
    nodes.append(helper.make_node(last, ["add_result2"], ["out_activations_result"], name=last))
    x = rng.normal(size=(ROWS, IN)).astype(np.float32)
    h = x.astype(np.float64)
    for i in range(2):
        h = np.maximum(h @ ws[i] + bs[i], 0)
    z = h @ ws[2] + bs[2]
    outputs = []
    if kind == "regressor":
        inits.append(tensor("shape_tensor", np.array([-1, 1], dtype=np.int64), True))
        nodes.append(helper.make_node("Reshape", ["out_activations_result", "shape_tensor"], ["variable"], name="Reshape"))
        outputs.append(helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1]))
        y = z
    else:
        if kind == "binary":
            inits.append(tensor("unity", np.array(1, dtype=np.float32), True))
            nodes.append(helper.make_node("Sub", ["unity", "out_activations_result"], ["negative_class_proba"], name="Sub"))
            nodes.append(helper.make_node("Concat", ["negative_class_proba", "out_activations_result"], ["probabilities"], name="Concat", axis=1))
            p = 1 / (1 + np.exp(-z))
            y = np.concatenate([1 - p, p], axis=1)
            classes = 2
        else:
            nodes.append(helper.make_node("Identity", ["out_activations_result"], ["probabilities"], name="Identity"))
            y = softmax(z)
            classes = OUT
        inits.append(helper.make_tensor("classes", TensorProto.INT32, [classes], list(range(classes))))
        nodes.append(helper.make_node("ArgMax", ["probabilities"], ["argmax_output"], name="ArgMax", axis=1))
        nodes.append(helper.make_node("ArrayFeatureExtractor", ["classes", "argmax_output"], ["array_feature_extractor_result"], name="ArrayFeatureExtractor", domain="ai.onnx.ml"))
        inits.append(tensor("shape_tensor", np.array([-1], dtype=np.int64), True))
        nodes.append(helper.make_node("Reshape", ["array_feature_extractor_result", "shape_tensor"], ["reshaped_result"], name="Reshape"))
        nodes.append(helper.make_node("Cast", ["reshaped_result"], ["label"], name="Cast1", to=TensorProto.INT64))
        outputs.append(helper.make_tensor_value_info("label", TensorProto.INT64, [None]))
        outputs.append(helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, classes]))
    graph = helper.make_graph(
        nodes, "mlp_" + kind, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, IN])], outputs, inits
    )
    model = helper.make_model(
        graph,
        producer_name="skl2onnx",
        opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)],
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")
    write_io(name, x, y)


if __name__ == "__main__":
    torch_image_model()
    sklearn_style("sklearn_style_multiclass", "multiclass")
    sklearn_style("sklearn_style_binary", "binary")
    sklearn_style("sklearn_style_regressor", "regressor")
    torch_model()
    torch_batchnorm_model()
    torch_standardised_model()
    torch_view_model()
    float_data_model()
    matmul_add_model()
    gather_model()
    float64_model()
