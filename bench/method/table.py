"""Turns bench/run method's JSON lines (stdin or files) into a markdown table."""
import json, sys, fileinput
rows = []
for line in fileinput.input():
    line = line.strip()
    if line.startswith("{"):
        try:
            rows.append(json.loads(line))
        except ValueError:
            pass  # a line still being written
def pt(p, reg):
    if not p:
        return "none"
    f = "%.2f" if reg else "%.3f"
    return ("%.1f%% %s " + f) % (100 * p["density"], "-".join(map(str, p["nodes"])), p["test"])
print("| case | variant | epochs (stop) | s | upload | model avg | final: density nodes test | delivered (validation) | smallest within budget on test | inputs kept (delivered) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    reg = r["upload"] > 1.0001
    f = "%.2f" if reg else "%.3f"
    d = r["delivered"]
    print(("| %s | %s | %d (%s) | %.0f | " + f + " | " + f + " | %s | %s | %s | %s |") % (
        r["case"], r["label"], r["epochs"], r["stop"], r["seconds"], r["upload"], r["modelAverage"],
        pt(r["final"], reg), pt(d, reg), pt(r["bestOnTest"], reg),
        (d["keptInputs"] if d else "-") if r["informative"] else (d["inputs"] if d else "-")))
