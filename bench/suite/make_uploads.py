#!/usr/bin/python3
"""Networks trained elsewhere, to convergence: the uploads of the benchmark suite.

Each case and seed becomes a folder bench/.cache/suite/<case>-s<seed>/ holding
  model.onnx   the trained network as PyTorch exports it (Gemm + Relu/Tanh, logits out)
  upload.*     the rows the network was trained on: what a user uploads as its dataset
  test.*       held-out rows the service never sees, to score the delivered network
  case.json    kind, files, sizes, informative inputs, the upload's test score, training

Formats: tables go as one NPZ (float32 features `x`, labels `y`: int64 classes or float32
targets), which the service reads exactly, with no number parsing or header and delimiter
guessing; images go as gzipped IDX (uint8 pixels, the service divides by 255, as the network
saw them in training), a quarter of the size of the float features.

Tables are standardised with the upload rows' means and deviations (digits divided by 16) and the
network is trained on those features, so the dataset is what the network consumes; the
simulations (friedman1, bai-sim) keep their raw uniform inputs. Regressions are trained on a
standardised target and the scale is folded back into the last layer, so the network predicts
the target in its own units.

Training: Adam with weight decay, a cosine learning-rate schedule to zero, fixed epochs per case
(enough for the training loss to flatten). Deterministic per seed (one thread). Subnormal weights
are flushed to zero before export.

Run: /usr/bin/python3 bench/suite/make_uploads.py [case ...] [--seeds 1,2,3] [--force]
"""

import argparse
import gzip
import io
import json
import math
import os
import shutil
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(ROOT, "bench", ".cache")
OUT = os.path.join(CACHE, "suite")
MNIST_DIR = os.path.join(CACHE, "mnist", "package", "data")
FASHION_DIR = "/usr/share/datasets/fashion-mnist"

# name: (kind, architecture, activation, epochs, batch, lr, weight decay)
CASES = {
    "wine": ("classification", [13, 32, 16, 3], "relu", 300, 16, 1e-3, 1e-4),
    "breast-cancer": ("classification", [30, 64, 32, 2], "relu", 200, 32, 1e-3, 1e-4),
    "diabetes": ("regression", [10, 32, 16, 1], "tanh", 150, 32, 1e-3, 1e-3),
    "digits": ("classification", [64, 128, 64, 10], "relu", 100, 32, 1e-3, 1e-4),
    "friedman1": ("regression", [10, 32, 16, 1], "tanh", 400, 64, 2e-3, 1e-5),
    "bai-sim": ("regression", [200, 7, 7, 7, 1], "tanh", 600, 64, 2e-3, 1e-2),
    "mnist-5k": ("classification", [784, 300, 100, 10], "relu", 60, 128, 1e-3, 1e-5),
    "fashion-12k": ("classification", [784, 300, 100, 10], "relu", 50, 128, 1e-3, 1e-5),
    "mnist": ("classification", [784, 300, 100, 10], "relu", 30, 128, 1e-3, 1e-5),
    "fashion": ("classification", [784, 300, 100, 10], "relu", 30, 128, 1e-3, 1e-5),
    "deep": ("classification", [784, 400, 400, 400, 10], "relu", 30, 128, 1e-3, 1e-5),
    # regimes no default was tuned on: run them after a change to the defaults, not while making it
    "iris": ("classification", [4, 16, 8, 3], "relu", 300, 16, 1e-3, 1e-4),
    "classes": ("classification", [20, 64, 32, 4], "relu", 150, 32, 1e-3, 1e-4),
    "sparse-linear": ("regression", [50, 24, 1], "sigmoid", 300, 32, 1e-3, 1e-4),
    "fashion-5k-wide": ("classification", [784, 512, 10], "relu", 60, 128, 1e-3, 1e-5),
    # binary classifiers with one output, as PyTorch users write them: the logit of class 1
    # (BCEWithLogitsLoss), or a network that ends in a Sigmoid (BCELoss)
    "cancer-logit": ("classification", [30, 64, 32, 1], "relu", 200, 32, 1e-3, 1e-4),
    "binary-sigmoid": ("classification", [20, 32, 16, 1], "tanh", 150, 32, 1e-3, 1e-4),
    "digits-bn": ("classification", [64, 128, 64, 10], "relu", 100, 32, 1e-3, 1e-4),
    "classes-leaky": ("classification", [20, 64, 32, 4], "leaky_relu", 150, 32, 1e-3, 1e-4),
}
BINARY_HEAD = {"cancer-logit": "logit", "binary-sigmoid": "sigmoid"}
# a BatchNorm1d after every hidden Linear, before its activation (exported as
# BatchNormalization nodes, which the service folds into the layers)
BATCH_NORM = {"digits-bn"}
SMALL = ["wine", "breast-cancer", "diabetes", "digits", "friedman1", "bai-sim",
         "iris", "classes", "sparse-linear", "cancer-logit", "binary-sigmoid", "digits-bn",
         "classes-leaky"]
INFORMATIVE = {"friedman1": [0, 1, 2, 3, 4], "bai-sim": [0, 1, 2, 3, 4],
               "sparse-linear": [0, 1, 2, 3, 4]}
TINY = np.finfo(np.float32).tiny


def log(*args):
    print("[make_uploads]", *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def split(n, test_fraction, rng, labels=None):
    """Row indices (upload, test); stratified when labels are given."""
    if labels is None:
        order = rng.permutation(n)
        cut = int(round(n * (1 - test_fraction)))
        return np.sort(order[:cut]), np.sort(order[cut:])
    upload, test = [], []
    for c in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == c))
        cut = int(round(len(rows) * (1 - test_fraction)))
        upload.extend(rows[:cut])
        test.extend(rows[cut:])
    return np.sort(np.array(upload)), np.sort(np.array(test))


def standardise(x_up, x_te):
    mean = x_up.mean(axis=0)
    sd = x_up.std(axis=0)
    sd[sd == 0] = 1
    return (x_up - mean) / sd, (x_te - mean) / sd


def table(name, seed):
    """(x_upload, y_upload, x_test, y_test) as float32 features, int64 or float32 labels."""
    from sklearn import datasets

    rng = np.random.default_rng(seed)
    if name in ("wine", "breast-cancer", "diabetes", "digits", "iris", "cancer-logit", "digits-bn"):
        loader = {
            "iris": datasets.load_iris,
            "wine": datasets.load_wine,
            "breast-cancer": datasets.load_breast_cancer,
            "cancer-logit": datasets.load_breast_cancer,
            "diabetes": datasets.load_diabetes,
            "digits": datasets.load_digits,
            "digits-bn": datasets.load_digits,
        }[name]
        x, y = loader(return_X_y=True)
        x = x.astype(np.float64)
        classification = CASES[name][0] == "classification"
        up, te = split(len(x), 0.3, rng, y if classification else None)
        if name in ("digits", "digits-bn"):
            x_up, x_te = x[up] / 16.0, x[te] / 16.0
        else:
            x_up, x_te = standardise(x[up], x[te])
        y_up, y_te = y[up], y[te]
    elif name == "friedman1":
        x, y = datasets.make_friedman1(n_samples=3000, n_features=10, noise=1.0, random_state=seed)
        x_up, y_up, x_te, y_te = x[:2000], y[:2000], x[2000:], y[2000:]
    elif name == "bai-sim":
        n, p = 4000, 200
        x = rng.uniform(-1, 1, size=(n, p))
        x1, x2, x3, x4, x5 = (x[:, i] for i in range(5))
        y = 7 * x2 / (1 + x1**2) + 5 * np.sin(x3 * x4) + 2 * x5 + rng.normal(0, 1, n)
        x_up, y_up, x_te, y_te = x[:3000], y[:3000], x[3000:], y[3000:]
    elif name in ("classes", "classes-leaky"):
        x, y = datasets.make_classification(
            n_samples=3500, n_features=20, n_informative=6, n_redundant=4, n_classes=4,
            n_clusters_per_class=2, class_sep=1.0, random_state=seed)
        x_up, x_te = standardise(x[:2500], x[2500:])
        y_up, y_te = y[:2500], y[2500:]
    elif name == "binary-sigmoid":
        x, y = datasets.make_classification(
            n_samples=3000, n_features=20, n_informative=5, n_redundant=3, n_classes=2,
            n_clusters_per_class=3, class_sep=0.8, flip_y=0.03, random_state=seed)
        x_up, x_te = standardise(x[:2000], x[2000:])
        y_up, y_te = y[:2000], y[2000:]
    elif name == "sparse-linear":
        # a linear target on 5 of 50 inputs; 1,200 training rows, noise 1: a network with 24
        # sigmoid nodes learns the noise too
        n, p = 2200, 50
        x = rng.normal(0, 1, size=(n, p))
        coef = np.array([3.0, -2.0, 1.5, -1.0, 2.5])
        y = x[:, :5] @ coef + rng.normal(0, 1, n)
        x_up, y_up, x_te, y_te = x[:1200], y[:1200], x[1200:], y[1200:]
    else:
        raise ValueError(name)
    label_type = np.int64 if CASES[name][0] == "classification" else np.float32
    return (
        x_up.astype(np.float32),
        y_up.astype(label_type),
        x_te.astype(np.float32),
        y_te.astype(label_type),
    )


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def write_idx(path, array):
    with gzip.open(path, "wb", compresslevel=6) as f:
        if array.ndim == 2:
            f.write(struct.pack(">IIII", 0x803, array.shape[0], 28, 28))
        else:
            f.write(struct.pack(">II", 0x801, array.shape[0]))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def images(name, seed):
    """(pixels_upload, labels_upload, pixels_test, labels_test) as uint8 arrays."""
    fashion = name.startswith("fashion")
    d = FASHION_DIR if fashion else MNIST_DIR
    if not os.path.isdir(d):
        raise SystemExit(
            f"missing {d}: "
            + ("apt-get install dataset-fashion-mnist" if fashion else "run bench/run suite once")
        )
    suffix = ".gz" if fashion else ""
    xs = read_idx(os.path.join(d, "train-images-idx3-ubyte" + suffix))
    ys = read_idx(os.path.join(d, "train-labels-idx1-ubyte" + suffix))
    xt = read_idx(os.path.join(d, "t10k-images-idx3-ubyte" + suffix))
    yt = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte" + suffix))
    subset = {"mnist-5k": 5000, "fashion-12k": 12000, "fashion-5k-wide": 5000}.get(name)
    if subset:
        rows = np.sort(np.random.default_rng(seed).permutation(len(xs))[:subset])
        xs, ys = xs[rows], ys[rows]
    return xs, ys, xt, yt


# ---------------------------------------------------------------- training


def network(arch, activation, head=None, batch_norm=False):
    layers = []
    for i in range(len(arch) - 1):
        layers.append(nn.Linear(arch[i], arch[i + 1]))
        if i < len(arch) - 2:
            if batch_norm:
                layers.append(nn.BatchNorm1d(arch[i + 1]))
            layers.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                           "leaky_relu": nn.LeakyReLU}[activation]())
    if head == "sigmoid":
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def train(name, seed, x, y):
    kind, arch, activation, epochs, batch, lr, wd = CASES[name]
    torch.manual_seed(seed)
    head = BINARY_HEAD.get(name)
    net = network(arch, activation, head, name in BATCH_NORM)
    x = torch.as_tensor(x, dtype=torch.float32)
    classification = kind == "classification"
    if head is not None:
        y = torch.as_tensor(y, dtype=torch.float32)
        loss_fn = nn.BCELoss() if head == "sigmoid" else nn.BCEWithLogitsLoss()
        y_mean, y_sd = 0.0, 1.0
    elif classification:
        y = torch.as_tensor(y, dtype=torch.long)
        loss_fn = nn.CrossEntropyLoss()
        y_mean, y_sd = 0.0, 1.0
    else:
        y = torch.as_tensor(y, dtype=torch.float32)
        y_mean, y_sd = float(y.mean()), float(y.std())
        y = (y - y_mean) / y_sd
        loss_fn = nn.MSELoss()
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=wd)
    steps_per_epoch = math.ceil(len(x) / batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        total = 0.0
        for s in range(steps_per_epoch):
            idx = perm[s * batch : (s + 1) * batch]
            out = net(x[idx])
            one = head is not None or not classification
            loss = loss_fn(out.squeeze(1) if one else out, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        losses.append(total / len(x))
    with torch.no_grad():
        last = [m for m in net if isinstance(m, nn.Linear)][-1]
        last.weight.mul_(y_sd)
        last.bias.mul_(y_sd).add_(y_mean)
        for p in net.parameters():
            p[p.abs() < TINY] = 0.0
    net.eval()  # BatchNorm1d on its running statistics (no other layer here depends on the mode)
    return net, losses


def score(net, kind, x, y, head=None):
    with torch.no_grad():
        out = net(torch.as_tensor(x, dtype=torch.float32))
    if head is not None:
        cut = 0.5 if head == "sigmoid" else 0.0
        return {"accuracy": float(((out[:, 0] > cut).numpy().astype(np.int64) == y).mean())}
    if kind == "classification":
        return {"accuracy": float((out.argmax(1).numpy() == y).mean())}
    return {"rmse": float(np.sqrt(((out.squeeze(1).numpy() - y) ** 2).mean()))}


def export(net, inputs, path):
    buf = io.BytesIO()
    torch.onnx.export(
        net,
        torch.zeros(1, inputs),
        buf,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        opset_version=13,
    )
    with open(path, "wb") as f:
        f.write(buf.getvalue())


# ---------------------------------------------------------------- cases


def make(name, seed, force):
    folder = os.path.join(OUT, f"{name}-s{seed}")
    if os.path.exists(os.path.join(folder, "case.json")) and not force:
        log(f"{name}-s{seed}: exists")
        return
    started = time.time()
    tmp = folder + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    kind, arch, activation, epochs, batch, lr, wd = CASES[name]
    if name in SMALL:
        x_up, y_up, x_te, y_te = table(name, seed)
        np.savez(os.path.join(tmp, "upload.npz"), x=x_up, y=y_up)
        np.savez(os.path.join(tmp, "test.npz"), x=x_te, y=y_te)
        data = {"format": "npz", "upload": {"file": "upload.npz"}, "test": {"file": "test.npz"}}
        xf_up, xf_te = x_up, x_te
    else:
        x_up, y_up, x_te, y_te = images(name, seed)
        write_idx(os.path.join(tmp, "upload-images.idx.gz"), x_up)
        write_idx(os.path.join(tmp, "upload-labels.idx.gz"), y_up)
        write_idx(os.path.join(tmp, "test-images.idx.gz"), x_te)
        write_idx(os.path.join(tmp, "test-labels.idx.gz"), y_te)
        data = {
            "format": "idx",
            "upload": {"images": "upload-images.idx.gz", "labels": "upload-labels.idx.gz"},
            "test": {"images": "test-images.idx.gz", "labels": "test-labels.idx.gz"},
        }
        xf_up = x_up.astype(np.float32) / 255.0
        xf_te = x_te.astype(np.float32) / 255.0
        y_up, y_te = y_up.astype(np.int64), y_te.astype(np.int64)
    net, losses = train(name, seed, xf_up, y_up)
    export(net, arch[0], os.path.join(tmp, "model.onnx"))
    case = {
        "case": name,
        "seed": seed,
        "kind": kind,
        "format": data["format"],
        "upload": data["upload"],
        "test": data["test"],
        "target": "y" if data["format"] == "npz" else None,
        "model": "model.onnx",
        "inputs": arch[0],
        "outputs": arch[-1],
        "architecture": arch,
        "activation": activation,
        "informative_inputs": INFORMATIVE.get(name),
        "rows_upload": int(len(xf_up)),
        "rows_test": int(len(xf_te)),
        "upload_train_score": score(net, kind, xf_up, y_up, BINARY_HEAD.get(name)),
        "upload_test_score": score(net, kind, xf_te, y_te, BINARY_HEAD.get(name)),
        "binary_head": BINARY_HEAD.get(name),
        "training": {
            "optimizer": "Adam",
            "epochs": epochs,
            "batch": batch,
            "learning_rate": lr,
            "schedule": "cosine to 0",
            "weight_decay": wd,
            "first_epoch_loss": losses[0],
            "last_epoch_loss": losses[-1],
            "loss_at_90_percent": losses[int(0.9 * (len(losses) - 1))],
            "seconds": round(time.time() - started, 1),
        },
    }
    with open(os.path.join(tmp, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(tmp, folder)
    log(f"{name}-s{seed}: test {case['upload_test_score']} train {case['upload_train_score']} "
        f"loss {losses[0]:.4f} -> {losses[-1]:.4f} in {case['training']['seconds']} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="*", default=list(CASES))
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        raise SystemExit(f"unknown cases {unknown}; known: {list(CASES)}")
    os.makedirs(OUT, exist_ok=True)
    for name in args.cases:
        for seed in (int(s) for s in args.seeds.split(",")):
            make(name, seed, args.force)


if __name__ == "__main__":
    main()
