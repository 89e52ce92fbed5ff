#!/usr/bin/env python3
"""A random user for Backprop Studio's real window (scripts/monkey.sh runs it under Xvfb).

Usage: monkey.py SEED ACTIONS WIDTH HEIGHT LOG

Clicks (left and right, with Shift or Ctrl), drags, double clicks, the app's keys, the wheel,
typing, numbers typed into sliders and fields with Ctrl+click (huge, negative, NaN), and window
resizes, at random spots and paces, through xdotool on $DISPLAY. Every action goes to LOG before
it is sent, so the last lines name what a crash followed. The same seed gives the same actions
(not the same timing). Stops early when the window is gone.
"""
import random
import subprocess
import sys
import time

KEYS = ["space", "s", "r", "g", "t", "f", "i", "k", "l", "h", "o", "m", "p", "a", "e", "1", "2", "3", "4", "5", "6",
        "ctrl+z", "ctrl+y", "F1", "question", "Escape", "Return", "Tab", "Delete", "BackSpace", "Up", "Down", "Left",
        "Right", "Page_Down", "Home", "End", "minus", "period", "0"]
TYPED = ["9", "99", "-5", "0", "1e9", "1e-9", "-1e30", "3.5", "100000", "nan", "inf", "2147483647", "-2147483648"]


def xdotool(*args):
    subprocess.run(["xdotool", *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)


def window():
    r = subprocess.run(["xdotool", "search", "--name", "Backprop Studio"], capture_output=True, text=True, timeout=20)
    ids = r.stdout.split()
    return ids[0] if ids else None


def main():
    seed, actions, width, height, log_path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    rng = random.Random(seed)
    with open(log_path, "w") as log:
        def say(text):
            log.write(text + "\n")
            log.flush()

        for i in range(actions):
            win = window()
            if not win:
                say(f"{i} the window is gone")
                return
            a = rng.random()
            x, y = rng.randrange(width), rng.randrange(height)
            if a < 0.38:
                button = rng.choice([1, 1, 1, 3])
                mods = rng.choice([[], [], [], ["shift"], ["ctrl"]])
                say(f"{i} click {button} at {x} {y} {'+'.join(mods)}")
                xdotool("mousemove", x, y)
                for m in mods:
                    xdotool("keydown", m)
                xdotool("click", button)
                for m in mods:
                    xdotool("keyup", m)
            elif a < 0.52:
                tx, ty = rng.randrange(width), rng.randrange(height)
                say(f"{i} drag {x} {y} to {tx} {ty}")
                xdotool("mousemove", x, y)
                xdotool("mousedown", 1)
                for k in range(1, 5):
                    xdotool("mousemove", x + (tx - x) * k // 4, y + (ty - y) * k // 4)
                xdotool("mouseup", 1)
            elif a < 0.76:
                key = rng.choice(KEYS)
                say(f"{i} key {key} at {x} {y}")
                xdotool("mousemove", x, y)
                xdotool("key", key)
            elif a < 0.84:
                button, times = rng.choice([4, 5]), rng.randint(1, 5)
                say(f"{i} wheel {button} x{times} at {x} {y}")
                xdotool("mousemove", x, y)
                xdotool("click", "--repeat", times, button)
            elif a < 0.91:
                text = rng.choice(TYPED)
                say(f"{i} ctrl+click at {x} {y}, type {text!r}, Return")
                xdotool("mousemove", x, y)
                xdotool("keydown", "Control_L")
                xdotool("click", 1)
                xdotool("keyup", "Control_L")
                xdotool("key", "ctrl+a", "BackSpace")
                xdotool("type", text)
                xdotool("key", "Return")
            elif a < 0.94:
                text = "".join(rng.choice("0123456789.-e ab") for _ in range(rng.randint(1, 6)))
                say(f"{i} type {text!r}")
                xdotool("type", text)
            elif a < 0.97:
                w, h = rng.randint(300, width), rng.randint(200, height)
                say(f"{i} resize to {w} {h}")
                xdotool("windowsize", win, w, h)
            else:
                say(f"{i} double click at {x} {y}")
                xdotool("mousemove", x, y)
                xdotool("click", "--repeat", 2, 1)
            time.sleep(rng.choice([0.01, 0.03, 0.08, 0.2]))
        say("done")


if __name__ == "__main__":
    main()
