"""dlies._validate: every public function declares a constraint for each of its parameters.

"Public" is what each package's ``__all__`` names, followed into the modules it lists. A
function listed here with a parameter that has no declared constraint fails the walk; the
classes it meets are data containers and exceptions, listed with the reason they are not
functions to check.
"""

from __future__ import annotations

import importlib
import inspect
import types

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dlies import _validate as v
from dlies._constraints import ParameterError

PACKAGES = (
    "dlies",
    "dlies.datasets",
    "dlies.physics",
    "dlies.features",
    "dlies.models",
    "dlies.build",
    "dlies.exercises",
    "dlies.gan_metrics",
    "dlies.train",
)
#: Classes met in the walk: what they are, and why their constructor is not checked here.
CLASSES = {
    "dlies.build.Outcome": "what dlies run returns",
    "dlies.build.checks.RunError": "an exception",
    "dlies.build.execute.NotebookRun": "a record of one run",
    "dlies.course.Runtime": "what setup returns",
    "dlies.results.ClaimRefuted": "an exception",
    "dlies.exercises.ExerciseFailed": "an exception",
    "dlies.train_cluster.TrainError": "an exception",
    "dlies.train_cluster.NonFiniteLoss": "an exception",
    "dlies.exercises.Verdict": "a checker's result: a flag and a sentence",
    "dlies.datasets.seismograms.Seismograms": "a container; save_seisbench checks one",
    "dlies.datasets.seismic_sections.SectionMetadata": "a container make_seismic_sections returns",
    "dlies.datasets.seismogram_realism.SeismogramRealism": "checks its fields in __post_init__",
    "dlies.datasets.sensors.SensorRecord": "a container the generator and loader return",
    "dlies.datasets.point_cloud_files.LasCloud": "a container load_las returns",
    "dlies.physics.crust.CrustalModel": "checks its fields in __post_init__",
    "dlies.physics.faults.RectangularFault": "checks its fields in __post_init__",
    "dlies.physics.lorenz63.Lorenz63Trajectory": "a container make_lorenz63 returns",
    "dlies.stats.Interval": "a container the interval functions return",
    "dlies.stats.McNemar": "a container mcnemar_test returns",
}


def public_objects() -> dict[str, object]:
    found: dict[str, object] = {}
    seen: set[str] = set()

    def walk(module: types.ModuleType) -> None:
        if module.__name__ in seen:
            return
        seen.add(module.__name__)
        assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("dlies."):
                    walk(obj)
            elif callable(obj):
                target = inspect.unwrap(obj) if inspect.isfunction(obj) else obj
                found.setdefault(f"{target.__module__}.{target.__qualname__}", obj)

    for package in PACKAGES:
        walk(importlib.import_module(package))
    return found


PUBLIC = public_objects()
FUNCTIONS = {k: f for k, f in PUBLIC.items() if inspect.isfunction(f)}


def test_the_walk_finds_the_public_functions_and_only_known_classes():
    assert len(FUNCTIONS) >= 80
    classes = sorted(k for k, obj in PUBLIC.items() if inspect.isclass(obj))
    assert classes == sorted(CLASSES)


def test_every_parameter_of_every_public_function_is_declared():
    undeclared = []
    for key, func in sorted(FUNCTIONS.items()):
        params = inspect.signature(func).parameters
        declared = v.declared_params(func)
        if params and declared is None:
            undeclared.append(f"{key}: {list(params)}")
        elif declared is not None:
            undeclared += [f"{key}: {p}" for p in params if p not in declared]
    assert not undeclared, "no declared constraint for:\n" + "\n".join(undeclared)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_every_default_meets_its_own_constraint(key):
    func = FUNCTIONS[key]
    declared = v.declared_params(func) or {}
    for name, param in inspect.signature(func).parameters.items():
        if param.default is not inspect.Parameter.empty and name in declared:
            declared[name].check(f"{key}: {name}", param.default)


# --------------------------------------------------------------------------- real calls
def _cheap_calls() -> dict:
    """Public functions cheap enough to call many times, with arguments they accept."""
    import tempfile
    from pathlib import Path

    from dlies import datasets, stats
    from dlies.datasets import seismic_sections
    from dlies.figures import tile
    from dlies.physics import lorenz63, rayleigh, seismicity, stress

    csv = Path(tempfile.mkdtemp(prefix="dlies-calls-")) / "sensor.csv"
    csv.write_text("time,turbidity,ssc\n2024-01-01T00:00,1,2\n2024-01-01T00:15,2,\n")
    return {
        "make_quadratic": (datasets.make_quadratic, {"n_samples": 5}),
        "add_noise": (datasets.add_noise, {"x": np.zeros(3), "random_state": 0}),
        "load_sensor_csv": (datasets.load_sensor_csv, {"path": csv}),
        "neighbour_correlations": (
            seismic_sections.neighbour_correlations,
            {"sections": np.ones((1, 3, 16)), "max_lag": 2},
        ),
        "binomial_interval": (stats.binomial_interval, {"successes": 1, "trials": 3}),
        "seed_spread": (stats.seed_spread, {"values": [1.0, 2.0, 4.0]}),
        "mcnemar_test": (stats.mcnemar_test, {"correct_a": [True], "correct_b": [False]}),
        "rk4_step": (lorenz63.rk4_step, {"state": [1.0, 1.0, 1.0]}),
        "principal_stresses": (stress.principal_stresses, {"sigma": np.eye(3)}),
        "coulomb_stress_change": (
            stress.coulomb_stress_change,
            {"sigma": np.eye(3), "strike": 0.0, "dip": 45.0, "rake": 90.0},
        ),
        "critical_rayleigh": (rayleigh.critical_rayleigh, {"wavelength_ratio": 2.0}),
        "dieterich_ratio": (seismicity.dieterich_ratio, {"dcfs": [0.1], "a_sigma": 0.01}),
        "tile": (tile, {"images": np.zeros((4, 2, 2)), "ncols": 2}),
    }


def _anything():
    from test_constraints import ANYTHING

    return ANYTHING


CALLS = _cheap_calls()
CALL_PARAMS = [(f, p) for f, (func, _) in sorted(CALLS.items()) for p in v.declared_params(func)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(CALL_PARAMS) - 1), value=st.deferred(lambda: _anything()))
def test_a_wrong_argument_is_named_before_anything_runs(index, value):
    """A value the declaration refuses raises an error naming the function and parameter,
    before anything of the function runs. (Values it accepts are not run here: an accepted
    count of 10**12 samples would really be drawn.)"""
    from _guards import deadline

    name, param = CALL_PARAMS[index]
    func, kwargs = CALLS[name]
    try:
        v.declared_params(func)[param].check("x", value)
    except (ParameterError, FileNotFoundError):
        pass
    else:
        assume(False)
    with pytest.raises((ParameterError, FileNotFoundError)) as info, deadline(10):
        func(**(kwargs | {param: value}))
    assert str(info.value).startswith(f"{name}: {param}"), info.value
