#!/usr/bin/env python3
"""Makes the example model and dataset of examples/: the UCI handwritten digits (8x8 pixels,
1,797 images, from Debian's python3-sklearn) and a 64-32-16-10 ReLU network trained with PyTorch,
exported to ONNX. Deterministic: the same files come out every time.

The network is trained on one half of the digits and digits.csv holds the other half, so the
service's validation and test splits are rows the uploaded network never saw, and its comparison
of the pruned network with the uploaded one is fair (a network scored on its own training rows
looks better than it is).

    apt-get install -y --no-install-recommends python3-torch python3-sklearn
    /usr/bin/python3 examples/make_example.py
"""
import csv
import os

import torch
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(0)
    digits = load_digits()
    order = torch.randperm(len(digits.target), generator=torch.Generator().manual_seed(7))
    trained, uploaded = order[: len(order) // 2], order[len(order) // 2:]
    x_all = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y_all = torch.tensor(digits.target, dtype=torch.long)
    x, y = x_all[trained], y_all[trained]

    net = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 10))
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(60):
        for batch in torch.randperm(len(x)).split(64):
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
            optimiser.step()
    with torch.no_grad():
        accuracy = (net(x_all[uploaded]).argmax(1) == y_all[uploaded]).float().mean().item()

    torch.onnx.export(net, x[:1], os.path.join(HERE, "digits-mlp.onnx"),
                      input_names=["pixels"], output_names=["logits"],
                      dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)
    with open(os.path.join(HERE, "digits.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"pixel{i}" for i in range(64)] + ["digit"])
        for i in uploaded.tolist():
            writer.writerow([f"{v:.4f}" for v in digits.data[i] / 16.0] + [int(digits.target[i])])
    print(f"wrote digits-mlp.onnx (accuracy {accuracy:.3f} on the rows of digits.csv, which it"
          " never saw) and digits.csv")


if __name__ == "__main__":
    main()
