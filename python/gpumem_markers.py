"""Phase markers for `gpumem measure` (protocol: docs/markers.md). One file, standard library only.

Copy this file next to your training script (or put python/ on PYTHONPATH) and mark what you want measured:

    import gpumem_markers as gm
    import torch                      # imports and start-up are not the model's memory:
    gm.baseline()                     # gpumem's CPU baseline moves here
    with gm.phase("load"):
        model = build().to(device)
    with gm.phase("forward"):
        hidden = model(ids)
    gm.mark("loss")                   # an end-only marker: the interval since the previous boundary

Outside `gpumem measure` (GPUMEM_MARKERS unset) every call does nothing, so the script runs unchanged.

torch is optional and never imported here: the counters (torch.cuda.memory_allocated and friends) are read only
when the script itself imported torch, CUDA is available and already initialised, so a CPU-only torch, or a
script before its first CUDA call, never reaches torch.cuda.synchronize().

Ranks: when RANK is set (torchrun, Slurm with RANK exported, or by hand) each line carries `rank=R pid=P`, so
several processes append to the one markers file and gpumem keeps each rank's phases apart. Each line is one
os.write on a file opened with O_APPEND, so lines of different ranks never interleave.

Callbacks that mark load / forward / loss / backward / optimizer_step / second_step without touching the loop:
`HFMarkerCallback` (a transformers.TrainerCallback, defined when transformers imports) and
`LightningMarkerCallback` (a lightning Callback, defined when lightning or pytorch_lightning imports).

The request gpumem planned (GPU filled in) is at GPUMEM_REQUEST when measured with `--request`: `request()`.
"""

import contextlib
import json
import os
import sys
import time

MARKERS_ENV = "GPUMEM_MARKERS"
REQUEST_ENV = "GPUMEM_REQUEST"
BASELINE = "baseline"
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

__all__ = ["Markers", "phase", "mark", "begin", "end", "baseline", "request", "rank_info", "default",
           "MARKERS_ENV", "REQUEST_ENV"]


def _int_env(env, key):
    value = env.get(key)
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def rank_info(env=None):
    """Returns (rank, local_rank, world_size) from RANK / LOCAL_RANK / WORLD_SIZE; None where unset or not a number."""
    env = os.environ if env is None else env
    return _int_env(env, "RANK"), _int_env(env, "LOCAL_RANK"), _int_env(env, "WORLD_SIZE")


def check_name(name):
    """Returns name if it is a valid phase name (1-64 letters, digits, '_', '.', '-'), else raises ValueError."""
    if not isinstance(name, str) or not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARS:
        raise ValueError("phase name %r: must be 1-64 letters, digits, '_', '.' or '-'" % (name,))
    return name


class Markers:
    """Writes marker lines for one process. Inactive (every call a no-op) when no markers path is known.

    path:  the markers file; default $GPUMEM_MARKERS
    env:   the environment to read RANK and GPUMEM_* from; default os.environ
    torch: the torch module to read counters from; default the one the script imported (sys.modules), if any
    clock: seconds since the epoch; default time.time
    """

    def __init__(self, path=None, env=None, torch=None, clock=None):
        env = os.environ if env is None else env
        self.path = path if path is not None else env.get(MARKERS_ENV)
        self.rank, self.local_rank, self.world_size = rank_info(env)
        self._env = env
        self._torch = torch
        self._clock = clock or time.time
        self._fd = None
        self._open = []

    @property
    def active(self):
        return bool(self.path)

    def request(self):
        """The request gpumem measures against ($GPUMEM_REQUEST, REQUEST-SCHEMA.md), as a dict; None without one."""
        path = self._env.get(REQUEST_ENV)
        if not path:
            return None
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    # ---- the counters (torch only when the script uses CUDA) ----------------------------------------------------

    def _cuda(self):
        """torch.cuda when torch is imported, CUDA is available and initialised; else None."""
        torch = self._torch if self._torch is not None else sys.modules.get("torch")
        cuda = getattr(torch, "cuda", None) if torch is not None else None
        if cuda is None:
            return None
        try:
            if not cuda.is_available():
                return None
            initialised = getattr(cuda, "is_initialized", None)
            if initialised is not None and not initialised():
                return None
        except Exception:  # a broken or partial install must not break the user's run
            return None
        return cuda

    def _counters(self, cuda):
        return [("allocated", cuda.memory_allocated()), ("reserved", cuda.memory_reserved()),
                ("peak_allocated", cuda.max_memory_allocated()), ("peak_reserved", cuda.max_memory_reserved())]

    # ---- lines --------------------------------------------------------------------------------------------------

    def _write(self, parts):
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if self.rank is not None:
            parts.append("rank=%d" % self.rank)
            parts.append("pid=%d" % os.getpid())
        parts.append("t=%.6f" % self._clock())
        data = (" ".join(parts) + "\n").encode("utf-8")
        os.write(self._fd, data)  # one write with O_APPEND: never interleaved with another rank's line

    def begin(self, name):
        """Opens phase `name` (closing the one still open): synchronises and resets the device peaks first."""
        check_name(name)
        if not self.active:
            return
        cuda = self._cuda()
        if cuda is not None:
            cuda.synchronize()
            cuda.reset_peak_memory_stats()
        self._write(["phase=" + name, "at=start"])

    def end(self, name):
        """Closes phase `name` (or, without a begin, marks the interval since the previous boundary as `name`)."""
        check_name(name)
        if not self.active:
            return
        parts = ["phase=" + name]
        cuda = self._cuda()
        if cuda is not None:
            cuda.synchronize()
            parts.extend("%s=%d" % kv for kv in self._counters(cuda))
        self._write(parts)

    def mark(self, name, at="end"):
        """One marker line: at="end" (default) closes `name`, at="start" opens it."""
        if at == "start":
            self.begin(name)
        elif at == "end":
            self.end(name)
        else:
            raise ValueError("at=%r: accepted: start, end" % (at,))

    def baseline(self):
        """Marks the baseline: what the process holds now (interpreter, imports, CUDA context) is not the model's."""
        if not self.active:
            return
        cuda = self._cuda()
        if cuda is not None:
            cuda.synchronize()
            cuda.reset_peak_memory_stats()
        self._write(["phase=" + BASELINE])

    @contextlib.contextmanager
    def phase(self, name):
        """`with markers.phase("forward"):` opens the phase on entry and closes it on exit (also on an exception)."""
        self.begin(name)
        try:
            yield self
        finally:
            self.end(name)

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_default = None


def default():
    """The process's Markers, made on first use from the environment."""
    global _default
    if _default is None:
        _default = Markers()
    return _default


def phase(name):
    return default().phase(name)


def mark(name, at="end"):
    default().mark(name, at)


def begin(name):
    default().begin(name)


def end(name):
    default().end(name)


def baseline():
    default().baseline()


def request():
    return default().request()


# ---- training-loop callbacks ------------------------------------------------------------------------------------

class StepMarks:
    """The framework-neutral state machine behind the callbacks: first step in detail, second step whole.

    Step 1: forward (model forward up to the output head), loss (head + loss, when the head can be hooked),
    backward (end-only: until the optimizer is about to step), optimizer_step. Step 2: second_step, whole.
    Later steps are not marked (the profile's run-wide peak still sees them).
    """

    def __init__(self, markers=None):
        self.markers = markers or default()
        self.step = 0
        self.hooks = []
        self._in = None
        self._after_forward = False

    def _begin(self, name):
        self._in = name
        self.markers.begin(name)

    def _end(self, name):
        self._in = None
        self.markers.end(name)

    def loaded(self):
        self.markers.end("load")

    def step_begin(self):
        self.step += 1
        if self.step == 2:
            self._begin("second_step")

    def forward_begin(self):
        if self.step == 1 and self._in is None:
            self._begin("forward")

    def head_begin(self):
        if self.step == 1 and self._in == "forward":
            self._end("forward")
            self._begin("loss")

    def forward_end(self):
        if self.step == 1 and self._in in ("forward", "loss"):
            self._end(self._in)
            self._after_forward = True

    def backward_end(self):
        """After the backward of a micro-batch (grad accumulation) or before the optimizer steps."""
        if self.step == 1 and self._in is None and self._after_forward:
            self._after_forward = False
            self.markers.end("backward")

    def optimizer_begin(self):
        if self.step == 1:
            self.backward_end()
            self._begin("optimizer_step")

    def optimizer_end(self):
        if self.step == 1 and self._in == "optimizer_step":
            self._end("optimizer_step")

    def step_end(self):
        if self.step == 1:
            self.optimizer_end()
            self.backward_end()  # a Trainer without optimizer events: backward then holds the optimizer step too
        elif self.step == 2 and self._in == "second_step":
            self._end("second_step")

    def hook(self, model):
        """Forward hooks on the model (and its output head, when it has get_output_embeddings)."""
        if self.hooks or model is None or not hasattr(model, "register_forward_pre_hook"):
            return

        def pre(module, args):
            if getattr(module, "training", True):
                self.forward_begin()

        def post(module, args, output):
            if getattr(module, "training", True):
                self.forward_end()

        def head(module, args):
            if getattr(model, "training", True):
                self.head_begin()

        self.hooks.append(model.register_forward_pre_hook(pre))
        self.hooks.append(model.register_forward_hook(post))
        get_head = getattr(model, "get_output_embeddings", None)
        out = get_head() if callable(get_head) else None
        if out is not None and hasattr(out, "register_forward_pre_hook"):
            self.hooks.append(out.register_forward_pre_hook(head))

    def unhook(self):
        for h in self.hooks:
            h.remove()
        self.hooks = []


try:  # Hugging Face Trainer: defined only where transformers imports
    from transformers import TrainerCallback as _HFBase
except Exception:  # ImportError, or a broken install
    _HFBase = None

if _HFBase is not None:
    class HFMarkerCallback(_HFBase):
        """`Trainer(..., callbacks=[HFMarkerCallback()])`: load ends at on_train_begin, forward/loss through model
        hooks, backward ends at on_substep_end / on_pre_optimizer_step, optimizer_step ends at on_optimizer_step
        (transformers' TrainerCallback events; older versions without the optimizer events end them at
        on_step_end)."""

        def __init__(self, markers=None):
            self.marks = StepMarks(markers)

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            self.marks.loaded()
            self.marks.hook(model)

        def on_step_begin(self, args, state, control, **kwargs):
            self.marks.step_begin()

        def on_substep_end(self, args, state, control, **kwargs):
            self.marks.backward_end()

        def on_pre_optimizer_step(self, args, state, control, **kwargs):
            self.marks.optimizer_begin()

        def on_optimizer_step(self, args, state, control, **kwargs):
            self.marks.optimizer_end()

        def on_step_end(self, args, state, control, **kwargs):
            self.marks.step_end()

        def on_train_end(self, args, state, control, **kwargs):
            self.marks.unhook()

    __all__.append("HFMarkerCallback")

_LBase = None
for _module in ("lightning.pytorch", "pytorch_lightning"):  # Lightning: defined only where it imports
    try:
        _LBase = __import__(_module, fromlist=["Callback"]).Callback
        break
    except Exception:
        continue

if _LBase is not None:
    class LightningMarkerCallback(_LBase):
        """`Trainer(callbacks=[LightningMarkerCallback()])`: load ends at on_train_start; forward (training_step,
        with its loss) from on_train_batch_start to on_before_backward; backward to on_after_backward;
        optimizer_step from on_before_optimizer_step to on_train_batch_end (Lightning's Callback hooks)."""

        def __init__(self, markers=None):
            self.marks = StepMarks(markers)

        def on_train_start(self, trainer, pl_module):
            self.marks.loaded()

        def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
            self.marks.step_begin()
            self.marks.forward_begin()

        def on_before_backward(self, trainer, pl_module, loss):
            self.marks.forward_end()

        def on_after_backward(self, trainer, pl_module):
            self.marks.backward_end()

        def on_before_optimizer_step(self, trainer, pl_module, optimizer):
            self.marks.optimizer_begin()

        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
            self.marks.step_end()

    __all__.append("LightningMarkerCallback")
