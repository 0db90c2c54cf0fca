import numpy as np
import pytest

from dlies.datasets import SensorRecord, load_sensor_csv, make_turbidity_record

FAULT_FREE = dict(drift_per_day=0.0, spikes_per_day=0.0, saturation=None)


# --------------------------------------------------------------------------- the generator
def test_rating_law_is_recovered_from_the_generated_record():
    rec = make_turbidity_record(20_000, random_state=0, k=2.5, beta=1.3, scatter=0.25)
    x, y = np.log(rec.turbidity_true), np.log(rec.ssc_true)
    beta, log_k = np.polyfit(x, y, 1)
    assert beta == pytest.approx(1.3, abs=0.01)
    assert np.exp(log_k) == pytest.approx(2.5, rel=0.03)
    assert np.std(y - (log_k + beta * x)) == pytest.approx(0.25, rel=0.03)
    # the water samples are the true concentration at the sampled steps
    s = rec.sampled
    np.testing.assert_array_equal(rec.ssc[s], rec.ssc_true[s])
    assert np.all(np.isnan(rec.ssc[~s]))


def test_scatter_is_independent_by_default_and_ar1_with_scatter_hours():
    def log_scatter(rec):
        return np.log(rec.ssc_true / (1.8 * rec.turbidity_true**1.15))

    def lag_correlation(e, lag):
        return np.corrcoef(e[:-lag], e[lag:])[0, 1]

    default = make_turbidity_record(20_000, random_state=6)
    explicit = make_turbidity_record(20_000, random_state=6, scatter_hours=0.0)
    np.testing.assert_array_equal(default.ssc_true, explicit.ssc_true)
    assert abs(lag_correlation(log_scatter(default), 1)) < 0.03
    # 96 steps of 15 min = 24 h: correlation e^-1 one correlation time apart
    slow = make_turbidity_record(20_000, random_state=6, scatter_hours=24.0)
    e = log_scatter(slow)
    assert np.std(e) == pytest.approx(0.2, rel=0.15)
    assert lag_correlation(e, 96) == pytest.approx(np.exp(-1.0), abs=0.12)
    assert lag_correlation(e, 1) > 0.95
    # only the concentration changes: the river and the probe are the same draws
    np.testing.assert_array_equal(slow.turbidity, default.turbidity)
    np.testing.assert_array_equal(slow.turbidity_true, default.turbidity_true)


def test_fault_free_probe_reads_the_truth_with_three_percent_noise():
    rec = make_turbidity_record(20_000, random_state=1, **FAULT_FREE)
    log_ratio = np.log(rec.turbidity / rec.turbidity_true)
    assert abs(log_ratio.mean()) < 0.002
    assert log_ratio.std() == pytest.approx(0.03, rel=0.05)
    assert not rec.spike.any() and rec.saturation is None


def test_drift_grows_between_cleanings_and_resets():
    rec = make_turbidity_record(
        20_000,
        random_state=2,
        drift_per_day=0.02,
        service_days=10,
        spikes_per_day=0.0,
        saturation=None,
    )
    since_service = np.mod(rec.days, 10.0)
    gain = rec.turbidity / rec.turbidity_true
    slope, intercept = np.polyfit(since_service, gain, 1)
    assert slope == pytest.approx(0.02, rel=0.05)
    assert intercept == pytest.approx(1.0, abs=0.01)
    after = (since_service > 0) & (since_service < 0.1)
    before = since_service > 9.9
    assert gain[before].mean() > 1.15
    assert gain[after].mean() < 1.05


def test_spikes_raise_the_reading_and_saturation_caps_it():
    rec = make_turbidity_record(20_000, random_state=3, spikes_per_day=2.0, saturation=300.0)
    per_day = 96  # 15-min steps
    expected = 2.0 * 2.5 / per_day  # spikes per step x mean length (1-4 samples)
    assert rec.spike.mean() == pytest.approx(expected, rel=0.25)
    assert rec.turbidity.max() == 300.0
    free = ~rec.spike & (rec.turbidity < 300.0)
    spiked = rec.spike & (rec.turbidity < 300.0)
    ratio = rec.turbidity / rec.turbidity_true
    assert np.median(ratio[spiked]) > 2 * np.median(ratio[free])
    assert np.all(rec.turbidity[rec.turbidity_true > 400] == 300.0)


def test_sampling_count_and_storm_bias():
    uniform = make_turbidity_record(9600, random_state=4, ssc_per_day=3.0, storm_bias=0.0)
    biased = make_turbidity_record(9600, random_state=4, ssc_per_day=3.0, storm_bias=1.0)
    assert uniform.sampled.sum() == biased.sampled.sum() == 300  # 100 days x 3
    assert np.median(biased.turbidity[biased.sampled]) > 2 * np.median(
        uniform.turbidity[uniform.sampled]
    )


def test_time_axis_and_record_fields():
    rec = make_turbidity_record(100, random_state=5, interval_minutes=10, start="2020-03-01")
    assert isinstance(rec, SensorRecord) and len(rec) == 100
    assert rec.time.dtype == np.dtype("datetime64[s]")
    assert rec.time[0] == np.datetime64("2020-03-01T00:00:00")
    assert np.all(np.diff(rec.time) == np.timedelta64(600, "s"))
    assert rec.days[-1] == pytest.approx(99 * 10 / 1440)
    for field in (rec.turbidity, rec.ssc, rec.turbidity_true, rec.ssc_true, rec.spike):
        assert field.shape == (100,)
    assert np.all(np.isfinite(rec.turbidity)) and np.all(rec.turbidity > 0)


def test_same_seed_same_record():
    a = make_turbidity_record(2000, random_state=7)
    b = make_turbidity_record(2000, random_state=7)
    c = make_turbidity_record(2000, random_state=8)
    np.testing.assert_array_equal(a.turbidity, b.turbidity)
    np.testing.assert_array_equal(a.ssc, b.ssc)
    assert not np.array_equal(a.turbidity, c.turbidity)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=1), "n_samples"),
        (dict(k=0.0), "k"),
        (dict(k=-1.0), "k"),
        (dict(beta=np.nan), "beta"),
        (dict(scatter=-0.1), "scatter"),
        (dict(scatter_hours=-1.0), "scatter_hours"),
        (dict(interval_minutes=0), "interval_minutes"),
        (dict(storm_peak_range=(10, 5)), "storm_peak_range"),
        (dict(storm_peak_range=(0, 5)), "storm_peak_range"),
        (dict(spike_range=5), "spike_range"),
        (dict(saturation=0.0), "saturation"),
        (dict(ssc_per_day=0), "ssc_per_day"),
        (dict(start="yesterday"), "start"),
    ],
)
def test_make_turbidity_record_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_turbidity_record(**{"n_samples": 100, **kwargs})


def test_make_turbidity_record_rejects_a_non_integer_count():
    with pytest.raises(TypeError, match="n_samples"):
        make_turbidity_record(100.0)


# --------------------------------------------------------------------------- the loader
GOOD = """\
# station: synthetic test river
# turbidity in FNU, SSC in mg/L
Time , Turbidity, SSC ,operator
2024-05-01T00:00:00,12.5,,ab
2024-05-01T00:15:00,13.0,25.1,ab

2024-05-01T00:30:00,NA,,cd
2024-05-01 00:45:00,250,nan,cd
2024-05-01T01:00:00,300.5,610,cd
"""


def write(tmp_path, text, name="sensor.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_loader_reads_the_layout(tmp_path):
    rec = load_sensor_csv(write(tmp_path, GOOD))
    assert len(rec) == 5 and rec.turbidity_true is None and rec.spike is None
    assert rec.time[0] == np.datetime64("2024-05-01T00:00:00")
    assert rec.time[3] == np.datetime64("2024-05-01T00:45:00")
    assert rec.time[4] == np.datetime64("2024-05-01T01:00:00")
    np.testing.assert_array_equal(rec.turbidity, [12.5, 13.0, np.nan, 250.0, 300.5])
    np.testing.assert_array_equal(rec.ssc, [np.nan, 25.1, np.nan, np.nan, 610.0])
    np.testing.assert_array_equal(rec.sampled, [False, True, False, False, True])
    assert rec.days[-1] == pytest.approx(1 / 24)


def test_loader_options_bom_and_delimiter(tmp_path):
    text = "\ufeffdate;ntu;ssc_mg_l\n2024-01-01T00:00:00;1,5;\n2024-01-01T01:00:00;2;4\n"
    text = text.replace("1,5", "1.5")
    path = write(tmp_path, text)
    rec = load_sensor_csv(
        path, time_column="date", turbidity_column="NTU", ssc_column="ssc_mg_l", delimiter=";"
    )
    np.testing.assert_array_equal(rec.turbidity, [1.5, 2.0])
    assert rec.sampled.tolist() == [False, True]


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "empty file"),
        ("# only a comment\n\n", "empty file"),
        ("time,turbidity,ssc\n", "no data rows"),
        (
            "time,turbidity\n2024-01-01,1\n",
            r"no column 'ssc'.*columns found: \['time', 'turbidity'\]",
        ),
        (
            "time,turbidity,ssc\n2024-01-01T00:00,1,2\n2024-01-01T00:15,abc,\n",
            r"line 3, column 'turbidity': 'abc' is not a number",
        ),
        ("time,turbidity,ssc\n2024-01-01T00:00,1,inf\n", r"line 2, column 'ssc'.*not a finite"),
        ("time,turbidity,ssc\n01/02/2024 10:00,1,2\n", r"line 2, column 'time'.*ISO 8601"),
        ("time,turbidity,ssc\n,1,2\n", r"line 2, column 'time'"),
        ("time,turbidity,ssc\n2024-01-01T00:00,1\n", r"line 2: 2 fields"),
        ("time,turbidity,ssc\n2024-01-01T00:00,1,5,2\n", r"line 2: 4 fields, the header has 3"),
        ("time,turbidity,ssc\n2024-01-01T00:00,-1,\n", r"line 2, column 'turbidity'.*negative"),
        ("time,turbidity,ssc\n2024-01-01T00:00,1,-2\n", r"line 2, column 'ssc'.*negative"),
        (
            "time,turbidity,ssc\n2024-01-01T00:00,1,\n2024-01-01T02:00+02:00,1,\n",
            r"line 3, column 'time': times with and without a UTC offset",
        ),
        (
            "time,turbidity,ssc\n2024-01-01T01:00,1,\n2024-01-01T00:00,1,\n",
            r"line 3, column 'time': times must increase",
        ),
        (
            "time,turbidity,ssc\n2024-01-01T00:00,1,\n2024-01-01T00:00,2,\n",
            r"line 3.*times must increase",
        ),
    ],
)
def test_loader_errors_name_the_file_line_and_column(tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=match) as info:
        load_sensor_csv(path)
    assert str(path) in str(info.value)


def test_loader_rejects_binary_and_missing_files(tmp_path):
    path = write(tmp_path, b"time,turbidity,ssc\n\xff\xfe\x00\x01,1,2\n")
    with pytest.raises(ValueError, match="not a UTF-8 text file") as info:
        load_sensor_csv(path)
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    with pytest.raises(FileNotFoundError):
        load_sensor_csv(tmp_path / "absent.csv")


def test_loader_reads_what_the_generator_would_write(tmp_path):
    rec = make_turbidity_record(500, random_state=9)
    lines = ["time,turbidity,ssc"]
    for t, r, c in zip(rec.time, rec.turbidity, rec.ssc, strict=True):
        lines.append(f"{t},{float(r)!r},{'' if np.isnan(c) else repr(float(c))}")
    back = load_sensor_csv(write(tmp_path, "\n".join(lines) + "\n"))
    np.testing.assert_array_equal(back.time, rec.time)
    np.testing.assert_array_equal(back.turbidity, rec.turbidity)
    np.testing.assert_array_equal(back.ssc, rec.ssc)


def test_loader_converts_offsets_to_utc(tmp_path):
    text = "time,turbidity,ssc\n2024-05-01T02:45:00+02:00,1,\n2024-05-01T01:00:00Z,2,3\n"
    rec = load_sensor_csv(write(tmp_path, text))
    assert rec.time.tolist() == [
        np.datetime64("2024-05-01T00:45:00"),
        np.datetime64("2024-05-01T01:00:00"),
    ]


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_loader_refuses_what_is_not_a_regular_file_without_blocking(tmp_path, special):
    import os

    from _guards import finishes

    path = {"fifo": tmp_path / "sensor.csv", "/dev/zero": "/dev/zero", "folder": tmp_path}[special]
    if special == "fifo":
        os.mkfifo(path)
    outcome, kind, message = finishes(load_sensor_csv, path, seconds=20)
    assert outcome == "raised" and "ValueError" in kind, message
    assert str(path) in message and ("not a regular file" in message or "folder" in message)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"delimiter": ";;"}, "delimiter must be one character"),
        ({"delimiter": 1}, "delimiter must be one character"),
        ({"comment": 3}, "comment must be None or a non-empty string"),
        ({"time_column": ""}, "time_column must be a non-empty string"),
        ({"ssc_column": None}, "ssc_column must be a non-empty string"),
    ],
)
def test_loader_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        load_sensor_csv(write(tmp_path, GOOD), **kwargs)
