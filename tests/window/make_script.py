#!/usr/bin/env python3
"""make_script.py OUT.jsonl: a deterministic input script in the VPT recorder schema that
exercises every input path of the window: walking, sprint, jump, mouse look, clicks, the
inventory opened and closed with E, cursor moves inside it, hotbar keys, and a few idle ticks."""
import json, sys

lines = []
def tick(keys=(), dx=0, dy=0, buttons=()):
    lines.append({"keyboard": {"keys": list(keys)},
                  "mouse": {"dx": dx, "dy": dy, "buttons": list(buttons)}})

for i in range(10): tick(["key.keyboard.w"], dx=3)
for i in range(5): tick(["key.keyboard.w", "key.keyboard.left.control"], dy=-2)
tick(["key.keyboard.space"]); tick([]); tick([], buttons=[0]); tick([], buttons=[0])
tick([]); tick(["key.keyboard.2"]); tick([]); tick(["key.keyboard.e"]); tick([])
for i in range(6): tick([], dx=-20, dy=10)
tick([], buttons=[0]); tick([]); tick([], buttons=[1]); tick([])
tick(["key.keyboard.e"]); tick([])
for i in range(5): tick(["key.keyboard.a", "key.keyboard.left.shift"], dx=-7, dy=4)
for i in range(4): tick(["key.keyboard.d"], buttons=[1])
tick(["key.keyboard.1"]); tick(["key.keyboard.q"])
for i in range(6): tick([])
with open(sys.argv[1], "w") as f:
    for l in lines: f.write(json.dumps(l) + "\n")
