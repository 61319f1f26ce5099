"""Execute a notebook on the Deno kernel and save it with its outputs.

Usage: execute_notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS] [--progress NAME]

Run by `scripts/report.ts` (and the notebook tests) with the Debian/pip nbclient. Two things
differ from `jupyter nbconvert --execute`:

- The Deno kernel sometimes publishes a cell's result *after* it reports the cell idle, and
  nbclient stops reading at idle, dropping it (about 1 run in 3 for a cell ending in an
  expression). `PatientClient` keeps reading the cell's messages until the kernel has been
  quiet for GRACE seconds.
- A failing cell ends the run with one line naming the cell and the error, not a traceback.
- With `--progress NAME`, each progress line a cell shows (an HTML `<pre>` output, as the
  notebooks' training steps write one per epoch) is printed to stdout as `NAME: line`.
"""

import argparse
import html
import os
import re
import sys
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, DeadKernelError
from nbclient.util import ensure_async

GRACE = 0.1  # seconds of silence after idle before a cell counts as finished


class PatientClient(NotebookClient):
    progress_name = None

    def process_message(self, msg, cell, cell_index):
        if self.progress_name and msg["msg_type"] in ("display_data", "update_display_data"):
            shown = msg["content"].get("data", {}).get("text/html", "")
            if shown.startswith("<pre>"):
                line = html.unescape(re.sub(r"<[^>]+>", "", shown)).strip()
                print(f"{self.progress_name}: {line}", flush=True)
        return super().process_message(msg, cell, cell_index)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        while True:  # late outputs of this cell, published after idle
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--progress")
    args = parser.parse_args()
    nb = nbformat.read(args.input, as_version=4)
    client = PatientClient(
        nb,
        timeout=args.timeout,
        kernel_name="deno",
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
    )
    client.progress_name = args.progress
    try:
        client.execute()
    except CellExecutionError as error:
        failed = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        lines = [l for l in str(error).splitlines() if l.strip()]
        last = next((l for l in reversed(lines) if not l.startswith(" ")), lines[-1] if lines else "error")
        where = f"cell {failed + 1}" if failed is not None else "a cell"
        nbformat.write(nb, args.output)
        sys.exit(f"Cannot execute {args.input}: {where} failed: {last.strip()}")
    except DeadKernelError as error:
        sys.exit(f"Cannot execute {args.input}: the Deno kernel died ({error})")
    except Exception as error:  # kernel not found, cannot start, timeout …
        sys.exit(f"Cannot execute {args.input}: {type(error).__name__}: {error}")
    nbformat.write(nb, args.output)


if __name__ == "__main__":
    main()
