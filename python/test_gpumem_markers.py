"""Tests of gpumem_markers.py: standard library only; the torch tests skip with a reason where torch is absent.

Run: cd python && python3 -m unittest -v test_gpumem_markers   (JUnit runs it: PythonMarkerHelperTest)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpumem_markers as gm  # noqa: E402

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except Exception:
    HAVE_TORCH = False


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [dict(kv.split("=", 1) for kv in line.split()) for line in f if line.strip()]


class FakeCuda:
    """torch.cuda's memory API, recording calls; raises on any call when CUDA is 'unavailable'."""

    def __init__(self, available=True, initialised=True):
        self.available = available
        self.initialised = initialised
        self.calls = []
        self.allocated = 1000

    def is_available(self):
        return self.available

    def is_initialized(self):
        return self.initialised

    def _call(self, name, value=None):
        if not (self.available and self.initialised):
            raise AssertionError("torch.cuda.%s called without an initialised CUDA" % name)
        self.calls.append(name)
        return value

    def synchronize(self):
        self._call("synchronize")

    def reset_peak_memory_stats(self):
        self._call("reset_peak_memory_stats")

    def memory_allocated(self):
        return self._call("memory_allocated", self.allocated)

    def memory_reserved(self):
        return self._call("memory_reserved", 2048)

    def max_memory_allocated(self):
        return self._call("max_memory_allocated", 1500)

    def max_memory_reserved(self):
        return self._call("max_memory_reserved", 4096)


class FakeTorch:
    def __init__(self, cuda):
        self.cuda = cuda


class MarkersTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "markers.txt")

    def tearDown(self):
        self.dir.cleanup()

    def markers(self, env=None, torch=None):
        env = dict(env or {})
        env.setdefault(gm.MARKERS_ENV, self.path)
        return gm.Markers(env=env, torch=torch, clock=lambda: 1700000000.5)

    def test_without_the_environment_variable_nothing_is_written(self):
        m = gm.Markers(env={}, torch=FakeTorch(FakeCuda()))
        with m.phase("forward"):
            m.mark("loss")
        m.baseline()
        self.assertFalse(m.active)
        self.assertFalse(os.path.exists(self.path))

    def test_phase_writes_a_start_and_an_end_line(self):
        m = self.markers()
        with m.phase("forward"):
            pass
        self.assertEqual([{"phase": "forward", "at": "start", "t": "1700000000.500000"},
                          {"phase": "forward", "t": "1700000000.500000"}], lines(self.path))

    def test_phase_is_closed_when_the_body_raises(self):
        m = self.markers()
        with self.assertRaises(RuntimeError):
            with m.phase("backward"):
                raise RuntimeError("oom")
        self.assertEqual(["start", None], [d.get("at") for d in lines(self.path)])

    def test_mark_is_an_end_only_line_and_start_opens(self):
        m = self.markers()
        m.mark("loss")
        m.mark("decode", at="start")
        self.assertEqual([{"phase": "loss"}, {"phase": "decode", "at": "start"}],
                         [{k: v for k, v in d.items() if k != "t"} for d in lines(self.path)])
        with self.assertRaises(ValueError):
            m.mark("loss", at="middle")

    def test_a_bad_phase_name_is_refused_before_anything_is_written(self):
        m = self.markers()
        for bad in ("", "two words", "x" * 65, "a=b"):
            with self.assertRaises(ValueError):
                m.mark(bad)
        self.assertFalse(os.path.exists(self.path))

    def test_baseline_is_its_own_line(self):
        m = self.markers()
        m.baseline()
        self.assertEqual("baseline", lines(self.path)[0]["phase"])
        self.assertNotIn("at", lines(self.path)[0])

    def test_rank_and_pid_are_added_when_rank_is_set(self):
        m = self.markers({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "8"})
        m.mark("forward")
        d = lines(self.path)[0]
        self.assertEqual("3", d["rank"])
        self.assertEqual(str(os.getpid()), d["pid"])
        self.assertEqual((3, 1, 8), (m.rank, m.local_rank, m.world_size))

    def test_no_rank_key_without_rank(self):
        m = self.markers({"RANK": "not-a-number"})
        m.mark("forward")
        self.assertNotIn("rank", lines(self.path)[0])

    def test_cpu_torch_is_never_asked_for_cuda(self):
        m = self.markers(torch=FakeTorch(FakeCuda(available=False)))
        with m.phase("forward"):
            pass
        m.baseline()
        self.assertEqual(3, len(lines(self.path)))  # FakeCuda raises on any memory call

    def test_cuda_not_yet_initialised_is_not_initialised_by_a_marker(self):
        cuda = FakeCuda(initialised=False)
        m = self.markers(torch=FakeTorch(cuda))
        m.mark("load")
        self.assertEqual([], cuda.calls)
        self.assertNotIn("allocated", lines(self.path)[0])

    def test_on_cuda_start_resets_peaks_and_end_carries_the_four_counters(self):
        cuda = FakeCuda()
        m = self.markers(torch=FakeTorch(cuda))
        with m.phase("forward"):
            cuda.allocated = 7000
        self.assertEqual(["synchronize", "reset_peak_memory_stats", "synchronize", "memory_allocated",
                          "memory_reserved", "max_memory_allocated", "max_memory_reserved"], cuda.calls)
        end = lines(self.path)[1]
        self.assertEqual(("7000", "2048", "1500", "4096"),
                         (end["allocated"], end["reserved"], end["peak_allocated"], end["peak_reserved"]))

    def test_request_reads_the_file_named_in_the_environment(self):
        req = os.path.join(self.dir.name, "request.json")
        with open(req, "w", encoding="utf-8") as f:
            json.dump({"model": "llama-3-8b", "batch": 4}, f)
        self.assertEqual(4, self.markers({gm.REQUEST_ENV: req}).request()["batch"])
        self.assertIsNone(self.markers().request())

    def test_lines_of_two_processes_appending_at_once_never_interleave(self):
        code = ("import sys; sys.path.insert(0, %r); import gpumem_markers as gm\n"
                "m = gm.Markers()\n"
                "for i in range(400): m.mark('p%%d' %% i)\n") % os.path.dirname(os.path.abspath(gm.__file__))
        procs = []
        for rank in ("0", "1"):
            env = dict(os.environ, RANK=rank, GPUMEM_MARKERS=self.path)
            procs.append(subprocess.Popen([sys.executable, "-c", code], env=env))
        self.assertEqual([0, 0], [p.wait(60) for p in procs])
        got = lines(self.path)
        self.assertEqual(800, len(got))
        for rank in ("0", "1"):
            mine = [d["phase"] for d in got if d["rank"] == rank]
            self.assertEqual(["p%d" % i for i in range(400)], mine)


class FakeHandle:
    def __init__(self, hooks, fn):
        self.hooks, self.fn = hooks, fn

    def remove(self):
        self.hooks.remove(self.fn)


class FakeModule:
    """Enough of nn.Module for StepMarks.hook: forward pre-hooks and hooks, an output head."""

    def __init__(self, head=None):
        self.training = True
        self.pre, self.post = [], []
        self.head = head

    def register_forward_pre_hook(self, fn):
        self.pre.append(fn)
        return FakeHandle(self.pre, fn)

    def register_forward_hook(self, fn):
        self.post.append(fn)
        return FakeHandle(self.post, fn)

    def get_output_embeddings(self):
        return self.head

    def __call__(self, inner=None):
        for fn in self.pre:
            fn(self, ())
        if inner:
            inner()
        for fn in self.post:
            fn(self, (), None)


class StepMarksTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "markers.txt")
        self.m = gm.Markers(env={gm.MARKERS_ENV: self.path})

    def tearDown(self):
        self.dir.cleanup()

    def seq(self):
        return [(d["phase"], d.get("at", "end")) for d in lines(self.path)]

    def test_a_trainer_step_sequence_marks_the_estimators_phases(self):
        head = FakeModule()
        model = FakeModule(head)
        s = gm.StepMarks(self.m)
        s.loaded()
        s.hook(model)
        for step in (1, 2, 3):
            s.step_begin()
            model(inner=head)        # forward, then the head inside the model
            s.optimizer_begin()      # on_pre_optimizer_step / on_before_optimizer_step
            s.optimizer_end()
            s.step_end()
        self.assertEqual([("load", "end"), ("forward", "start"), ("forward", "end"), ("loss", "start"),
                          ("loss", "end"), ("backward", "end"), ("optimizer_step", "start"),
                          ("optimizer_step", "end"), ("second_step", "start"), ("second_step", "end")], self.seq())
        s.unhook()
        self.assertEqual([], model.pre + model.post + head.pre)

    def test_grad_accumulation_marks_each_micro_batchs_backward(self):
        model = FakeModule()
        s = gm.StepMarks(self.m)
        s.hook(model)
        s.step_begin()
        model()
        s.backward_end()             # on_substep_end
        model()
        s.optimizer_begin()
        s.step_end()                 # on_train_batch_end / on_step_end closes the optimizer step
        self.assertEqual([("forward", "start"), ("forward", "end"), ("backward", "end"), ("forward", "start"),
                          ("forward", "end"), ("backward", "end"), ("optimizer_step", "start"),
                          ("optimizer_step", "end")], self.seq())

    def test_a_trainer_without_optimizer_events_still_ends_backward(self):
        model = FakeModule()
        s = gm.StepMarks(self.m)
        s.hook(model)
        s.step_begin()
        model()
        s.step_end()
        self.assertEqual([("forward", "start"), ("forward", "end"), ("backward", "end")], self.seq())

    def test_evaluation_forwards_are_not_marked(self):
        model = FakeModule()
        s = gm.StepMarks(self.m)
        s.hook(model)
        s.step_begin()
        model.training = False
        model()
        self.assertFalse(os.path.exists(self.path))


@unittest.skipUnless(HAVE_TORCH, "torch is not importable by %s (Debian: apt-get install python3-torch)"
                     % sys.executable)
class WithTorchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "markers.txt")

    def tearDown(self):
        self.dir.cleanup()

    def test_markers_on_cpu_torch_do_not_touch_cuda(self):
        import torch
        m = gm.Markers(env={gm.MARKERS_ENV: self.path})
        m.baseline()
        with m.phase("forward"):
            torch.ones(1024).sum()
        d = lines(self.path)
        self.assertEqual(3, len(d))
        if not torch.cuda.is_available():
            self.assertNotIn("allocated", d[2])

    def test_hooks_on_a_real_module_mark_forward_and_loss(self):
        import torch

        class Tiny(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.body = torch.nn.Linear(8, 8)
                self.lm_head = torch.nn.Linear(8, 4)

            def get_output_embeddings(self):
                return self.lm_head

            def forward(self, x):
                return self.lm_head(self.body(x)).sum()

        model = Tiny()
        s = gm.StepMarks(gm.Markers(env={gm.MARKERS_ENV: self.path}))
        s.hook(model)
        s.step_begin()
        model(torch.ones(2, 8)).backward()
        s.step_end()
        self.assertEqual(["forward", "forward", "loss", "loss", "backward"], [d["phase"] for d in lines(self.path)])


if __name__ == "__main__":
    unittest.main()
