"""Execute one Jupyter notebook with nbclient and write the executed copy, normalised.

Usage: /usr/bin/python3 tests/support/run_notebook.py IN.ipynb OUT.ipynb [--timeout S] [--settle S] [--kernel K]

Called by tests/support/jupyter.ts (Debian's python3-nbclient; the `python3` on PATH may lack it). Prints one
JSON line on stdout: {"seconds": ..., "late": [[cell index, outputs], ...], "error": null | "..."}.

Why not plain `jupyter nbconvert --execute`: the Deno kernel can publish a cell's output (its execute_result, a
display, a log line) after it has reported the cell idle. nbclient stops listening for a cell at idle and drops
messages addressed to an earlier cell, so such an output is lost at random (DESIGN §7). This client keeps
listening to the cell that just finished until the kernel has been quiet for `--settle` seconds, and files every
message by the request it answers (its parent header), so each output lands in its own cell on every run.

The copy is normalised so that re-running unchanged notebooks changes nothing: no timing metadata, no
kernel-generated widget state, keys sorted (nbformat's writer), one trailing newline.
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async


class SettlingClient(NotebookClient):
    """A NotebookClient that waits for late outputs of each cell before moving on."""

    settle_seconds = 0.15

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = {}

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        # The kernel said idle; outputs may still be on their way. Listen until it has been quiet for a while.
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.settle_seconds))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            if msg["msg_type"] in ("status", "execute_input"):
                continue
            self.late[cell_index] = self.late.get(cell_index, 0) + 1
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass


def normalise(nb):
    """Drop what changes from run to run without the notebook changing."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("transient", None)
                out.pop("transient", None)
    return nb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--settle", type=float, default=0.15)
    parser.add_argument("--kernel", default="deno")
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    client = SettlingClient(
        nb,
        timeout=int(args.timeout),
        kernel_name=args.kernel,
        record_timing=False,
        allow_errors=True,
        iopub_timeout=10,
        resources={"metadata": {"path": str(Path(args.input).resolve().parent)}},
    )
    client.settle_seconds = args.settle
    error = None
    t0 = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as e:  # only with allow_errors=False; kept for clarity
        error = str(e)
    except Exception as e:  # timeout, dead kernel, missing kernel: report, still write what ran
        error = f"{type(e).__name__}: {e}"
    seconds = time.monotonic() - t0
    nbformat.write(normalise(nb), args.output)
    print(json.dumps({"seconds": seconds, "late": sorted(client.late.items()), "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
