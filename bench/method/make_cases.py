"""Uploads trained to convergence elsewhere (PyTorch), for the method experiment when the suite's
cases are not there yet. Writes bench/.cache/method/<case>-s<seed>/: model.onnx, train.csv (the
data the network was trained on), test.csv (held out), case.json. Run with /usr/bin/python3."""
import json, os, sys
import numpy as np
import torch
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "method")


def bai_sim(rng, n):
    x = rng.uniform(-1, 1, size=(n, 200))
    y = 7 * x[:, 1] / (1 + x[:, 0] ** 2) + 5 * np.sin(x[:, 2] * x[:, 3]) + 2 * x[:, 4] + rng.normal(size=n)
    return x, y


CASES = {
    # name: (loader, hidden, activation, kind, epochs, weight decay, informative)
    "breast-cancer": ("bc", [64, 32], "relu", "classification", 300, 1e-4, None),
    "wine": ("wine", [32, 16], "relu", "classification", 400, 1e-4, None),
    "diabetes": ("diabetes", [32, 16], "tanh", "regression", 400, 1e-4, None),
    "friedman1": ("friedman1", [32, 16], "relu", "regression", 300, 1e-4, [0, 1, 2, 3, 4]),
    "bai-sim": ("bai", [7, 7, 7], "relu", "regression", 400, 1e-4, [0, 1, 2, 3, 4]),
    "digits": ("digits", [128, 64], "relu", "classification", 150, 1e-4, None),
    "fashion-12k": ("fashion12k", [300, 100], "relu", "classification", 40, 1e-4, None),
}

FASHION = "/usr/share/datasets/fashion-mnist"


def idx(name):
    import gzip
    with gzip.open(os.path.join(FASHION, name)) as f:
        data = f.read()
    if data[3] == 3:
        return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 784) / 255.0
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def load(name, seed):
    rng = np.random.default_rng(seed)
    if name == "bc":
        d = datasets.load_breast_cancer(); x, y = d.data, d.target
    elif name == "wine":
        d = datasets.load_wine(); x, y = d.data, d.target
    elif name == "digits":
        d = datasets.load_digits(); x, y = d.data / 16.0, d.target
    elif name == "diabetes":
        d = datasets.load_diabetes(); x, y = d.data, d.target
    elif name == "friedman1":
        x, y = datasets.make_friedman1(n_samples=2500, n_features=10, noise=1.0, random_state=seed)
    elif name == "fashion12k":
        x, y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
        pick = rng.permutation(len(x))[:12000]
        xt, yt = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
        return np.concatenate([x[pick], xt]), np.concatenate([y[pick], yt])
    else:
        x, y = bai_sim(rng, 3750)
    return x.astype(np.float64), y


def main(seeds, names):
    for name in names:
        key, hidden, act, kind, epochs, wd, informative = CASES[name]
        for seed in seeds:
            out = os.path.join(ROOT, f"{name}-s{seed}")
            if os.path.exists(os.path.join(out, "case.json")):
                continue
            os.makedirs(out, exist_ok=True)
            torch.manual_seed(seed)
            x, y = load(key, seed)
            strat = y if kind == "classification" else None
            if key == "fashion12k":  # the upload's 12,000 rows; the test set is Fashion-MNIST's own
                xtr, xte, ytr, yte = x[:12000], x[12000:], y[:12000], y[12000:]
            else:
                xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=strat)
            if key in ("bc", "wine", "diabetes"):
                sc = StandardScaler().fit(xtr); xtr, xte = sc.transform(xtr), sc.transform(xte)
            classes = int(y.max()) + 1 if kind == "classification" else 1
            widths = [x.shape[1]] + hidden + [classes]
            layers = []
            for i in range(len(widths) - 1):
                layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
                if i < len(widths) - 2:
                    layers.append(torch.nn.ReLU() if act == "relu" else torch.nn.Tanh())
            net = torch.nn.Sequential(*layers)
            X = torch.tensor(xtr, dtype=torch.float32)
            if kind == "classification":
                Y = torch.tensor(ytr, dtype=torch.long); loss_fn = torch.nn.CrossEntropyLoss()
            else:
                ym, ys = ytr.mean(), ytr.std()
                Y = torch.tensor((ytr - ym) / ys, dtype=torch.float32).unsqueeze(1); loss_fn = torch.nn.MSELoss()
            opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=wd)
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
            n = len(X)
            for ep in range(epochs):
                perm = torch.randperm(n)
                bs = 32 if n < 5000 else 128
                for i in range(0, n, bs):
                    rows = perm[i:i + bs]
                    opt.zero_grad(); loss = loss_fn(net(X[rows]), Y[rows]); loss.backward(); opt.step()
                sched.step()
            with torch.no_grad():
                if kind == "regression":  # fold the target's standardisation into the last layer
                    last = layers[-1]; last.weight.mul_(float(ys)); last.bias.mul_(float(ys)).add_(float(ym))
                for m in net:
                    if isinstance(m, torch.nn.Linear):
                        m.weight[m.weight.abs() < 1e-30] = 0
                pte = net(torch.tensor(xte, dtype=torch.float32)).numpy()
                ptr = net(X).numpy()
            if kind == "classification":
                score = float((pte.argmax(1) == yte).mean()); train_score = float((ptr.argmax(1) == ytr).mean())
            else:
                score = float(np.sqrt(((pte[:, 0] - yte) ** 2).mean())); train_score = float(np.sqrt(((ptr[:, 0] - ytr) ** 2).mean()))
            torch.onnx.export(net, torch.zeros(1, widths[0]), os.path.join(out, "model.onnx"),
                              input_names=["x"], output_names=["y"], opset_version=13)
            for fname, xs, ys_ in (("train.csv", xtr, ytr), ("test.csv", xte, yte)):
                cols = [f"x{i+1}" for i in range(xs.shape[1])] + ["target"]
                with open(os.path.join(out, fname), "w") as f:
                    f.write(",".join(cols) + "\n")
                    for r, t in zip(xs, ys_):
                        f.write(",".join(f"{v:.5g}" for v in r) + "," + (str(int(t)) if kind == "classification" else f"{t:.7g}") + "\n")
            case = {"case": name, "seed": seed, "kind": kind, "target": "target", "model": "model.onnx",
                    "train": "train.csv", "test": "test.csv", "inputs": widths[0], "outputs": classes,
                    "architecture": widths, "activation": act, "informative": informative,
                    "uploadTestScore": score, "uploadTrainScore": train_score, "epochs": epochs}
            with open(os.path.join(out, "case.json"), "w") as f:
                json.dump(case, f, indent=1)
            print(json.dumps(case), flush=True)


if __name__ == "__main__":
    seeds = [int(s) for s in os.environ.get("SEEDS", "1").split(",")]
    names = sys.argv[1:] or list(CASES)
    main(seeds, names)
