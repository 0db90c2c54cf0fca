"""Data generators and loaders, scikit-learn style (``make_*`` and ``load_*``)."""

from dlies.datasets.devries import (
    aftershock_dataset,
    load_aftershocks,
    locate_devries,
    split_events,
)
from dlies.datasets.mantle import make_mantle_stability
from dlies.datasets.mnist import add_noise, load_mnist
from dlies.datasets.point_cloud import load_las, load_xyz, make_point_cloud
from dlies.datasets.point_cloud_files import LasCloud, read_las
from dlies.datasets.quadratic import make_quadratic
from dlies.datasets.real_labelled import load_autzen, load_real_picks
from dlies.datasets.seisbench import load_seisbench, save_seisbench
from dlies.datasets.seismic_sections import (
    REALISTIC_CLASS_NAMES,
    SectionMetadata,
    make_seismic_sections,
    neighbour_correlations,
)
from dlies.datasets.seismograms import SeismogramRealism, Seismograms, make_seismograms
from dlies.datasets.sensor_files import load_sensor_csv
from dlies.datasets.sensors import SensorRecord, make_turbidity_record
from dlies.datasets.synthetic_aftershocks import make_aftershocks
from dlies.datasets.volcano import make_volcano_signals

__all__ = [
    "LasCloud",
    "SeismogramRealism",
    "SensorRecord",
    "Seismograms",
    "add_noise",
    "aftershock_dataset",
    "load_aftershocks",
    "load_autzen",
    "load_las",
    "load_mnist",
    "load_real_picks",
    "load_sensor_csv",
    "load_seisbench",
    "load_xyz",
    "locate_devries",
    "make_aftershocks",
    "make_mantle_stability",
    "make_point_cloud",
    "make_quadratic",
    "make_seismic_sections",
    "REALISTIC_CLASS_NAMES",
    "SectionMetadata",
    "make_seismograms",
    "make_turbidity_record",
    "make_volcano_signals",
    "neighbour_correlations",
    "read_las",
    "save_seisbench",
    "split_events",
]
