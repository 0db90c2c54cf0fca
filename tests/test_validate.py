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

import pytest

from dlies import _validate as v

PACKAGES = (
    "dlies",
    "dlies.datasets",
    "dlies.physics",
    "dlies.features",
    "dlies.models",
    "dlies.build",
)
#: Classes met in the walk: what they are, and why their constructor is not checked here.
CLASSES = {
    "dlies.build.Outcome": "what dlies run returns",
    "dlies.build.checks.RunError": "an exception",
    "dlies.build.execute.NotebookRun": "a record of one run",
    "dlies.course.Runtime": "what setup returns",
    "dlies.results.ClaimRefuted": "an exception",
    "dlies.datasets.seismograms.Seismograms": "a container; save_seisbench checks one",
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
