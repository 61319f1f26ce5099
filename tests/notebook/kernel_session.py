"""Drive the Deno kernel as Jupyter does, for the tests: start it, run cells, press Stop.

Usage: kernel_session.py < plan.json, where the plan is
{"cwd": DIR, "cells": [{"code": "...", "interrupt_after": SECONDS or null, "timeout": SECONDS}]}.
Prints one JSON object: for each cell its reply status, its outputs (streams, results, errors),
its seconds, and the seconds from the interrupt to the cell's end; and whether the kernel was
alive at the end.

The kernel comes from the kernelspec on JUPYTER_PATH (the tests write one, as `deno task report`
does) and starts with SIGINT at its default, as from a terminal: a background job of a script
would start it with SIGINT ignored, and Stop would then do nothing at all.
"""

import json
import signal
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

GRACE = 0.2  # seconds of listening after idle, for results the kernel publishes late


def run_cell(km, kc, code, interrupt_after, timeout):
    msg_id = kc.execute(code)
    t0 = time.monotonic()
    interrupted_at = None
    idle_at = None
    outputs = []
    while True:
        now = time.monotonic()
        if interrupt_after is not None and interrupted_at is None and now - t0 >= interrupt_after:
            km.interrupt_kernel()  # what Jupyter's Stop button does: SIGINT to the kernel
            interrupted_at = now
        if now - t0 > timeout:
            outputs.append({"type": "timeout"})
            break
        if idle_at is not None and now - idle_at > GRACE:
            break
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            # The Deno kernel may publish a cell's result just after idle: keep listening a bit.
            if idle_at is None:
                idle_at = now
            continue
        if kind == "stream":
            outputs.append({"type": "stream", "name": content["name"], "text": content["text"]})
        elif kind in ("execute_result", "display_data"):
            outputs.append({"type": kind, "text": content["data"].get("text/plain", "")})
        elif kind == "error":
            outputs.append({"type": "error", "ename": content["ename"],
                            "evalue": content["evalue"], "traceback": content["traceback"]})
    end = idle_at if idle_at is not None else time.monotonic()
    try:
        reply = kc.get_shell_msg(timeout=10)["content"]["status"]
    except Empty:
        reply = "no reply"
    return {
        "status": reply,
        "outputs": outputs,
        "seconds": end - t0,
        "after_interrupt": None if interrupted_at is None else end - interrupted_at,
    }


def main():
    plan = json.load(sys.stdin)
    km = KernelManager(kernel_name="deno")
    km.start_kernel(cwd=plan["cwd"],
                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=60)
        for cell in plan["cells"]:
            results.append(run_cell(km, kc, cell["code"], cell.get("interrupt_after"),
                                    cell.get("timeout", 120)))
        alive = km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps({"cells": results, "alive": alive}))


if __name__ == "__main__":
    main()
