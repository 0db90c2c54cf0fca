import numpy as np
import pytest

from dlies.datasets import real_records as rr


def test_every_example_reads_with_its_documented_shape():
    expected = {  # name: (traces, sampling rate, samples of the first trace)
        "montserrat": (21, 75.19, 3675),
        "kw1": (1, 100.0, 936001),
        "rjob": (3, 200.0, 12000),
        "manz": (1, 200.0, 120000),
        "uh1": (1, 50.0, 11517),
        "uh3": (3, 50.0, 11517),
        "uh4": (1, 100.0, 23033),
    }
    for name, (n, rate, npts) in expected.items():
        st = rr.read_example(name)
        assert len(st) == n, name
        assert st[0].stats.sampling_rate == pytest.approx(rate, abs=0.01), name
        assert st[0].stats.npts == npts, name
        assert np.isfinite(st[0].data).all()
    assert [tr.stats.channel[-1] for tr in rr.read_example("uh3")] == ["Z", "N", "E"]


def test_kw1_is_real_continuous_noise():
    x = rr.load_kw1()
    assert x.shape == (936001,) and x.std() > 0
    assert len(x) / rr.KW1_SAMPLING_RATE / 3600 == pytest.approx(2.6, abs=0.01)


def test_unknown_and_missing_examples(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="known: kw1"):
        rr.example_path("stead")
    import obspy

    monkeypatch.setattr(obspy, "__file__", str(tmp_path / "obspy" / "__init__.py"))
    with pytest.raises(FileNotFoundError, match="missing from the installed ObsPy"):
        rr.example_path("kw1")


def test_kw1_copies_are_independent():
    a, b = rr.load_kw1(), rr.load_kw1()
    a[:10] = 0.0  # a caller may change its copy; the next one is untouched
    assert b[:10].any() and rr.load_kw1()[:10].any()
