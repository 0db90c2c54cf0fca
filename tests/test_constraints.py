"""dlies._constraints, property-based: any value is either accepted or refused with an error
that names the parameter, for every constraint that a public function declares."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from _guards import deadline
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate import FUNCTIONS

from dlies import _validate as v
from dlies._constraints import ParameterError

#: Values of every shape a caller may pass by mistake.
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(),
    st.text(max_size=30),
    st.binary(max_size=30),
    st.lists(st.one_of(st.integers(-5, 5), st.floats(), st.text(max_size=3)), max_size=6),
    st.tuples(st.floats(), st.floats()),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.sampled_from(
        [
            object(),
            np.int64(3),
            np.float32("nan"),
            np.array([]),
            np.zeros((2, 3)),
            np.array(["a", "b"]),
            np.ones(3, complex),
            len,
            "x" * 5000,
            -1,
            0,
        ]
    ),
)

#: Every (function, parameter, constraint) the public functions declare.
DECLARED = [
    (key, name, constraint)
    for key, func in sorted(FUNCTIONS.items())
    for name, constraint in (v.declared_params(func) or {}).items()
]


def test_every_declared_constraint_is_listed():
    assert len(DECLARED) >= 300


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(DECLARED) - 1), value=ANYTHING)
def test_a_constraint_accepts_a_value_or_names_the_parameter(index, value):
    key, name, constraint = DECLARED[index]
    label = f"{key.rsplit('.', 1)[-1]}: {name}"
    try:
        with deadline(10):
            constraint.check(label, value)
    except ParameterError as exc:
        assert str(exc).startswith(label), exc
    except FileNotFoundError as exc:  # a path that names nothing: the file is named
        assert label in str(exc) and str(value) in str(exc)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: v.Integer(min=0).check("f: n", True), "f: n must be an integer"),
        (lambda: v.Real(above=0).check("f: x", float("nan")), "f: x must be a finite number > 0"),
        (lambda: v.Boolean().check("f: overwrite", "no"), "f: overwrite must be True or False"),
        (lambda: v.RandomState().check("f: random_state", -1), "f: random_state must be None"),
        (lambda: v.Pair(v.Real()).check("f: r", (2, 1)), "f: r must be a pair"),
        (lambda: v.Array(shape=(None, 3)).check("f: p", [[1, 2]]), r"f: p must be a \(n, 3\)"),
        (lambda: v.Path_().check("f: path", "a" * 5000), "f: path must be a path"),
        (lambda: v.Path_().check("f: path", "a\0b"), "f: path must be a path"),
    ],
)
def test_messages_name_the_parameter_and_what_it_accepts(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_a_declaration_must_cover_every_parameter():
    with pytest.raises(TypeError, match=r"undeclared \['b'\]"):

        @v.validate_params(a=v.Integer())
        def f(a, b):
            return a, b

    @v.validate_params(a=v.Integer(), b=(None, v.Real()))
    def g(a, b=None):
        return a, b

    assert g(np.int64(2)) == (2, None) and inspect.signature(g).parameters.keys() == {"a", "b"}
    with pytest.raises(ParameterError, match="g: b must be None or a finite number"):
        g(1, b="x")
